"""The playbooks: every package that declares a `PLAYBOOK`, found once and asked by every consumer.

A playbook is found, never listed:

* a package inside `merchant_playbooks` whose `__init__.py` assigns `PLAYBOOK = Playbook(...)`
  (`lib/merchant_playbooks/<name>/`), found with `pkgutil` — the `__init__` is read for the
  assignment before it is imported, so other subpackages (heavy ones too) are never imported;
* a playbook installed as its own package, through the entry-point group
  `merchant_playbooks.playbooks` (`name = "my_package"` or `"my_package:PLAYBOOK"` under
  `[project.entry-points."merchant_playbooks.playbooks"]` in its pyproject.toml).

`names()` lists them in stage order (`vocabulary.STAGES`), then as found; the params file's
top-level keys, `playbooks run --playbook`, the docs generator, the kernels' preloads, the
platform-rule warnings, diagnosis and the tools all come from here. Discovery imports only the
declarations (light: see `playbook.py`); nothing builds a module path from a playbook's name.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from . import i18n
from .playbook import Playbook
from .vocabulary import STAGES

ENTRY_POINT_GROUP = "merchant_playbooks.playbooks"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = PROJECT_ROOT / "playbooks"


class RegistryError(RuntimeError):
    """Two declarations with one name, or a declaration that is not a `Playbook`."""


def _declares(init: Path) -> bool:
    """Whether a package's `__init__.py` assigns `PLAYBOOK` at top level (read, not imported)."""
    try:
        tree = ast.parse(init.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
                isinstance(t, ast.Name) and t.id == "PLAYBOOK" for t in targets):
            return True
    return False


def _packaged() -> list[tuple[str, Any]]:
    """(where, object) for each subpackage of merchant_playbooks declaring PLAYBOOK."""
    package = importlib.import_module(__package__)
    found = []
    for info in pkgutil.iter_modules(package.__path__, f"{__package__}."):
        init = Path(getattr(info.module_finder, "path", "")) / info.name.rpartition(".")[2] / "__init__.py"
        if info.ispkg and _declares(init):
            found.append((info.name, importlib.import_module(info.name).PLAYBOOK))
    return found


def _installed() -> list[tuple[str, Any]]:
    """(where, object) for each entry point in ENTRY_POINT_GROUP."""
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        found.append((f"entry point {ep.name} = {ep.value}", getattr(obj, "PLAYBOOK", obj)))
    return found


@cache
def _declarations() -> dict[str, Playbook]:
    playbooks: dict[str, Playbook] = {}
    for where, pb in _packaged() + _installed():
        if not isinstance(pb, Playbook):
            raise RegistryError(f"{where}: PLAYBOOK must be a merchant_playbooks.playbook.Playbook, not "
                                f"{type(pb).__name__}")
        if pb.stage not in STAGES:
            raise RegistryError(f"{where}: stage {pb.stage!r} must be one of {', '.join(STAGES)}")
        if pb.name in playbooks and playbooks[pb.name] is not pb:
            raise RegistryError(f"{where}: a second playbook named {pb.name!r}")
        playbooks[pb.name] = pb
        if pb.messages is not None:
            i18n.add_messages(pb.name, pb.messages)
    ordered = sorted(playbooks.values(), key=lambda pb: STAGES.index(pb.stage))  # stable: as found
    return {pb.name: pb for pb in ordered}


def refresh() -> None:
    """Find the declarations again (after installing a playbook into a running process)."""
    _declarations.cache_clear()


def names() -> tuple[str, ...]:
    """Every declared playbook, in stage order."""
    return tuple(_declarations())


def playbooks() -> tuple[Playbook, ...]:
    return tuple(_declarations().values())


def get(name: str) -> Playbook:
    try:
        return _declarations()[name]
    except KeyError:
        raise KeyError(f"no playbook named {name!r}; declared: {', '.join(names())}") from None


def for_stage(stage: str) -> str:
    """The playbook serving a diagnosed stage: the first declared for it."""
    for pb in _declarations().values():
        if pb.stage == stage:
            return pb.name
    raise KeyError(f"no playbook declared for stage {stage!r}")


def section_model(name: str) -> type:
    return get(name).section()


def notebook(name: str, notebook_dir: Path | None = None) -> Path:
    """The playbook's notebook: its declared one, or the file of that name in `notebook_dir`."""
    declared = get(name).notebook
    if notebook_dir is not None:
        return Path(notebook_dir) / (declared.name if declared else f"{name}.ipynb")
    return declared or NOTEBOOK_DIR / f"{name}.ipynb"


def title(name: str, lang: str) -> str:
    """The playbook's name in the merchant's language: its own catalogue's `playbook_title`, else the
    shared `common.playbook.<name>` (where the four first playbooks keep theirs)."""
    own = f"{name}.playbook_title"
    return i18n.t(own, lang) if i18n.has(own, lang) else i18n.t(f"common.playbook.{name}", lang)


def preloads() -> list[str]:
    """What a batch kernel imports ahead for every playbook: each declaration's `preload`."""
    return [module for pb in _declarations().values() for module in pb.preload]


def build_plan(name: str, params: Any):
    """The plan for a playbook's validated params: figures, words and the shared spine."""
    from .spine import assemble

    return assemble(get(name), params)
