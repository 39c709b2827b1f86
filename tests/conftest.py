"""Shared fixtures: the project's folders, a params-file writer, and small sample params."""

from __future__ import annotations

import os
import re
import shutil
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


# Debian's Chromium for the browser tests (test_handout_browser.py, test_handout_legibility.py): one per session
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROWSER_VIEWPORT = {"width": 960, "height": 1000}


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """Debian's Chromium, headless, in a new empty profile, offline; every network request is recorded."""
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("CHROMIUM") or shutil.which("chromium")
    assert exe, "Chromium is missing: run tools/ensure_chromium.sh (make test does)"
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=exe, headless=True, args=BROWSER_FLAGS,
            offline=True, viewport=BROWSER_VIEWPORT)
        context.requests = []

        def record(route) -> None:  # file: and data: URLs never come here: anything that does is network
            context.requests.append(route.request.url)
            route.abort()

        context.route(re.compile(r"^(https?|wss?|ftp):"), record)
        yield context
        context.close()
