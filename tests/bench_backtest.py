"""`make bench`: the case library's backtest — its time and how many reported figures fit."""

from __future__ import annotations

import time

from merchant_playbooks.backtest import CASES_DIR, backtest, case_paths


def main() -> None:
    if not any(CASES_DIR.glob("*.yaml")):
        print("backtest_s — (no cases in data/cases/)", flush=True)
        return
    started = time.perf_counter()
    rows = backtest(case_paths())
    seconds = time.perf_counter() - started
    cases = len({r.case for r in rows})
    print(f"backtest_s {seconds:.1f}  ({cases} cases, {len(rows)} reported figures; playbooks backtest)", flush=True)
    print(f"cases_inside {sum(r.inside for r in rows)}/{len(rows)}", flush=True)


if __name__ == "__main__":
    main()
