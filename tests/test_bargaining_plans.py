"""Issue 17 for the bargaining playbook: plans that hold together, on every sample and on edge cases.

The rules shape the plan (no forbidden use unless set), one value per figure (cover, trade-off and
comparison), the plan follows its decision (and says why when the consultant overrides it), the stock
the rules publish is the stock the budget allows, a P&L from the same draws, words that fit, and a
real day-by-day warm-up whose sentences agree with the event's length.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import numpy as np
import pytest
from conftest import PARAMS
from merchant_playbooks.compliance import check
from merchant_playbooks.first_event_bargaining.compliance import uses
from merchant_playbooks.first_event_bargaining.figures import _phase, warmup_actions
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.first_event_bargaining.schema import Section
from merchant_playbooks.loading import PlaybookParams, load_params
from merchant_playbooks.render import cover_html, section_html
from merchant_playbooks.schema import MerchantSection

PB = "first_event_bargaining"
SAMPLES = ("bloom-household.yaml", "crunch-snacks.yaml", "huayang-zh.yaml", "lily-shoes.yaml")
DATA = re.compile(r'<data value="([^"]*)" data-key="([^"]*)">([^<]*)</data>')


@pytest.fixture(scope="module")
def samples():
    out = {}
    for name in SAMPLES:
        params = load_params(PARAMS / name).for_playbook(PB)
        params = dataclasses.replace(params, section=params.section.model_copy(update={"actuals": None}))
        plan = build_plan(params)
        page = cover_html(plan) + "".join(section_html(plan, s) for s in plan.ordered_sections())
        out[name] = (params, plan, plan.to_dict(), page)
    return out


def _shown(page: str) -> dict[str, set[str]]:
    shown: dict[str, set[str]] = {}
    for _, key, text in DATA.findall(page):
        shown.setdefault(key, set()).add(text)
    return shown


@pytest.mark.parametrize("name", SAMPLES)
def test_a_sample_plans_no_forbidden_use(samples, name):
    params, _, doc, page = samples[name]
    s = params.section
    assert not s.forced_follow and "external_link" not in s.share_via
    assert [r for r in check(uses(s)) if r.status == "forbidden"] == []
    assert "Follow our account to start" not in page and "关注公众号即可发起" not in page
    assert not [w for w in doc["warnings"] if "forbidden" in w["code"]]
    assert "moments" not in {r["channel"] for r in doc["tables"]["channels"]}  # no posting to Moments


@pytest.mark.parametrize("name", SAMPLES)
def test_each_figure_shows_one_value_and_the_cost_per_follower_is_one_computation(samples, name):
    _, plan, doc, page = samples[name]
    shown = _shown(page)
    assert {k: v for k, v in shown.items() if len(v) > 1} == {}
    dec = doc["decision"]
    i = dec["chosen_index"]
    row = doc["tables"]["decision"][i]
    bargain = doc["tables"]["comparison"][0]
    assert bargain["mechanic"] == "bargain"
    cover = shown["kpis.cost_per_follower.p50"]
    assert cover == shown[f"tables.decision.{i}.cost_per_follower_p50"] == \
        shown["tables.comparison.0.cost_per_follower_p50"]
    assert shown["kpis.new_followers.p90"] == shown[f"tables.decision.{i}.new_followers_p90"] == \
        shown["tables.comparison.0.new_followers_p90"]
    kpi = plan.kpis["cost_per_follower"].band.p50
    assert row["cost_per_follower_p50"] == bargain["cost_per_follower_p50"] == kpi
    assert doc["economics"]["cost_per_result"]["p50"] == pytest.approx(kpi, abs=0.005)  # the ledger's own
    assert dec["options"][i]["cost_per_follower_p50"] == kpi


@pytest.mark.parametrize("name", SAMPLES)
def test_the_plan_follows_its_decision_and_publishes_the_stock_the_budget_allows(samples, name):
    params, plan, doc, _ = samples[name]
    dec = doc["decision"]
    chosen = [o for o in dec["options"] if o["chosen"]]
    assert len(chosen) == 1 and chosen[0]["helpers"] == dec["chosen_helpers"] == doc["helpers_needed"]
    assert dec["basis"] == "best_within_budget" and dec["override_reason"] is None and chosen[0]["within_budget"]
    fits = [o for o in dec["options"] if o["within_budget"]]
    assert chosen[0]["new_followers_p50"] == max(o["new_followers_p50"] for o in fits)
    assert len(doc["cut_schedule"]) == doc["helpers_needed"]
    s, m = params.section, params.merchant
    cap = int((m.budget - s.fixed_costs) // (s.original_price - s.floor_price))
    assert doc["stock"] == min(s.stock, cap) and doc["stock_cap_within_budget"] == cap
    rules = section_html(plan, plan.sections["mechanics"])
    assert f'data-key="stock">{doc["stock"]:,}</data>' in rules
    assert plan.kpis["cost"].band.p90 <= float(m.budget)  # the cuts the published stock can cost fit the budget


@pytest.mark.parametrize("name", SAMPLES)
def test_the_pnl_comes_from_the_same_draws_as_the_kpis(samples, name):
    _, plan, doc, _ = samples[name]
    model = plan.model
    a = model.ledger.arrays()
    s = load_params(PARAMS / name).for_playbook(PB).section
    orders = model.total("orders")
    assert np.allclose(a["revenue"], orders * float(s.original_price))
    assert np.allclose(a["discounts"] + a["fixed"], model.cost)  # the cuts given + fixed costs: the KPI "cost"
    assert np.allclose(a["cogs"], orders * float(s.cost_of_goods))
    assert np.allclose(a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"])
    assert np.array_equal(a["results"], model.total("new_followers")) and doc["economics"]["result"] == "new_follower"
    assert doc["economics"]["net"]["p50"] == pytest.approx(plan.kpis["net"].band.p50, abs=0.005)


@pytest.mark.parametrize("name", SAMPLES)
def test_the_words_fit_the_merchant_and_the_event(samples, name):
    params, plan, doc, page = samples[name]
    text = re.sub(r"<[^>]+>", "", page)
    assert "(source" not in text and "household brand" not in text and "家居品牌" not in text
    assert "optimistic" not in section_html(plan, plan.sections["decision"])
    few = params.diagnosis.stage in ("zero", "few_fans")
    assert (("With a few fans" in text) or ("粉丝不多时" in text)) == few
    assert not re.search(r"(\S+) – \1(?!\S)", text), "a range whose ends read the same"
    days = params.section.duration_days
    sold = doc["sold_out_day"]
    assert sold is None or 1 <= sold < days  # "runs out before the last day" only when it does
    actions = [row["action"] for row in doc["timeline"]]
    assert not any(actions[i] == actions[i + 1] == actions[i + 2] for i in range(len(actions) - 2))


def test_lily_is_not_told_it_has_few_fans_and_bloom_is(samples):
    assert samples["lily-shoes.yaml"][0].diagnosis.stage != "few_fans"
    assert "With 4,500 followers already" in re.sub(r"<[^>]+>", "", samples["lily-shoes.yaml"][3])
    assert "With a few fans" in samples["bloom-household.yaml"][3]


@pytest.mark.parametrize("warmup", range(31))
@pytest.mark.parametrize("days", (1, 2, 3, 4, 5, 7, 15, 60))
def test_the_warm_up_and_run_never_repeat_an_action_three_days_running(warmup, days):
    actions = [_phase(d, days, warmup)[1] for d in range(-warmup, days)]
    assert not any(actions[i] == actions[i + 1] == actions[i + 2] for i in range(len(actions) - 2))
    assert len(warmup_actions(warmup)) == warmup
    if warmup >= 2:
        assert actions[0] == "warmup_teaser" and "warmup_rules" in actions[:warmup]
    if days >= 2:
        assert actions[-1] == "final_action"


def params(**kw) -> PlaybookParams:
    base = {"start_date": date(2026, 12, 1), "original_price": 199, "floor_price": 99, "unit_cost": 60,
            "stock": 300, "fixed_costs": 500, "helpers_options": (3, 15), "simulations": 400}
    return PlaybookParams(PB, MerchantSection(name="Bloom", fans=1200, budget=8000), Section(**{**base, **kw}))


def test_an_override_is_chosen_explained_and_shown():
    best = build_plan(params()).to_dict()["decision"]["chosen_helpers"]
    fixed = 15 if best != 15 else 3
    plan = build_plan(params(helpers_needed=fixed, helpers_reason="the merchant wants a harder bargain"))
    dec = plan.to_dict()["decision"]
    assert dec["basis"] == "override" and dec["chosen_helpers"] == fixed == plan.data["helpers_needed"]
    assert dec["best_within_budget"] == best and dec["override_reason"] == "the merchant wants a harder bargain"
    assert [o["helpers"] for o in dec["options"] if o["chosen"]] == [fixed]
    html = section_html(plan, plan.sections["decision"])
    assert "the merchant wants a harder bargain" in html and 'data-key="decision.chosen_helpers">' in html
    silent = build_plan(params(helpers_needed=fixed)).to_dict()["decision"]
    assert silent["basis"] == "override" and "no reason given" in silent["override_reason"]
    same = build_plan(params(helpers_needed=best)).to_dict()["decision"]  # fixing it at the best is no override
    assert same["basis"] == "best_within_budget" and same["override_reason"] is None


def test_forbidden_uses_survive_only_when_set_and_a_budget_that_covers_nothing_is_said():
    plan = build_plan(params(forced_follow=True, share_via=("external_link",)))
    mech = section_html(plan, plan.sections["mechanics"])
    assert "Follow our account to start a bargain" in mech and "by link" in mech
    assert "moments" in set(plan.tables["channels"]["channel"]) and "platform" in set(plan.tables["risks"]["risk"])
    broke = build_plan(PlaybookParams(PB, MerchantSection(name="Bloom", fans=1200, budget=400),
                                      params().section)).to_dict()
    assert broke["decision"]["basis"] == "none_within" and broke["stock"] == 1
    assert any(w["code"] == "bargain_over_budget" for w in broke["warnings"])


def test_a_missing_unit_cost_is_half_the_price_and_said():
    plan = build_plan(params(unit_cost=None))
    assert plan.data["unit_cost"] == pytest.approx(99.5) and plan.data["unit_cost_assumed"]
    assert "assumed: half the original price" in section_html(plan, plan.sections["rewards"])
