"""Simulate a plausible campaign from a plan and write it as a daily actuals CSV (the review's sample data).

    .venv/bin/python tools/simulate_actuals.py params/bloom-household.yaml \\
        --playbook first_event_bargaining --seed 11 --shock-days 1 --missing-days 1
    # writes data/samples/bloom-household-first_event_bargaining-actuals.csv

The simulator is the library's (`merchant_playbooks.campaign_sim`). How one campaign is drawn (seeded: same plan and seed, same file). It needs only
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

import pandas as pd
from merchant_playbooks.campaign_sim import (  # noqa: F401 - the tool's names, as before
    DAY_SPREAD,
    SHOCK,
    STEP_SPREAD,
    plan_without_actuals,
    simulate,
)

ROOT = Path(__file__).resolve().parents[1]


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
