"""Every sample merchant's plan.json numbers are what the snapshot recorded.

The guard for refactors that must not change a figure. When a change means to change a
model, regenerate the snapshot deliberately (`python tools/snapshot_plans.py`) and say so
in the commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("snapshot_plans", ROOT / "tools" / "snapshot_plans.py")
snapshot_plans = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snapshot_plans)


def test_every_sample_plan_keeps_its_numbers():
    expected = json.loads(snapshot_plans.SNAPSHOT.read_text(encoding="utf-8"))
    diff = snapshot_plans.differences(expected, snapshot_plans.sample_plans())
    assert not diff, "numbers moved:\n" + "\n".join(diff[:40])


def test_the_guard_sees_a_moved_number():
    expected = {"a.yaml:x": {"kpis.orders.p50": 12.0, "tables.t.0.v": 3.0}}
    assert snapshot_plans.differences(expected, {"a.yaml:x": {"kpis.orders.p50": 12.0, "tables.t.0.v": 3.0,
                                                             "new": 1.0}}) == []
    moved = snapshot_plans.differences(expected, {"a.yaml:x": {"kpis.orders.p50": 13.0}})
    assert moved == ["a.yaml:x: kpis.orders.p50 = 13.0 (was 12.0)", "a.yaml:x: tables.t.0.v is gone (was 3.0)"]
