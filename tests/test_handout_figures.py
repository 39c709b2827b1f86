"""One value per figure, in every sample's handout (English and Chinese samples alike).

Each sample's plan is built by direct calls (few draws) and its handout exported with our template
(`sample_handouts`); every `<data value data-key>` the page holds must show one value, the value
plan.json has at that path, and no range may print one number twice ("10 – 10").
"""

from __future__ import annotations

import json

import pytest
from merchant_playbooks.invariants import (
    figure_problems,
    marked_figures,
    one_number_ranges,
    visible_text,
)
from merchant_playbooks.render import cover_html, section_html
from sample_handouts import sample, sample_ids

SAMPLES = sample_ids()


def plan_json(s) -> dict:
    """plan.json as `playbooks run` writes it (read back from its text, not the renderer's cached copy)."""
    return json.loads(json.dumps(s.plan.to_dict(), ensure_ascii=False))


def test_the_samples_cover_both_languages_and_every_playbook():
    langs = {sample(n).plan.language for n in SAMPLES}
    assert langs == {"en", "zh"}
    assert {n.split("/")[1] for n in SAMPLES} == {"zero_fan_launch", "first_event_bargaining",
                                                  "rapid_growth_cadence", "membership_community"}


@pytest.mark.parametrize("name", SAMPLES)
def test_every_marked_figure_shows_one_value_equal_to_plan_json(name):
    s = sample(name)
    marked = marked_figures(s.html)
    assert len(marked) > 50, "the handout marks its figures"
    assert figure_problems(s.html, plan_json(s)) == []


@pytest.mark.parametrize("name", SAMPLES)
def test_cover_kpi_cards_and_tables_are_marked_figures(name):
    s = sample(name)
    keys = {key for key, _, _ in marked_figures(s.html)}
    cover = cover_html(s.plan)
    cover_keys = {key for key, _, _ in marked_figures(cover)}
    for kpi in s.plan.headline:
        assert f"kpis.{kpi}.p50" in cover_keys, kpi  # the card's expected value, and its range unless one number
    assert any(k.startswith("tables.") for k in keys), "numeric table cells are marked"


@pytest.mark.parametrize("name", SAMPLES)
def test_the_export_keeps_every_marked_figure_the_library_rendered(name):
    s = sample(name)
    rendered = [cover_html(s.plan)] + [section_html(s.plan, sec) for sec in s.plan.ordered_sections()]
    expected = [m for page in rendered for m in marked_figures(page)]
    assert marked_figures(s.html) == expected


@pytest.mark.parametrize("name", SAMPLES)
def test_no_range_prints_one_number_twice(name):
    assert one_number_ranges(visible_text(sample(name).html)) == []


def test_a_page_with_two_values_for_one_key_or_a_stale_value_is_caught():
    doc = {"kpis": {"cost": {"p50": 131.56}}, "tables": {"t": [{"cost": 132.78}]}}
    good = '<p><data value="131.56" data-key="kpis.cost.p50">¥131.56</data></p>'
    assert figure_problems(good * 2, doc) == []
    two = good + '<td><data value="132.78" data-key="kpis.cost.p50">¥132.78</data></td>'
    assert any("2 values" in p for p in figure_problems(two, doc))
    stale = '<data value="131.5" data-key="kpis.cost.p50">¥131.50</data>'
    assert any("plan.json 131.56" in p for p in figure_problems(stale, doc))
    shown_twice = good + '<data value="131.56" data-key="kpis.cost.p50">¥132</data>'
    assert any("shown as" in p for p in figure_problems(shown_twice, doc))
    assert any("not in plan.json" in p for p in figure_problems(
        '<data value="1" data-key="kpis.nothing.p50">1</data>', doc))


@pytest.mark.parametrize("text", ["70.2% – 70.2%", "10 – 10", "¥990.00 – ¥990.00", "¥2,719,249 – ¥2,719,249",
                                  "orders 12 (12 – 12)", "¥1.2万 – ¥1.2万", "5～5", "3 - 3"])
def test_a_one_number_range_is_found_in_any_format(text):
    assert one_number_ranges(visible_text(f"<p>{text}</p>")) != []


@pytest.mark.parametrize("text", ["70.2% – 71.0%", "10 – 100", "1–15 Dec 2026", "¥990.00 – ¥990.50",
                                  "Double 11 — 11 Nov", "2026-12-12", "10 – 10.5"])
def test_a_real_range_or_a_date_is_not_a_one_number_range(text):
    assert one_number_ranges(visible_text(f"<p>{text}</p>")) == []


def test_neighbouring_cells_are_not_read_as_a_range():
    assert one_number_ranges(visible_text("<tr><td>¥0.00 –</td><td>¥0.00</td></tr>")) == []
    assert one_number_ranges(visible_text("<td><data value='1' data-key='k'>¥0.00</data> – ¥0.00</td>")) != []


def test_the_portfolio_index_prints_a_one_number_range_as_one_number():
    from merchant_playbooks.index import headline_kpis

    plan = {"merchant": {"language": "en", "currency": "CNY"}, "headline": ["orders", "fans"],
            "kpis": {"orders": {"label": "Orders", "kind": "count", "p10": 10.2, "p50": 10.0, "p90": 9.8},
                     "fans": {"label": "Fans", "kind": "count", "p10": 80, "p50": 100, "p90": 130}}}
    assert headline_kpis(plan) == [("Orders", "10", ""), ("Fans", "100", "80 – 130")]


def test_the_cover_s_range_note_reads_draws_and_seed_from_plan_json():
    s = sample("bloom-household/first_event_bargaining")
    keys = {key for key, _, _ in marked_figures(cover_html(s.plan))}
    assert {"simulations", "seed"} <= keys
