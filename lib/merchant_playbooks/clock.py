"""Today, as the plans see it: the run date every "before today" check compares against.

`PLAYBOOKS_TODAY=YYYY-MM-DD` in the environment fixes it (tests, snapshots, re-running an old
batch as it was); otherwise it is the machine's local date.
"""

from __future__ import annotations

import os
from datetime import date

ENV = "PLAYBOOKS_TODAY"
#: the run date the test session and the plan-numbers snapshot pin (tests/conftest.py, tools/snapshot_plans.py)
PINNED = "2026-12-04"


def run_date() -> date:
    """The date plans are made on."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENV}={text!r} is not a date: expected YYYY-MM-DD, e.g. 2026-12-04") from None
