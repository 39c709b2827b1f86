"""The live page stays whole, without a browser: the cover and sections are widgets the panel re-renders.

(The browser test, tests/test_panel_browser.py, checks the same on a real Voilà page.)
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import PARAMS
from merchant_playbooks import panel, show
from merchant_playbooks.loading import load_params
from merchant_playbooks.panel.live import LIVE, pages
from merchant_playbooks.render import cover_html, section_html

PB = "first_event_bargaining"


@pytest.fixture
def live(monkeypatch):
    """Bloom's plan as a live notebook shows it (cover and sections as widgets), and its panel."""
    monkeypatch.setenv("MERCHANT_PLAYBOOKS_PANEL", "1")  # a person at a frontend
    params = load_params(PARAMS / "bloom-household.yaml").for_playbook(PB)
    params = dataclasses.replace(params, section=params.section.model_copy(update={"simulations": 300}))
    plan = panel.lookup.plan_builder(PB)(params)
    parts = {"cover": show.cover(plan), **{key: show.section(plan, key) for key in plan.sections}}
    ui = panel.Panel(panel.Explorer(params, panel.load_spec(PB), None, plan))
    return plan, parts, ui


def test_batch_runs_still_display_plain_html(monkeypatch):
    monkeypatch.setenv("MERCHANT_PLAYBOOKS_PANEL", "0")
    params = load_params(PARAMS / "bloom-household.yaml").for_playbook(PB)
    params = dataclasses.replace(params, section=params.section.model_copy(update={"simulations": 200}))
    plan = panel.lookup.plan_builder(PB)(params)
    assert type(show.cover(plan)).__name__ == "HTML" and LIVE not in plan.__dict__


def test_live_cover_and_sections_are_widgets_that_also_carry_their_html(live):
    plan, parts, _ = live
    assert set(plan.__dict__[LIVE]) == set(parts)
    bundle = parts["cover"]._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == cover_html(plan)  # a saved live notebook still exports its cover


def test_a_lever_re_renders_the_cover_and_every_section_from_the_new_plan(live):
    plan, parts, ui = live
    before = {part: w.value for part, w in parts.items()}
    assert ui.x.values["helpers_needed"] is None  # the decision picks it: an empty box reads "auto"
    ui.inputs["helpers_needed"].value = str(plan.data["helpers_needed"] + 3)  # the consultant overrides it
    new = ui.x.last.plan
    assert new is not plan and ui.x.last.ok
    assert parts["cover"].value == cover_html(new)  # its KPIs and warnings
    assert "review" in plan.sections and "review" not in new.sections  # Bloom has actuals; the preview leaves them out
    for key, widget in parts.items():
        if key in new.sections:
            assert widget.value == section_html(new, new.sections[key]), key
    # the review against actuals is not recomputed live: it says so rather than keep the old plan's numbers
    assert "left out of the live preview" in parts["review"].value and "<h2>" in parts["review"].value
    assert "data-key" not in parts["review"].value
    assert parts["cover"].value != before["cover"]
    moved = [k for k in parts if parts[k].value != before[k]]
    assert len(moved) >= 3 and ui.x.last.changed  # and the status line names what moved
    assert pages(new)["cover"] == parts["cover"].value
