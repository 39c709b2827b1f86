"""Every sample handout (en and zh) measured where merchants read it: a phone at 390 px and A4 paper.

One real batch run of every params file in params/, one Chromium (Debian's, offline), and the
measures of tools/measure_handouts.py (see there): the smallest chart text as rendered at 390 px,
chart texts outside their chart's box, chart texts on top of each other (at 390 px and on A4), the
printed page count and the file size. Each test fails naming the handout and what was measured.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import PARAMS, ROOT

spec = importlib.util.spec_from_file_location("measure_handouts", ROOT / "tools" / "measure_handouts.py")
measure_handouts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(measure_handouts)

MIN_CHART_TEXT_PX = 9.0  # at 390 px, once the chart is scaled to the column
MAX_KB = 150  # README: handouts of about 100-150 KB
# A year's cadence plan carries ten events' price ladders and stock tables, each figure a <data>
# element of plan.json: README gives its true size and why
MAX_KB_BY_PLAYBOOK = {"rapid_growth_cadence": 260, "membership_community": 160}
# A4 pages: a short event (bloom-household, 15 days, 13 orders) in at most 8; a plan with a review of
# actuals in 12; the year's cadence plan, one page per month of events or so, in 18
MAX_PAGES = {"bloom-household/first_event_bargaining": 8}
MAX_PAGES_BY_PLAYBOOK = {"rapid_growth_cadence": 18}
DEFAULT_MAX_PAGES = 12


@pytest.fixture(scope="module")
def figures(tmp_path_factory, chromium):
    """One batch run of every sample merchant, every handout measured in the session's browser (conftest.py)."""
    out = tmp_path_factory.mktemp("legible") / "out"
    proc = subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", "run", str(PARAMS), "--out", str(out),
                           "-j", "2"], check=False, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = [measure_handouts.measure(chromium, path) for path in measure_handouts.handouts(out)]
    langs = {'lang="zh' in path.read_text(encoding="utf-8")[:300] for path in measure_handouts.handouts(out)}
    assert langs == {True, False}, "the samples have en and zh handouts"
    assert len(rows) >= len(list(PARAMS.glob("*.yaml")))
    return rows


def _bad(figures, ok) -> list:
    return [(row["handout"], {k: row[k] for k in ("min_text_px", "min_text", "outside", "overlaps", "pages", "kb")})
            for row in figures if not ok(row)]


def test_every_chart_text_reads_at_least_9px_on_a_phone(figures):
    assert all(row["charts"] >= 1 for row in figures)
    assert _bad(figures, lambda r: r["min_text_px"] >= MIN_CHART_TEXT_PX) == []


def test_no_chart_text_sticks_out_of_its_chart_or_is_ellipsised(figures):
    assert _bad(figures, lambda r: not r["outside"] and not r["ellipsis"]) == []


def test_no_chart_labels_overlap_on_a_phone_or_on_paper(figures):
    assert _bad(figures, lambda r: not r["overlaps"]) == []


def test_printed_pages_stay_within_the_bound_and_a_short_event_fits_8_pages(figures):
    def limit(handout: str) -> int:
        playbook = handout.split("/")[1]
        return MAX_PAGES.get(handout, MAX_PAGES_BY_PLAYBOOK.get(playbook, DEFAULT_MAX_PAGES))

    assert any(row["handout"] == "bloom-household/first_event_bargaining" for row in figures)
    assert _bad(figures, lambda r: 2 <= r["pages"] <= limit(r["handout"])) == []


def test_every_handout_is_at_most_150_kb_or_the_size_readme_states(figures):
    def limit(handout: str) -> int:
        return MAX_KB_BY_PLAYBOOK.get(handout.split("/")[1], MAX_KB)

    assert _bad(figures, lambda r: r["kb"] <= limit(r["handout"])) == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"{kb} KB" in readme for kb in MAX_KB_BY_PLAYBOOK.values())
