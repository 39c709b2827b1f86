"""A plan's numbers, before any words: what a playbook's model hands to its view.

Everything here is a number, a date, a choice (a key, never a sentence) or a
table of such values, under stable keys. The view (`Words`) turns it into the
merchant's language; `plan.json` is this data, so every figure the merchant sees
has one source. Nothing in this module imports the message catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .montecarlo import Band


@dataclass(frozen=True)
class KpiFigure:
    band: Band
    kind: str = "count"  # count | money | share | ratio


@dataclass
class Figures:
    start: date
    end: date
    seed: int
    simulations: int
    kpis: dict[str, KpiFigure] = field(default_factory=dict)
    headline: tuple[str, ...] = ()  # 3-5 KPI keys for the cover
    timeline: list[dict] = field(default_factory=list)  # each with an ISO "date"; steps as keys, not text
    tables: dict[str, Any] = field(default_factory=dict)  # name -> DataFrame of machine values
    data: dict[str, Any] = field(default_factory=dict)  # the playbook's own plan.json fields
    model: Any = None  # the playbook's raw model result (charts read it)
    ledger: Any = None  # an `economics.Ledger`: the event's money per draw (the spine makes `economics` of it)


@dataclass
class Words:
    """The view's output: the plan's title, each KPI's label, the sections in the merchant's language."""

    title: str
    kpi_labels: dict[str, str]
    sections: dict[str, Any]  # key -> plan.Section
    tables: dict[str, Any] = field(default_factory=dict)  # name -> a figures table with the view's text columns
    #: the playbook's own warnings for the cover and plan.json, each {"code", "message"[, "level"]}
    warnings: list[dict] = field(default_factory=list)
