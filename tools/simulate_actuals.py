"""Simulate a plausible campaign from a plan and write it as a daily actuals CSV (the review's sample data).

    .venv/bin/python tools/simulate_actuals.py params/bloom-household.yaml \\
        --playbook first_event_bargaining --seed 11 --shock-days 1 --missing-days 1
    # writes data/samples/bloom-household-first_event_bargaining-actuals.csv

How one campaign is drawn (seeded: same plan and seed, same file). It needs only
what every playbook's review declares (`<playbook>/review.py: spec(plan, params)`):
the metrics in funnel order, each with its base, and the plan's daily P10/P50/P90.

1. How the campaign went: for each funnel step, one "luck" quantile q ~ Beta(2.5, 2.5)
   for the whole campaign (a campaign that does well at a step does well every day).
   A metric without a base (e.g. views) takes that quantile of its total's band; a
   step's rate (e.g. attempts per view) is the plan's daily P50 ratio scaled by
   exp(0.25 · z(q)).
2. Each day: the root metric is the plan's daily P50 × its campaign level × a day
   factor (lognormal, sd 0.15); each later metric is drawn from the day's actual
   base — binomial when it is a share of one base (finished ≤ started, paid ≤
   finished), Poisson otherwise (helpers, followers). Money metrics get no count noise.
3. `--shock-days K`: K days in the middle lose 65% of their root traffic (a link
   blocked, a post that did not go out): the review should flag them.
   `--missing-days K`: K days in the middle are left out of the file (not reported).
   `--until YYYY-MM-DD`: the campaign so far (a year plan reviewed after its first months).

The params' own `actuals:` is ignored: the plan is rebuilt without it.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from merchant_playbooks import registry
from merchant_playbooks.loading import PlaybookParams, load_params
from merchant_playbooks.plan import Plan
from merchant_playbooks.review import ReviewSpec
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
STEP_SPREAD = 0.25  # how far one campaign's step rate strays from the plan's (log scale, at z = 1)
DAY_SPREAD = 0.15  # day-to-day wobble of the root traffic (log scale)
SHOCK = 0.35  # share of the root traffic left on a shock day


def plan_without_actuals(params_file: Path, playbook: str) -> tuple[Plan, PlaybookParams, ReviewSpec]:
    mp = load_params(params_file)
    params = mp.for_playbook(playbook)
    if getattr(params.section, "actuals", None):
        params = dataclasses.replace(params, section=params.section.model_copy(update={"actuals": None}))
    plan = registry.build_plan(playbook, params)
    spec = registry.get(playbook).review()(plan, params)
    return plan, params, spec


def _lognormal_day(rng: np.random.Generator, days: int) -> np.ndarray:
    return np.exp(rng.normal(-DAY_SPREAD**2 / 2, DAY_SPREAD, days))


def simulate(spec: ReviewSpec, seed: int, shock_days: int = 0, missing_days: int = 0) -> pd.DataFrame:
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
            rate = np.divide(planned, planned_base, out=np.zeros(n), where=planned_base > 0) * np.exp(STEP_SPREAD * z)
            base_actual = sum(actual[b] for b in metric.base)
            mean = base_actual * rate
            if metric.kind == "count" and len(metric.base) == 1 and np.all(rate <= 1):
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("params", type=Path, help="a merchant's params file")
    ap.add_argument("--playbook", default="first_event_bargaining")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--shock-days", type=int, default=1, help="days that lose most of their traffic (flagged)")
    ap.add_argument("--missing-days", type=int, default=1, help="days left out of the file (not reported)")
    ap.add_argument("--out", type=Path, help="default: data/samples/<merchant>-<playbook>-actuals.csv")
    ap.add_argument("--until", type=date.fromisoformat, help="last day reported (YYYY-MM-DD): a review mid-way, "
                    "e.g. the first three months of a year plan")
    args = ap.parse_args(argv)
    plan, _, spec = plan_without_actuals(args.params, args.playbook)
    if args.until:
        spec = dataclasses.replace(spec, daily=spec.daily[pd.to_datetime(spec.daily["date"]).dt.date <= args.until])
    table = simulate(spec, args.seed, args.shock_days, args.missing_days)
    out = args.out or ROOT / "data" / "samples" / f"{plan.slug}-{args.playbook}-actuals.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out} ({len(table)} days)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
