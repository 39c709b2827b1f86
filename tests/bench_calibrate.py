"""Coverage of the plans' P10–P90 ranges (run by `make bench`, not collected by pytest).

    python tests/bench_calibrate.py
    coverage_p10_p90 <playbook>.<kpi> <share>     # campaigns simulated from known rates whose outcome fell
    mean_width_p10_p90 <playbook>.<kpi> <ratio>   # inside the sample plan's P10–P90 (target 0.80 ± 0.05)

One sample merchant per playbook, `BENCH_CAMPAIGNS` (100) campaigns each (`merchant_playbooks.calibrate`),
and `coverage_p10_p90 cases`: the share of the case library's reported figures inside their plans' P10–P90.
"""

from __future__ import annotations

import os
from pathlib import Path

from merchant_playbooks import backtest, calibrate
from merchant_playbooks.loading import load_params

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {"first_event_bargaining": "bloom-household.yaml", "zero_fan_launch": "driving-school.yaml",
           "rapid_growth_cadence": "crunch-snacks.yaml", "membership_community": "lily-shoes.yaml"}


def main() -> None:
    n = int(os.environ.get("BENCH_CAMPAIGNS", "100"))
    results = {pb: calibrate.calibrate(pb, load_params(ROOT / "params" / f).for_playbook(pb), campaigns=n)
               for pb, f in SAMPLES.items()}
    cases = backtest.backtest(backtest.case_paths([]))  # the case library's figures (data/cases/)
    for line in calibrate.report(results, cases):
        print(line, flush=True)


if __name__ == "__main__":
    main()
