"""Capture (or check) every sample merchant's plan.json numbers: the refactor guard.

    python tools/snapshot_plans.py            # rewrite tests/snapshots/plan_numbers.json
    python tools/snapshot_plans.py --check    # compare, print what moved, exit 1 if anything did

Only numbers are kept (every numeric leaf of plan.json, with its path), so a change of
wording does not trip it while a changed figure does. Regenerate it deliberately, and
only when a change means to change a model; say so in the commit. The plans are made as on
`clock.PINNED` (PLAYBOOKS_TODAY), so sample dates written relative to today (`today+14`) stay put.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "snapshots" / "plan_numbers.json"


def numeric_leaves(value, path: str = "") -> dict[str, float]:
    """Every number in a JSON value, keyed by its path (`kpis.orders.p50`, `tables.decision.3.cost_p90`)."""
    out: dict[str, float] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(numeric_leaves(v, f"{path}.{k}" if path else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(numeric_leaves(v, f"{path}.{i}"))
    elif isinstance(value, int | float):  # bool included (True → 1.0)
        out[path] = float(value)
    return out


def sample_plans() -> dict[str, dict[str, float]]:
    """`<params file>:<playbook>` → numeric leaves of the plan.json `build_plan` gives for it."""
    from merchant_playbooks import clock, registry
    from merchant_playbooks.loading import load_params

    os.environ[clock.ENV] = clock.PINNED  # relative dates and "before today" warnings: the same day every time
    plans = {}
    for path in sorted((ROOT / "params").glob("*.yaml")):
        mp = load_params(path)
        for name in mp.playbooks:
            plan = registry.build_plan(name, mp.for_playbook(name))
            data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False, default=str))
            plans[f"{path.name}:{name}"] = numeric_leaves(data)
    return plans


def differences(expected: dict[str, dict[str, float]], actual: dict[str, dict[str, float]],
                rel: float = 1e-9) -> list[str]:
    """What moved: a plan gone, or a number of the snapshot missing or changed (new numbers are fine)."""
    out = []
    for plan, numbers in expected.items():
        if plan not in actual:
            out.append(f"{plan}: the plan is gone")
            continue
        got = actual[plan]
        for key, want in numbers.items():
            if key not in got:
                out.append(f"{plan}: {key} is gone (was {want})")
            elif not math.isclose(got[key], want, rel_tol=rel, abs_tol=1e-9):
                out.append(f"{plan}: {key} = {got[key]} (was {want})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the snapshot instead of writing it")
    args = ap.parse_args(argv)
    plans = sample_plans()
    if args.check:
        diff = differences(json.loads(SNAPSHOT.read_text(encoding="utf-8")), plans)
        print("\n".join(diff[:200]) or "no number moved")
        return 1 if diff else 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(json.dumps(plans, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}: {len(plans)} plans, {sum(map(len, plans.values()))} numbers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
