"""Coverage measured: how often a plan's P10–P90 range holds what really happens (`playbooks calibrate`).

For a sample merchant and playbook, many campaigns are simulated from known rates and held out of
the plan they are checked against:

1. The true rates of campaign i: each uncertain rate drawn from the consultant's belief — the typed
   range as its P10–P90 (a normal with those quantiles, cut at the rate's bounds).
2. What happened: the plan made at exactly those rates (every range one number), and one campaign
   drawn from it by the project's simulator (`campaign_sim.simulate`, no extra step luck: the rates
   are known), added up over its days.
3. The plan the merchant got (from the typed ranges) is checked against each: per KPI the share of
   campaigns whose outcome falls inside its P10–P90 and the mean width ((P90 − P10) / P50).

Target: 80 ± 5%. The published cases (`data/cases/`, `playbooks backtest`) are the real campaigns
the ranges are also held against: `report(..., cases=rows)` adds the share of their reported figures
inside the plans' P10–P90 (`coverage_p10_p90 cases`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel
from scipy import stats

from . import registry
from .campaign_sim import simulate
from .loading import PlaybookParams
from .schema import Range

TARGET, TOLERANCE = 0.80, 0.05
Z90 = float(stats.norm.ppf(0.9))


def range_paths(model: BaseModel, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Range]]:
    """Every uncertain range of a params section (nested blocks too; lists, e.g. partners, are left as they are)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Range):
            yield (*path, name), value
        elif isinstance(value, BaseModel):
            yield from range_paths(value, (*path, name))


def with_values(model: BaseModel, values: dict[tuple[str, ...], Any]) -> BaseModel:
    """A copy of the section with the values at the given paths replaced."""
    top: dict[str, dict] = {}
    update: dict[str, Any] = {}
    for path, value in values.items():
        if len(path) == 1:
            update[path[0]] = value
        else:
            top.setdefault(path[0], {})[path[1:]] = value
    for name, inner in top.items():
        update[name] = with_values(getattr(model, name), inner)
    return model.model_copy(update=update)


def true_rates(ranges: dict[tuple[str, ...], Range], rng: np.random.Generator) -> dict[tuple[str, ...], Range]:
    """One campaign's true rates: each typed range read as its P10–P90, cut at the rate's bounds."""
    out = {}
    for path, r in ranges.items():
        sd = (r.high - r.low) / (2 * Z90)
        lo, hi = type(r).bounds()
        floor = lo if lo is not None else (0.0 if r.low >= 0 else -np.inf)
        v = float(np.clip(rng.normal(r.centre, sd), floor, hi if hi is not None else np.inf))
        out[path] = type(r)(low=v, high=v)
    return out


@dataclass
class Coverage:
    kpi: str
    inside: int
    campaigns: int
    width: float  # mean (P90 − P10) / P50

    @property
    def share(self) -> float:
        return self.inside / self.campaigns if self.campaigns else float("nan")


def _plan(playbook: str, params: PlaybookParams, section: BaseModel):
    p = dataclasses.replace(params, section=section)
    plan = registry.build_plan(playbook, p)
    return plan, registry.get(playbook).review()(plan, p)


#: what a plan decides when params leave it out (None: the decision table's choice): the campaign that
#: really runs is the event the plan published, so the true campaign keeps the plan's choice. (Zero-fan's
#: mechanic and threshold always have a value in params, so they need no pinning.)
DECIDED = ("helpers_needed",)


def decided(plan, section: BaseModel) -> dict[tuple[str, ...], Any]:
    """The section's fields the plan chose for itself, at the plan's values."""
    fields = type(section).model_fields
    return {(name,): plan.data[name] for name in DECIDED
            if name in fields and getattr(section, name) is None and name in plan.data}


def calibrate(playbook: str, params: PlaybookParams, campaigns: int = 40, seed: int = 0,
              simulations: int = 400) -> list[Coverage]:
    """Per KPI the plan forecasts day by day: coverage of P10–P90 over `campaigns` simulated campaigns."""
    base = params.section.model_copy(update={"actuals": None, "simulations": simulations})
    plan, spec = _plan(playbook, params, base)
    kpis = [m.key for m in spec.metrics if m.key in plan.kpis]
    bands = {k: plan.kpis[k].band for k in kpis}
    ranges = {p: r for p, r in range_paths(base) if r.high > r.low}
    rng = np.random.default_rng(seed)
    inside = dict.fromkeys(kpis, 0)
    for i in range(campaigns):
        truth_section = with_values(base, {**true_rates(ranges, rng), **decided(plan, base), ("simulations",): 100,
                                           ("seed",): int(rng.integers(2**31))})
        _, truth_spec = _plan(playbook, params, truth_section)
        days = simulate(truth_spec, seed=int(rng.integers(2**31)), step_spread=0.0)
        for k in kpis:
            inside[k] += int(bands[k].p10 <= float(days[k].sum()) <= bands[k].p90)
    return [Coverage(k, inside[k], campaigns, (bands[k].p90 - bands[k].p10) / bands[k].p50 if bands[k].p50 else
                     float("nan")) for k in kpis]


def report(results: dict[str, list[Coverage]], cases: list | None = None) -> list[str]:
    """`coverage_p10_p90 <playbook>.<kpi> <share>` lines, the widths, and the case library's coverage
    (`cases`: the backtest's rows, one per reported figure)."""
    lines = []
    for playbook, rows in results.items():
        for c in rows:
            lines.append(f"coverage_p10_p90 {playbook}.{c.kpi} {c.share:.3f}")
            lines.append(f"mean_width_p10_p90 {playbook}.{c.kpi} {c.width:.3f}")
    shares = [c.share for rows in results.values() for c in rows]
    if shares:
        lines.append(f"coverage_p10_p90 all {float(np.mean(shares)):.3f}")
    if cases:
        inside = sum(r.in_band for r in cases)
        lines.append(f"coverage_p10_p90 cases {inside / len(cases):.3f}  ({inside} of {len(cases)} reported figures "
                     f"of {len({r.case for r in cases})} published cases)")
    lines.append(f"# target {TARGET:.0%} ± {TOLERANCE:.0%}"
                 + ("" if cases else "; case library: no cases in data/cases/"))
    return lines
