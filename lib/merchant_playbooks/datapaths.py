"""Which paths may be read as a merchant's data file: regular files only, nothing of the system's.

A params file names its data files (orders, catalogue, actuals) by path. A path to
`/proc/self/environ`, a device or a pipe must never be read: what such a file holds
(the environment, a secret) would land in error messages, and those go into files
made to be shared (summary.json, index.html, the failed notebook).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))


def special_file_problem(path: Path) -> str | None:
    """Why `path` cannot be a data file, or None (a regular file, missing, or a folder: said elsewhere)."""
    try:
        real = path.resolve(strict=True)
        info = os.stat(real)
    except (OSError, RuntimeError):  # missing, a broken or looping link, no permission on a parent
        return None
    for root in SYSTEM_ROOTS:
        if real == root or root in real.parents:
            return f"is a system file ({root}/...), not a data file; expected a CSV file"
    if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
        return None
    return "is not a regular file (a device, pipe or socket); expected a CSV file"
