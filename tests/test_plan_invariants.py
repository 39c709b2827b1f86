"""Plans that hold together, over every sample and over generated params (hypothesis, direct calls).

Each plan must have: no forbidden use without a `forbidden` warning; every marked figure one value,
equal to plan.json's; a decision with exactly one chosen option, within budget or explained; no
dated step before the run date without a `past` warning (plans without actuals); no one-number
range printed as a range; a P&L whose identities hold draw by draw. The checks are
`merchant_playbooks.invariants`; each is shown to pass and to fail on hand-made inputs first.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pytest
from conftest import PARAMS
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from merchant_playbooks import clock, registry
from merchant_playbooks.invariants import (
    decision_problems,
    forbidden_unwarned,
    ledger_problems,
    one_number_ranges,
    past_problems,
    plan_problems,
    visible_text,
)
from merchant_playbooks.loading import load_params
from pydantic import ValidationError
from sample_handouts import fewer_draws, handout, sample, sample_ids

SAMPLES = sample_ids()
TODAY = date(2026, 12, 4)
#: the playbooks whose plan weighs options (helpers, mechanics, thresholds) and must say which it chose
DECIDING = ("first_event_bargaining", "zero_fan_launch")


def plan_json(plan) -> dict:
    return json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))


# ---------------------------------------------------------------- the checks, on hand-made inputs


def test_forbidden_use_needs_a_forbidden_warning():
    doc = {"compliance": [{"mechanic": "bargaining", "channel": "external_link", "status": "forbidden"},
                          {"mechanic": "coupon", "channel": "mini_program", "status": "allowed"}]}
    assert forbidden_unwarned(doc) != []
    assert forbidden_unwarned({**doc, "warnings": [{"code": "date_past", "message": "…"}]}) != []
    assert forbidden_unwarned({**doc, "warnings": [{"code": "forbidden_use", "message": "…"}]}) == []
    assert forbidden_unwarned({"compliance": doc["compliance"][1:]}) == []


def test_decision_has_one_chosen_option_within_budget_or_a_reason():
    options = [{"helpers": 6, "within_budget": False, "chosen": True},
               {"helpers": 8, "within_budget": True, "chosen": False}]
    assert decision_problems({"decision": {"options": options}}) != []  # over budget, unexplained
    assert decision_problems({"decision": {"options": options, "override_reason": "stock is capped"}}) == []
    assert decision_problems({"decision": {"options": [{**o, "chosen": not o["chosen"]} for o in options]}}) == []
    both = [{**o, "chosen": True} for o in options]
    assert "2 of 2" in decision_problems({"decision": {"options": both}})[0]
    assert decision_problems({"decision": {"options": [{**o, "chosen": False} for o in options]}}) != []
    assert decision_problems({}) == [] and decision_problems({"decision": {"text": "no options"}}) == []


def test_a_timeline_before_today_needs_a_past_warning_unless_reviewed():
    doc = {"timeline": [{"date": "2026-12-03", "step": "warmup"}, {"date": "2026-12-10", "step": "start"}]}
    assert "2026-12-03" in past_problems(doc, TODAY)[0]
    assert past_problems({**doc, "warnings": [{"code": "timeline_past", "message": "…"}]}, TODAY) == []
    assert past_problems({**doc, "review": {"days": 15}}, TODAY) == []  # plan vs actual: the past by design
    assert past_problems(doc, date(2026, 12, 3)) == []


def test_plan_problems_finds_a_one_number_range_in_the_page():
    page = "<p>Orders <data value='12' data-key='kpis.orders.p50'>12</data> (10 – 10)</p>"
    doc = {"kpis": {"orders": {"p50": 12}}}
    assert plan_problems(doc, page, TODAY) == ["one-number range printed as a range: '10 – 10'"]
    assert plan_problems(doc, page.replace("(10 – 10)", "(10 – 14)"), TODAY) == []


def _arrays(n: int = 200, seed: int = 3) -> dict:
    from merchant_playbooks.economics import Ledger

    rng = np.random.default_rng(seed)
    orders = rng.poisson(30, n).astype(float)
    return Ledger(revenue=orders * 99, discounts=orders * 40, cogs=orders * 30, rewards=rng.uniform(0, 90, n),
                  fixed=300.0, results=orders, result="order").arrays()


def test_ledger_identities_hold_and_a_broken_line_is_caught():
    from merchant_playbooks.economics import Band

    a = _arrays()
    economics = {line: Band.of(a[line]).to_dict(2) for line in ("revenue", "net")}
    assert ledger_problems(a, economics) == []
    broken = {**a, "net": a["net"] + np.where(np.arange(a["net"].size) < 5, 100.0, 0.0)}
    assert "fails in 5 of 200 draws" in ledger_problems(broken)[0]
    stale = {**economics, "net": {**economics["net"], "p50": economics["net"]["p50"] + 10}}
    assert any("economics.net.p50" in p for p in ledger_problems(a, stale))


# ---------------------------------------------------------------- every sample


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_plan_holds_together(name):
    s = sample(name)
    assert plan_problems(plan_json(s.plan), s.html, clock.run_date()) == []


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_plan_has_a_p_and_l_whose_identities_hold_draw_by_draw(name):
    s = sample(name)
    doc = plan_json(s.plan)
    assert "economics" in doc, f"{name}: plan.json has no economics"
    assert {"revenue", "net"} <= set(doc["economics"])
    stem, playbook = name.split("/")
    params = fewer_draws(load_params(PARAMS / f"{stem}.yaml").for_playbook(playbook))
    ledger = registry.get(playbook).figures(params).ledger  # the same seed: the draws behind plan.json
    assert ledger is not None, f"{name}: the playbook's figures set no ledger"
    assert ledger_problems(ledger.arrays(), doc["economics"]) == []


@pytest.mark.parametrize("name", [n for n in SAMPLES if n.split("/")[1] in DECIDING])
def test_a_deciding_playbook_s_plan_lists_its_options(name):
    doc = plan_json(sample(name).plan)
    assert isinstance(doc.get("decision"), dict) and doc["decision"].get("options"), \
        f"{name}: plan.json has no decision.options"
    assert decision_problems(doc) == []


# ---------------------------------------------------------------- generated params

#: per playbook: a sample to start from and the levers to vary (values any schema may still refuse)
GENERATED = {
    "first_event_bargaining": ("bloom-household", {
        "helpers_needed": st.integers(2, 16), "stock": st.integers(5, 400), "duration_days": st.integers(3, 21),
        "forced_follow": st.booleans()}),
    "zero_fan_launch": ("driving-school", {
        "reward_threshold": st.integers(5, 150), "staff": st.integers(0, 40), "duration_days": st.integers(3, 30)}),
    "membership_community": ("lily-shoes", {
        "gross_margin": st.floats(0.15, 0.85), "benefit_budget_share": st.floats(0.01, 0.2)}),
    "rapid_growth_cadence": ("crunch-snacks", {
        "draw_discount": st.floats(0.05, 0.8), "premium": st.booleans()}),
}


def _generated(playbook: str, data: st.DataObject):
    stem, levers = GENERATED[playbook]
    params = load_params(PARAMS / f"{stem}.yaml").for_playbook(playbook)
    update = {key: data.draw(strategy, label=key) for key, strategy in levers.items()}
    budget = data.draw(st.integers(0, 60_000), label="merchant.budget")
    try:
        section = params.section.model_validate({**params.section.model_dump(), **update, "simulations": 120})
        merchant = params.merchant.model_validate({**params.merchant.model_dump(), "budget": budget})
    except ValidationError:
        assume(False)  # a combination the schema refuses is not a plan
    return dataclasses.replace(params, merchant=merchant, section=section)


@pytest.mark.parametrize("playbook", list(GENERATED))
# few examples, no shrinking: a failing plan is reported as generated (each example builds a whole plan)
@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_plans_hold_together(playbook, data):
    params = _generated(playbook, data)
    plan = registry.build_plan(playbook, params)
    doc = plan_json(plan)
    page = handout(plan)
    assert plan_problems(doc, page, clock.run_date()) == []
    assert one_number_ranges(visible_text(page)) == []
    if "economics" in doc:  # the draws behind it: the playbook's figures again, same seed
        ledger = registry.get(playbook).figures(params).ledger
        assert ledger_problems(ledger.arrays(), doc["economics"]) == []
