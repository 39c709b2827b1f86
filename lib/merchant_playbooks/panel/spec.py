"""What a playbook declares for its panel: its levers (`Lever`) and the `PanelSpec` holding them.

A playbook's own `panel.py` builds `PANEL = PanelSpec(levers=(...), main_chart=..., rules_section=...)`
from these two and nothing else; the rest of the panel is shared (see `merchant_playbooks.panel`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..plan import Plan

GROUPS = ("product", "audience", "rewards", "dates")
PREVIEW_SIMULATIONS = 1000


@dataclass(frozen=True)
class Lever:
    """One control: a params field, where it sits on the panel, how it reads.

    `path` is dotted inside the playbook's section, or starts with `merchant.`;
    `unit` is a key of `panel.unit` (`money` shows the merchant's currency symbol);
    `low`/`high` narrow the slider within the schema's bounds; `step` is the slider step;
    `widget` forces "slider" or "text" for numbers (default: a slider when both ends are known).
    """

    path: str
    group: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    step: float | None = None
    widget: str = ""

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"lever {self.path}: group must be one of {', '.join(GROUPS)}")


@dataclass(frozen=True)
class PanelSpec:
    """A playbook's panel: its levers, its main chart and the section holding its publishable rules."""

    levers: tuple[Lever, ...]
    main_chart: Callable[[Plan], Any]  # plan -> alt.Chart (or a layered/concatenated chart)
    rules_section: str | None = "mechanics"  # None: the first section with a Rules block
    preview_simulations: int | None = PREVIEW_SIMULATIONS  # None: the plan's own count
    # section fields the live preview leaves out: the review against actuals adds its own
    # section (none of the KPIs, the chart or the rules) and reading a CSV is slow
    preview_without: tuple[str, ...] = ("actuals",)
