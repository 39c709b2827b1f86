"""The plan as plain data: what every playbook's model produces and everything downstream reads.

A `Plan` holds the merchant, the dates, the headline KPIs as ranges, the
playbook's sections (text, tables, notes) in the spine's order, the dated
timeline and the key tables. The notebook shows it, the handout prints it,
`plan.json`, the `.xlsx` and the `.ics` export it (planfiles.py). Nothing downstream recomputes the model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .montecarlo import Band

SPINE = ("goal", "audience", "mechanics", "rewards", "channels", "timeline", "forecast", "economics", "decision",
         "kpis", "risks", "compliance", "review")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str  # in the merchant's language
    band: Band
    kind: str = "count"  # count | money | share | ratio
    note: str = ""

    def to_dict(self) -> dict:
        # an undefined range (e.g. cost per fan with no fans) is null in plan.json, never NaN
        d = {"label": self.label, "kind": self.kind, **jsonable(self.band.to_dict(4))}
        return d


# Blocks: the pieces a section is made of. Text is plain (escaped when rendered).
@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Text a merchant can publish as it is (the event's rules)."""

    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of `plan.tables[name]`; columns keep machine names there (plan.json, xlsx).

    `labels` maps column → header in the merchant's language (columns not listed
    are not shown); `formats` maps column → money | share | count | number | date | text.
    """

    name: str
    caption: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    formats: tuple[tuple[str, str], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # the view's text per row (words around numbers); tables keep the values


@dataclass(frozen=True)
class Callout:
    text: str
    level: str = "info"  # info | warning | danger


@dataclass(frozen=True)
class KpiGrid:
    keys: tuple[str, ...] = ()  # empty: every KPI


@dataclass(frozen=True)
class Code:
    """Text to copy as it is, line for line (e.g. the params block for the next campaign).

    `note` is a line said before it. `consultant` marks it as the consultant's: the
    notebook shows it, the merchant's handout leaves it out (plan.json keeps what it needs).
    """

    text: str
    note: str = ""
    consultant: bool = False


Block = Para | Bullets | Rules | Table | Callout | KpiGrid | Code


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Plan:
    playbook: str
    title: str
    merchant_name: str
    slug: str
    language: str
    currency: str
    start: date
    end: date
    diagnosis: str  # one sentence, in the merchant's language
    stage: str
    source: str  # the params file's name
    seed: int
    simulations: int
    kpis: dict[str, Kpi] = field(default_factory=dict)
    headline: tuple[str, ...] = ()  # 3-5 KPI keys for the cover
    sections: dict[str, Section] = field(default_factory=dict)
    timeline: list[dict] = field(default_factory=list)  # each with an ISO "date"
    tables: dict[str, Any] = field(default_factory=dict)  # name -> DataFrame (display-ready)
    data: dict[str, Any] = field(default_factory=dict)  # playbook-specific plan.json fields
    model: Any = None  # the playbook's raw model result (charts read it)
    #: what the merchant must know before running the plan (a forbidden use, a date already past):
    #: each {"code", "level", "message"} — the cover shows them in red, plan.json keeps them, run/validate print them
    warnings: list[dict] = field(default_factory=list)

    def warn(self, code: str, message: str, level: str = "danger", **extra: Any) -> None:
        """Add a warning once (same code and message)."""
        entry = {"code": code, "level": level, "message": message, **extra}
        if entry not in self.warnings:
            self.warnings.append(entry)

    def section(self, key: str) -> Section:
        return self.sections[key]

    def ordered_sections(self) -> list[Section]:
        known = [self.sections[k] for k in SPINE if k in self.sections]
        extra = [s for k, s in self.sections.items() if k not in SPINE]
        return known + extra

    def to_dict(self) -> dict:
        return {
            "playbook": self.playbook,
            "title": self.title,
            "merchant": {"name": self.merchant_name, "slug": self.slug, "language": self.language,
                         "currency": self.currency},
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "stage": self.stage,
            "diagnosis": self.diagnosis,
            "source": self.source,
            "seed": self.seed,
            "simulations": self.simulations,
            "headline": list(self.headline),
            "warnings": [jsonable(w) for w in self.warnings],
            "kpis": {k: v.to_dict() for k, v in self.kpis.items()},
            "timeline": [jsonable(row) for row in self.timeline],
            "tables": {name: table_records(df) for name, df in self.tables.items()},
            **{k: jsonable(v) for k, v in self.data.items()},
        }


def table_records(df: Any) -> list[dict]:
    return [jsonable(r) for r in df.to_dict(orient="records")]


def jsonable(value: Any) -> Any:
    """Plain JSON values: Decimal → number, dates → ISO text, NaN → null, numpy → Python."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Band):
        return value.to_dict(4)
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def new_plan(params: Any, title: str, start: date, end: date, seed: int, simulations: int) -> Plan:
    """A plan with the parts every playbook shares filled in from validated params."""
    from .diagnosis_text import text

    m = params.merchant
    source = Path(params.source).name if params.source and not params.source.startswith("<") else params.source
    return Plan(
        playbook=params.playbook,
        title=title,
        merchant_name=m.name,
        slug=params.slug,
        language=m.language,
        currency=m.currency,
        start=start,
        end=end,
        diagnosis=text(params.diagnosis, m.language),
        stage=params.diagnosis.stage,
        source=source,
        seed=seed,
        simulations=simulations,
    )
