"""Where the panel finds a playbook's parts: its `PanelSpec`, its section model, its plan builder.

Everything is asked of the registry (the playbook's `Playbook` declaration).
"""

from __future__ import annotations

import functools
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
    return declared.panel() if declared.panel is not None else None


def section_model(playbook: str) -> type:
    """The pydantic model of the playbook's params section."""
    return registry.section_model(playbook)


def plan_builder(playbook: str) -> Callable[[Any], Any]:
    """params -> Plan: the function the batch calls for this playbook."""
    return functools.partial(registry.build_plan, playbook)
