"""Writing outputs safely: atomic file moves, fingerprints for up-to-date checks."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__

DATA_SUFFIXES = (".csv", ".tsv", ".xlsx", ".json", ".yaml", ".yml")


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_file(staged: Path, final: Path) -> None:
    """Move a finished file into place: flushed to disk first, then renamed (readers see all of it or none)."""
    with open(staged, "rb") as f:
        os.fsync(f.fileno())  # a full disk can surface here (delayed allocation): then nothing is moved
    os.replace(staged, final)


def fsync_dir(folder: Path) -> None:
    """Make the renames in `folder` durable (a crash after this keeps them)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def is_whole_notebook(path: Path) -> bool:
    """A notebook file that parses as a whole: a write cut short by a full disk does not."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("cells"), list)


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str))


def data_files(section: Any, base_dir: Path) -> list[Path]:
    """Files a section names (orders, products, actuals), found by value, for fingerprints."""
    found: list[Path] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and v.lower().endswith(DATA_SUFFIXES):
            p = Path(v) if Path(v).is_absolute() else base_dir / v
            if p.is_file():
                found.append(p.resolve())

    walk(section)
    return sorted(set(found))


def library_files(playbook: str) -> list[Path]:
    """The library's files a playbook's outputs depend on: shared code and its own, not other playbooks'."""
    from . import registry

    lib = Path(__file__).parent
    others = {n for n in registry.names() if n != playbook}
    keep = []
    for src in sorted(lib.rglob("*")):
        rel = src.relative_to(lib)
        if not src.is_file() or src.suffix not in (".py", ".yaml", ".j2", ".css", ".json", ".csv"):
            continue
        if rel.parts[0] in others or (rel.parts[0] == "messages" and src.stem in others):
            continue
        keep.append(src)
    return keep


def fingerprint(params_text: bytes, notebook: Path, files: list[Path], extra: str = "", playbook: str = "") -> str:
    """Same params, notebook, library (version and code) and data files → same fingerprint."""
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(b"\0params\0" + params_text)
    h.update(b"\0notebook\0" + notebook.read_bytes())
    lib = Path(__file__).parent
    for src in library_files(playbook or notebook.stem):
        h.update(str(src.relative_to(lib)).encode() + b"\0" + src.read_bytes())
    for f in files:
        h.update(b"\0data\0" + str(f).encode() + b"\0" + f.read_bytes())
    h.update(extra.encode())
    return h.hexdigest()
