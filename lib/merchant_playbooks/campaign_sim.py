"""Simulate a plausible campaign from a plan's review spec: the project's simulator, as a daily actuals
table (`tools/simulate_actuals.py` writes it as the review's sample CSV; `calibrate` and the learning
tests draw many).

How one campaign is drawn (seeded: same plan and seed, same table). It needs only what every
playbook's review declares (`<playbook>/review.py: spec(plan, params)`): the metrics in funnel
order, each with its base, and the plan's daily P10/P50/P90.

1. How the campaign went: for each funnel step, one "luck" quantile q ~ Beta(2.5, 2.5)
   for the whole campaign (a campaign that does well at a step does well every day).
   A metric without a base (e.g. views) takes that quantile of its total's band; a
   step's rate (e.g. attempts per view) is the plan's daily P50 ratio scaled by
   exp(step_spread · z(q)) (`step_spread=0`: exactly the plan's rates, e.g. a plan made
   at known rates).
2. Each day: the root metric is the plan's daily P50 × its campaign level × a day
   factor (lognormal, sd 0.15); each later metric is drawn from the day's actual
   base — binomial when it is a share of one base (finished ≤ started, paid ≤
   finished), Poisson otherwise (helpers, followers). Money metrics get no count noise.
3. `shock_days`: K days in the middle lose 65% of their root traffic (a link blocked, a
   post that did not go out): the review should flag them. `missing_days`: K days in the
   middle are left out (not reported).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from . import registry
from .loading import PlaybookParams, load_params
from .plan import Plan
from .review_spec import ReviewSpec

STEP_SPREAD = 0.25  # how far one campaign's step rate strays from the plan's (log scale, at z = 1)
DAY_SPREAD = 0.15  # day-to-day wobble of the root traffic (log scale)
SHOCK = 0.35  # share of the root traffic left on a shock day


def plan_without_actuals(params_file: Path | PlaybookParams, playbook: str) -> tuple[Plan, PlaybookParams, ReviewSpec]:
    params = params_file if isinstance(params_file, PlaybookParams) else load_params(params_file).for_playbook(playbook)
    if getattr(params.section, "actuals", None):
        params = dataclasses.replace(params, section=params.section.model_copy(update={"actuals": None}))
    plan = registry.build_plan(playbook, params)
    spec = registry.get(playbook).review()(plan, params)
    return plan, params, spec


def _lognormal_day(rng: np.random.Generator, days: int) -> np.ndarray:
    return np.exp(rng.normal(-DAY_SPREAD**2 / 2, DAY_SPREAD, days))


def simulate(spec: ReviewSpec, seed: int, shock_days: int = 0, missing_days: int = 0,
             step_spread: float = STEP_SPREAD) -> pd.DataFrame:
    """One plausible campaign as a daily table: date plus one column per metric of the spec."""
    rng = np.random.default_rng(seed)
    band = spec.daily.copy()
    band["date"] = pd.to_datetime(band["date"]).dt.date
    p50 = band.pivot(index="date", columns="metric", values="p50")
    days = list(p50.index)
    n = len(days)
    middle = np.arange(1, n - 1) if n > 2 else np.arange(n)
    shocked = set(rng.choice(middle, size=min(shock_days, len(middle)), replace=False).tolist())
    actual: dict[str, np.ndarray] = {}
    for metric in spec.metrics:
        q = rng.beta(2.5, 2.5)
        z = float(stats.norm.ppf(q))
        planned = p50[metric.key].to_numpy()
        if not metric.base:
            b = band[band["metric"] == metric.key]
            tot = {c: float(b[c].sum()) for c in ("p10", "p50", "p90")}
            # z = ±1.28 at P10/P90: interpolate the total's band on the matching side
            edge = tot["p90"] - tot["p50"] if z > 0 else tot["p50"] - tot["p10"]
            level = max(tot["p50"] + z / 1.2816 * edge, 0.0) / tot["p50"] if tot["p50"] > 0 else 1.0
            mean = planned * level * _lognormal_day(rng, n)
            for d in shocked:
                mean[d] *= SHOCK
        else:
            missing = [b for b in metric.base if b not in actual]
            if missing:
                raise ValueError(f"{metric.key}: its base {missing} must come earlier in the spec's metrics")
            planned_base = p50[list(metric.base)].sum(axis=1).to_numpy()
            rate = np.divide(planned, planned_base, out=np.zeros(n), where=planned_base > 0) * np.exp(step_spread * z)
            base_actual = sum(actual[b] for b in metric.base)
            mean = base_actual * rate
            # a share of one base (paid ≤ finished): binomial, the plan's daily median ratio kept at most 1
            if metric.kind == "count" and len(metric.base) == 1 and planned.sum() <= planned_base.sum():
                actual[metric.key] = rng.binomial(base_actual.astype(np.int64), np.clip(rate, 0, 1)).astype(float)
                continue
        actual[metric.key] = np.round(mean, 2) if metric.kind == "money" else rng.poisson(mean).astype(float)
    out = pd.DataFrame({"date": [d.isoformat() for d in days], **actual})
    for m in spec.metrics:
        if m.kind == "count":
            out[m.key] = out[m.key].astype(np.int64)
    if missing_days:
        keep = np.ones(n, dtype=bool)
        candidates = [d for d in middle if d not in shocked]
        keep[rng.choice(candidates, size=min(missing_days, len(candidates)), replace=False)] = False
        out = out[keep]
    return out.reset_index(drop=True)
