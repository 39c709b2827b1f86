"""The output folder is shared: who may write where, one run at a time, nothing followed out of it.

- **One run at a time**: `locked(out)` holds `out/.playbooks.lock` (an fcntl lock, released
  by the kernel when the process dies); a second run into the same folder waits for it.
- **Ownership**: `out/<merchant>/.owner.json` names the params file that wrote the folder;
  another params file with the same id is refused, naming both (`owner_problem`).
- **Foreign files**: an `index.html` or `summary.json` the project did not write is never
  overwritten (`check_foreign`).
- **No symlink followed**: the staging folder is a real folder the run created, cleanup never
  descends into a link, and a merchant folder that is a link is never written through.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

from .errors import Problem, UserError
from .outputs import atomic_write_json

GENERATOR = "merchant-playbooks"
LOCK = ".playbooks.lock"
OWNER = ".owner.json"
STAGING = ".staging"


class OutFolderError(UserError):
    """The output folder cannot be used as it is (a foreign file in the way); nothing was written."""


@contextlib.contextmanager
def locked(out: Path, log=print):
    """Hold the output folder's lock for a run; wait (saying so) while another run holds it."""
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    held = False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            log(f"waiting: another playbooks run (pid {holder}) is writing to {out}; this one starts when it "
                "is done (Ctrl-C to give up)")
            fcntl.flock(fd, fcntl.LOCK_EX)
        held = True
        os.ftruncate(fd, 0)  # a run killed with -9 left its pid
        os.pwrite(fd, str(os.getpid()).encode(), 0)  # who holds it, for the next run's message
        yield
    finally:
        if held:
            os.ftruncate(fd, 0)
        os.close(fd)  # releases the lock


# ---------------------------------------------------------------- files the project did not write


def is_ours_index(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False
    # earlier versions wrote no generator tag: their title says who made them
    return f'<meta name="generator" content="{GENERATOR}">' in head or \
        "<title>Merchant Growth Playbooks — portfolio</title>" in head


def read_ours_summary(path: Path) -> dict | None:
    """The summary.json a run of the project wrote, else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return None
    if data.get("generator") == GENERATOR or {"generated", "started", "finished", "version"} <= data.keys():
        return data
    return None


def check_foreign(out: Path) -> None:
    """Refuse an `--out` whose index.html or summary.json someone else wrote (or is a link)."""
    for name, ours in (("index.html", is_ours_index), ("summary.json", read_ours_summary)):
        path = out / name
        if path.is_symlink() or (path.exists() and not ours(path)):
            raise OutFolderError(
                f"playbooks: error: {path}: was not written by playbooks, so it is not overwritten; choose "
                f"another --out (e.g. {out / 'playbooks'}) or move the file away")


# ---------------------------------------------------------------- ownership of merchant folders


def owner_of(folder: Path) -> Path | None:
    """The params file recorded as having written `folder`, if any."""
    try:
        return Path(json.loads((folder / OWNER).read_text(encoding="utf-8"))["params_file"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def owner_problem(out: Path, slug: str, params_path: str) -> Problem | None:
    """A problem when `out/<slug>` was written by another params file than `params_path`."""
    from .yamlread import display_path

    owner = owner_of(out / slug)
    if owner is None or owner == Path(params_path):
        return None
    return Problem("merchant.id", f"would overwrite {display_path(out / slug)}/, which {display_path(owner)} "
                   f"wrote; give each merchant its own id (or remove {display_path(out / slug)}/ to hand the "
                   "folder over)", slug, True)


def merchant_folder(out: Path, slug: str, params_path: str) -> Path:
    """`out/<slug>`, created when missing and claimed for `params_path`; never a symlink."""
    folder = out / slug
    if folder.is_symlink():
        raise OSError(errno.ELOOP, f"{folder} is a symbolic link; outputs are never written through one")
    folder.mkdir(exist_ok=True)
    if owner_of(folder) != Path(params_path):
        atomic_write_json(folder / OWNER, {"generator": GENERATOR, "params_file": params_path})
    return folder


# ---------------------------------------------------------------- staging


def prepare_staging(out: Path, log=print) -> Path:
    """`out/.staging` as a real folder: a symlink or file there is removed (never what a link points to)."""
    root = out / STAGING
    if root.is_symlink() or (root.exists() and not root.is_dir()):
        root.unlink()
        log(f"note: {root} was a link or a file; removed it (a link's target is untouched) and staged in a "
            "real folder")
    root.mkdir(exist_ok=True)
    return root


def staging_root(out: Path) -> Path:
    """The staging root for a job: refuses to go through a symlink (someone swapped it in mid-run)."""
    root = out / STAGING
    if root.is_symlink():
        raise OSError(errno.ELOOP, f"{root} is a symbolic link; staging never follows one out of --out")
    root.mkdir(parents=True, exist_ok=True)  # a job run on its own (run_job) may be the first to write --out
    return root


def clean_staging(out: Path, alive) -> None:  # alive: pid -> bool
    """Remove staging folders no running process owns (left by a kill -9); the folder too when empty.

    Never follows a symlink: a linked `.staging` is left alone, a link inside it is unlinked itself.
    """
    root = out / STAGING
    if root.is_symlink() or not root.is_dir():
        return
    for d in root.iterdir():
        parts = d.name.split(".")
        pid = int(parts[-2]) if len(parts) >= 2 and parts[-2].isdigit() else None
        if pid is not None and alive(pid) and not d.is_symlink():
            continue
        if d.is_symlink() or not d.is_dir():
            d.unlink(missing_ok=True)
        else:
            shutil.rmtree(d, ignore_errors=True)  # rmtree itself never follows links inside
    with contextlib.suppress(OSError):
        root.rmdir()
