"""The case library against the models: each published case run through its playbook.

A case (`data/cases/<id>.yaml`) is a params file whose inputs are what the source states,
plus a `case:` block naming the source, the inputs it had to assume, and the outcomes the
source reports. `backtest()` builds each case's plan and sets every reported figure beside
the plan's P10 / P50 / P90 for it:

    playbooks backtest                       # every case in data/cases/
    playbooks backtest micro-voting --out out/backtest

A figure *fits* when it lies inside P10–P90 (for a cap the source sets, `at_most`: the
plan's P90 stays under it) and the P50 is within 1.5× of it.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from . import registry
from .errors import ParamsError, Problem, UserError
from .loading import load_params, read_yaml
from .schema import StrictModel
from .validation import validate_section
from .yamlread import line_of

#: P50 within this factor of the reported figure (either way) is a fit
RATIO = 1.5
CASES_DIR = Path(__file__).resolve().parents[2] / "data" / "cases"
SOURCES = "../shared/sources"


#: what a case's id and source look like, and what to say when they do not
SHAPES = {"id": (r"[a-z0-9][a-z0-9-]*", "must be lower-case letters, digits and dashes, as the file's name"),
          "source": (r"\d{3}_[0-9a-f]+\.txt", "must name a source article's file, e.g. 000_c85a5f78eabb28fa.txt")}


class Outcome(StrictModel):
    """One figure the source reports as an outcome of the case."""

    metric: str = Field(description="a key of the plan's kpis (plan.json kpis.<metric>)")
    reported: float = Field(gt=0, description="the figure the source gives")
    bound: Literal["over", "about", "at_most"] = Field(
        "about", description="over: 'more than'; about: as stated; at_most: a cap the source sets")
    says: str = Field(min_length=1, description="what the source says it measured, in our words")


class CaseSpec(StrictModel):
    """The `case:` block of a case file."""

    id: str
    source: str = Field(description="a file in ../shared/sources/, e.g. 000_c85a5f78eabb28fa.txt")
    playbook: str
    story: str = Field(min_length=1)
    assumed: dict[str, str] = Field(default_factory=dict,
                                    description="inputs the source does not state: dotted field -> why")
    outcomes: list[Outcome] = Field(min_length=1)

    @field_validator("id", "source")
    @classmethod
    def _shaped(cls, v: str, info: ValidationInfo) -> str:
        pattern, expected = SHAPES[info.field_name]
        if not re.fullmatch(pattern, v):
            raise ValueError(expected)
        return v

    @field_validator("playbook")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in registry.names():
            raise ValueError(f"must be one of {', '.join(registry.names())}")
        return v


@dataclass(frozen=True)
class Case:
    path: Path
    spec: CaseSpec

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class Row:
    """One reported figure beside the plan's range for it (a backtest.json record)."""

    case: str
    playbook: str
    metric: str
    reported: float
    bound: str
    p10: float
    p50: float
    p90: float
    source: str
    says: str

    @property
    def ratio(self) -> float:
        return self.p50 / self.reported

    @property
    def in_band(self) -> bool:
        """Inside the plan's P10–P90 (a cap the source sets: the plan's P90 under it)."""
        return self.p90 <= self.reported if self.bound == "at_most" else self.p10 <= self.reported <= self.p90

    @property
    def inside(self) -> bool:
        """A fit: in the band, and the P50 within `RATIO` of the reported figure."""
        return self.in_band and 1 / RATIO <= self.ratio <= RATIO


def load_case(path: Path) -> Case:
    """A case file, checked: its params as any params file, its `case:` block against `CaseSpec`."""
    source = str(path)
    tree = read_yaml(path, source)
    if not isinstance(tree, dict) or "case" not in tree:
        raise ParamsError(source, [Problem("case", "is required in a case file (id, source, playbook, story, "
                                                   "outcomes)")])
    spec, problems = validate_section(CaseSpec, tree["case"], "case", tree.get("case"), line_of(tree, ("case",)))
    if spec is not None:
        line = line_of(tree, ("case",))
        if spec.id != path.stem:
            problems.append(Problem("case.id", f"must match the file name ({path.stem!r})", spec.id, True, line))
        if spec.playbook not in (tree.get("playbooks") or [spec.playbook]):
            problems.append(Problem("playbooks", f"must list the case's playbook {spec.playbook!r}", line=line))
        if spec.playbook not in tree:
            problems.append(Problem(spec.playbook, "is required: the case's inputs as the source states them",
                                    line=line))
    if problems:
        raise ParamsError(source, problems)
    return Case(path, spec)


def case_paths(names: list[str] | None = None, cases_dir: Path = CASES_DIR) -> list[Path]:
    """The files for case ids or paths (all of `cases_dir` when none is named)."""
    if not names:
        found = sorted(cases_dir.glob("*.yaml"))
        if not found:
            raise UserError(f"{cases_dir}: no case files (*.yaml)")
        return found
    paths = []
    for name in names:
        path = Path(name)
        if not path.suffix:
            path = cases_dir / f"{name}.yaml"
        if not path.is_file():
            known = ", ".join(p.stem for p in sorted(cases_dir.glob("*.yaml")))
            raise UserError(f"{name}: no such case (a file, or one of: {known})")
        paths.append(path)
    return paths


def run_case(case: Case) -> list[Row]:
    """The case's plan, and one row per reported outcome."""
    mp = load_params(case.path)
    plan = registry.build_plan(case.spec.playbook, mp.for_playbook(case.spec.playbook))
    rows = []
    for o in case.spec.outcomes:
        if o.metric not in plan.kpis:
            raise UserError(f"{case.path}: case.outcomes metric {o.metric!r} is not a figure the "
                            f"{case.spec.playbook} plan forecasts (its kpis: {', '.join(plan.kpis)})")
        band = plan.kpis[o.metric].band
        rows.append(Row(case.id, case.spec.playbook, o.metric, o.reported, o.bound, float(band.p10),
                        float(band.p50), float(band.p90), f"{SOURCES}/{case.spec.source}", o.says))
    return rows


def backtest(paths: list[Path]) -> list[Row]:
    cases = [load_case(p) for p in paths]  # every file checked before any plan is built
    return [row for case in cases for row in run_case(case)]


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def table(rows: list[Row]) -> list[str]:
    """The backtest as a plain-text table and the closing `cases_inside N/M` line."""
    head = ("case", "metric", "P10", "P50", "P90", "reported", "P50/reported", "inside")
    body = [(r.case, r.metric, _num(r.p10), _num(r.p50), _num(r.p90),
             ("≤ " if r.bound == "at_most" else "> " if r.bound == "over" else "") + _num(r.reported),
             f"{r.ratio:.2f}", "yes" if r.inside else "NO") for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body)]
    lines = ["  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
             for cells in (head, *body)]
    lines.append(f"cases_inside {sum(r.inside for r in rows)}/{len(rows)}")
    return lines


def write_json(rows: list[Row], out: Path) -> Path:
    """`backtest.json` under `out`: one record per reported figure, written atomically."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "backtest.json"
    records = [{k: v for k, v in asdict(r).items()} | {"inside": r.inside} for r in rows]
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".backtest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(records, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, target)
    return target
