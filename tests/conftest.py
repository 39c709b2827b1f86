"""Shared fixtures: the project's folders, a params-file writer, and small sample params."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

# The run date every "before today" check compares against (clock.run_date), fixed for the whole
# session before anything reads it, so plans, snapshots and handouts do not change with the calendar.
# Set in the environment, so the kernels papermill and nbval start inherit it.
from merchant_playbooks import clock  # stdlib only: imports nothing else

TODAY = clock.PINNED
os.environ[clock.ENV] = TODAY

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
PLAYBOOKS = ROOT / "playbooks"
SAMPLES = ROOT / "data" / "samples"

# a playbook package with its notebook (test_fifth_playbook.py registers it); not tests of their own
collect_ignore = ["fixtures"]

# a small bargaining merchant (format: start, share_via), for dates against today and platform-rule warnings
PLUM = """merchant:
  name: Plum Tea House
  id: plum-tea
  fans: 900
  budget: 5000
playbooks: [first_event_bargaining]
first_event_bargaining:
  start_date: {start}
  warmup_days: 3
  original_price: 80
  floor_price: 40
  stock: 50
  forced_follow: false
  share_via: {share_via}
  simulations: 200
"""


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a YAML params file (dedented) into tmp_path and return its path."""

    def write(text: str, name: str = "merchant.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write
