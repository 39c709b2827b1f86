"""Where the panel finds a playbook's parts: its `PanelSpec`, its section model, its plan builder.

Everything is asked of the registry. The registry is being replaced (issue 16): `registry.get`
returns the old `PlaybookSpec` until the seam-core branch is merged and the `Playbook`
declaration after it. The lines marked TRANSITION serve the old spec only; delete them at the
merge (then `load_spec` is `registry.get(name).panel`).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from .. import registry
from .spec import PanelSpec


def load_spec(playbook: str) -> PanelSpec | None:
    """The playbook's `PANEL`, or None when the playbook has no panel (or is not a playbook)."""
    try:
        declared = registry.get(playbook)
    except LookupError:
        return None
    if hasattr(declared, "panel"):  # the Playbook declaration: a loader, or None for no panel
        return declared.panel() if declared.panel is not None else None
    # TRANSITION (issue 16): the old PlaybookSpec names its package only; delete with it.
    name = declared.package + ".panel"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
    return getattr(module, "PANEL", None)


def section_model(playbook: str) -> type:
    """The pydantic model of the playbook's params section."""
    if hasattr(registry, "section_model"):
        return registry.section_model(playbook)
    return registry.get(playbook).section_model()  # TRANSITION (issue 16): the old PlaybookSpec's method


def plan_builder(playbook: str) -> Callable[[Any], Any]:
    """params -> Plan: the function the batch calls for this playbook."""
    if hasattr(registry, "build_plan"):
        return functools.partial(registry.build_plan, playbook)
    return registry.get(playbook).build_plan  # TRANSITION (issue 16): the old PlaybookSpec's method
