"""The zero-fan launch: seeds, saturation, points and rewards, mechanic choice, ranges, determinism, notebook."""

from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from conftest import PARAMS, PLAYBOOKS
from hypothesis import given, settings
from hypothesis import strategies as st
from merchant_playbooks.errors import ParamsError
from merchant_playbooks.loading import PlaybookParams, load_params, validate_data
from merchant_playbooks.montecarlo import draw_all, generator
from merchant_playbooks.render import cover_html, section_html
from merchant_playbooks.schema import MerchantSection
from merchant_playbooks.zero_fan_launch import charts
from merchant_playbooks.zero_fan_launch.model import (
    build_model,
    mechanic_table,
    ranking_prize_cost,
    simulate,
    threshold_share,
)
from merchant_playbooks.zero_fan_launch.plan import build_plan
from merchant_playbooks.zero_fan_launch.schema import Section

SAMPLE = PARAMS / "driving-school.yaml"
PRIZES = ({"ranks": [1, 1], "prize": "First", "value": 380}, {"ranks": [2, 3], "prize": "Second", "value": 200},
          {"ranks": [4, 10], "prize": "Gift box", "value": 30})


def section(**kw) -> Section:
    base = {"start_date": date(2026, 7, 1), "staff": 12, "simulations": 300,
            "partners": ({"name": "Union", "audience": 4000}, {"name": "Car wash", "audience": 1500}),
            "ranking_prizes": PRIZES}
    return Section(**{**base, **kw})


def params(s: Section, fans: int = 0, budget: int = 0, lang: str = "en") -> PlaybookParams:
    m = MerchantSection(name="Easy Road <Driving> School", language=lang, fans=fans, budget=Decimal(budget))
    return PlaybookParams("zero_fan_launch", m, s)


def draws(s: Section, n: int = 200) -> dict[str, np.ndarray]:
    return draw_all(generator(s.seed), s.uncertain(), n)


# ------------------------------------------------------------------ seeds and the fission model


def test_seeds_of_zero_give_zero():
    s = section(staff=0, partners=(), ranking_prizes=())
    model = build_model(s, fans=0, budget=Decimal(0))
    for metric, total in model.sim.totals.items():
        assert np.all(total == 0), metric
    assert np.all(model.sim.daily["k_factor"] == 0)
    assert np.all(model.qualifiers == 0) and np.all(model.costs["total"] == 0)
    assert model.cost_per_fan_band() is None


def test_zero_fan_zero_budget_plan_has_no_nan_anywhere():
    s = section(staff=0, partners=(), ranking_prizes=())
    plan = build_plan(params(s))
    text = json.dumps(plan.to_dict(), allow_nan=False)  # raises on NaN or infinity
    data = json.loads(text)
    assert data["kpis"]["cost_per_fan"]["p50"] is None and data["cost_per_fan"] is None
    html = cover_html(plan) + "".join(section_html(plan, sec) for sec in plan.ordered_sections())
    assert not re.search(r"\bnan\b|\binf\b", html, re.IGNORECASE)
    assert "—" in html  # cost per fan shown as a dash
    # nothing starts, and the plan says so instead of naming a rate to test
    assert "nothing starts" in section_html(plan, plan.sections["decision"])


def test_staff_alone_start_the_campaign():
    s = section(partners=(), ranking_prizes=())
    sim = simulate(s, 0, draws(s))
    assert np.all(sim.totals["participants"] > 0) and np.all(sim.totals["new_fans"] > 0)


def test_staff_share_only_on_the_staff_days():
    s = section(partners=(), join_rate=0)  # nobody registers, so only staff ever share
    sim = simulate(s, 0, draws(s))
    assert np.all(sim.daily["shares"][:, : s.staff_days] > 0)
    assert np.all(sim.daily["shares"][:, s.staff_days :] == 0)
    assert np.all(sim.totals["participants"] == 0) and np.all(sim.points == 0)


@settings(max_examples=25, deadline=None)
@given(staff=st.integers(0, 200), more_staff=st.integers(0, 200), audience=st.integers(0, 20_000),
       more_audience=st.integers(0, 20_000), fans=st.integers(0, 500), more_fans=st.integers(0, 500),
       seed=st.integers(0, 2**32 - 1))
def test_more_seeds_never_give_fewer_fans(staff, more_staff, audience, more_audience, fans, more_fans, seed):
    few = section(staff=staff, partners=({"name": "P", "audience": audience},), seed=seed)
    many = section(staff=staff + more_staff, partners=({"name": "P", "audience": audience + more_audience},),
                   seed=seed)
    r = draws(few, 100)
    a, b = simulate(few, fans, r), simulate(many, fans + more_fans, r)
    for metric in ("participants", "new_fans", "reached", "views"):
        assert np.median(b.totals[metric]) >= np.median(a.totals[metric]) * (1 - 1e-9) - 1e-9, metric
        # the recursion is monotone draw by draw, not only at the median
        assert np.all(b.totals[metric] >= a.totals[metric] * (1 - 1e-9) - 1e-9), metric


def test_a_campaign_saturates_its_reachable_pool():
    s = section(staff=2000, reachable_pool=[5000, 5000], views_per_share=[50, 50], duration_days=30)
    sim = simulate(s, 0, draws(s))
    assert np.all(sim.totals["reached"] <= 5000 + 1e-6)
    assert np.all(sim.totals["reached"] > 4900)  # nearly everyone reachable has seen it
    k = sim.daily["k_factor"]
    assert np.all(k[:, -1] < k[:, 1])  # fewer new people to bring in as the pool runs out


# ------------------------------------------------------------------ points, threshold, rewards


@settings(max_examples=200, deadline=None)
@given(mean=st.floats(0, 1e6), k=st.floats(1e-6, 1e3), threshold=st.integers(1, 100_000))
def test_threshold_share_never_exceeds_one(mean, k, threshold):
    share = threshold_share(np.array([mean]), np.array([k]), [threshold, threshold + 1])
    assert np.all((share >= 0) & (share <= 1))
    assert share[0, 1] <= share[0, 0]  # a higher threshold is never easier to reach


def test_no_points_means_nobody_qualifies():
    assert threshold_share(np.zeros(3), np.ones(3), 1).tolist() == [[0.0], [0.0], [0.0]]


def test_ranking_prizes_only_pay_for_ranks_somebody_holds():
    s = section()
    cost = ranking_prize_cost(s, np.array([0.0, 1.0, 5.0, 10.0, 5000.0]))
    assert cost.tolist() == [0, 380, 380 + 400 + 60, 380 + 400 + 210, 380 + 400 + 210]


def test_reward_cap_bounds_the_liability():
    capped = build_model(section(reward_cap=5, reward_threshold=10), 0, Decimal(0))
    assert capped.qualifiers.max() <= 5
    assert capped.costs["liability"].max() <= 5 * 100
    free = build_model(section(reward_threshold=10), 0, Decimal(0))
    assert free.qualifiers.max() > 5  # the cap is what bounds it


def test_lower_threshold_more_qualifiers_more_liability():
    table = build_model(section(), 0, Decimal(0)).thresholds
    assert table["threshold"].is_monotonic_increasing
    assert table["share_p50"].is_monotonic_decreasing
    assert table["liability_p50"].is_monotonic_decreasing
    assert table["chosen"].sum() == 1


# ------------------------------------------------------------------ mechanic choice


def test_zero_budget_merchant_with_partners_is_told_friend_assistance():
    table = mechanic_table(section(), fans=0, budget=Decimal(0))
    assert table.iloc[0]["mechanic"] == "friend_assistance"
    assert set(table["mechanic"]) >= {"friend_assistance", "voting", "referral_gift", "partner_swap", "group_buy",
                                      "bargain_for_free"}
    assert table["score"].between(1, 5).all()


def test_weights_are_params():
    only_cost = mechanic_table(section(weights={"feasibility": 0, "influence": 0, "difficulty": 0, "success": 0,
                                                "cost": 1}), 0, Decimal(0))
    assert only_cost.iloc[0]["mechanic"] == "partner_swap"  # the cheapest
    only_reach = mechanic_table(section(weights={"feasibility": 0, "influence": 1, "difficulty": 0, "success": 0,
                                                 "cost": 0}), 0, Decimal(0))
    assert only_reach.iloc[0]["mechanic"] == "voting"  # source 000's 380k-exposure case


def test_situation_adjusts_scores():
    def score(table, mechanic, criterion="score"):
        return float(table.set_index("mechanic").loc[mechanic, criterion])

    base = mechanic_table(section(margin=0.3), fans=1000, budget=Decimal(50_000))
    broke = mechanic_table(section(margin=0.3), fans=1000, budget=Decimal(0))
    assert score(broke, "referral_gift") < score(base, "referral_gift")
    alone = mechanic_table(section(partners=()), 1000, Decimal(50_000))
    assert score(alone, "partner_swap", "feasibility") < score(base, "partner_swap", "feasibility")
    thin = mechanic_table(section(margin=0.1), 1000, Decimal(50_000))
    wide = mechanic_table(section(margin=0.6), 1000, Decimal(50_000))
    assert score(thin, "group_buy") < score(base, "group_buy") < score(wide, "group_buy")
    assert "thin_margin" in thin.set_index("mechanic").loc["bargain_for_free", "adjusted_by"]


def test_score_overrides_are_clamped_and_used():
    table = mechanic_table(section(scores={"voting": {"feasibility": 5, "influence": 5, "difficulty": 1,
                                                      "success": 5, "cost": 1}}), 1000, Decimal(50_000))
    assert table.iloc[0]["mechanic"] == "voting"


def test_plan_flags_when_the_run_mechanic_is_not_the_recommended_one():
    plan = build_plan(params(section(mechanic="voting")))
    html = section_html(plan, plan.sections["decision"])
    assert plan.data["recommended_mechanic"] == "friend_assistance"
    assert "the table favours Friend assistance" in html


# ------------------------------------------------------------------ the plan


@pytest.fixture(scope="module")
def sample_plan():
    return build_plan(load_params(SAMPLE).for_playbook("zero_fan_launch"))


def test_sample_is_diagnosed_zero_fan_and_sent_here():
    mp = load_params(SAMPLE)
    assert mp.merchant.fans == 0 and mp.merchant.budget == 0
    assert mp.diagnosis.playbook == "zero_fan_launch" and mp.playbooks == ("zero_fan_launch",)


def test_p10_le_p50_le_p90_for_every_kpi(sample_plan):
    for key, kpi in sample_plan.kpis.items():
        b = kpi.band
        assert all(math.isfinite(v) for v in (b.p10, b.p50, b.p90)), key
        assert b.p10 <= b.p50 <= b.p90, key
    for entry in sample_plan.timeline:
        for metric, band in entry.items():
            if isinstance(band, dict):
                assert band["p10"] <= band["p50"] <= band["p90"], (entry["date"], metric)


def test_same_seed_gives_identical_plans(sample_plan):
    again = build_plan(load_params(SAMPLE).for_playbook("zero_fan_launch"))
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(sample_plan.to_dict(), sort_keys=True)
    import dataclasses

    sample = load_params(SAMPLE).for_playbook("zero_fan_launch")
    other = build_plan(dataclasses.replace(sample, section=sample.section.model_copy(update={"seed": sample.section.seed + 1})))
    assert other.kpis["new_fans"].band != sample_plan.kpis["new_fans"].band


def test_plan_follows_the_spine(sample_plan):
    assert list(sample_plan.sections) == ["goal", "audience", "mechanics", "rewards", "channels", "timeline",
                                          "forecast", "decision", "kpis", "risks", "compliance", "review"]
    rules = next(b for b in sample_plan.sections["mechanics"].blocks if type(b).__name__ == "Rules")
    text = " ".join(rules.items)
    assert "50 help points" in text and "¥100" in text and "customer service" in text  # source 000's case
    risks = " ".join(sample_plan.tables["risks"]["risk"])
    assert "liability" in risks and "fake" in risks and "Saturation" in risks


def test_channels_put_employees_first_then_partners(sample_plan):
    chan = sample_plan.tables["channels"]
    staff = chan[chan["channel"].str.startswith("Staff")]["date"].min()
    partners = chan[chan["channel"].isin(["Campus student union", "Sunny car wash"])]["date"]
    assert len(partners) == 2 and staff < partners.min()
    assert [p["date"] for p in sample_plan.data["partners"]] == sorted(partners)


def test_timeline_is_daily_with_iso_dates_and_ranges(sample_plan):
    tl = sample_plan.to_dict()["timeline"]
    dates = [date.fromisoformat(e["date"]) for e in tl]
    assert all((b - a).days == 1 for a, b in itertools.pairwise(dates))
    running = [e for e in tl if 1 <= e["day"] <= 14]
    assert len(running) == 14
    for e in running:
        for metric in ("views", "participants", "new_fans", "k_factor", "fans_to_date"):
            assert set(e[metric]) == {"p10", "p50", "p90"}
    assert running[-1]["fans_to_date"]["p50"] == pytest.approx(sample_plan.kpis["new_fans"].band.p50, rel=0.05)


def test_tornado_names_the_rate_to_test_first(sample_plan):
    tor = sample_plan.tables["sensitivity"]
    assert tor["swing"].is_monotonic_decreasing and (tor["swing"] > 0).all()
    html = section_html(sample_plan, sample_plan.sections["decision"])
    assert f"Test first: {tor.iloc[0]['rate_name']}" in html


def test_plan_reads_in_chinese():
    plan = build_plan(params(section(), lang="zh"))
    html = cover_html(plan) + "".join(section_html(plan, sec) for sec in plan.ordered_sections())
    assert "好友助力" in html and "推荐玩法" in html
    assert "&lt;Driving&gt;" in html  # merchant text escaped


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["chart_daily_growth", "chart_k_factor", "chart_points", "chart_tornado",
                                  "chart_mechanics"])
def test_charts_are_specs_over_the_plan(name, lang):
    plan = build_plan(params(section(), lang=lang))
    spec = getattr(charts, name)(plan).to_dict()
    assert spec["title"]["text"]
    datasets = spec.get("datasets", {})
    assert datasets and all(len(rows) > 0 for rows in datasets.values())


def test_tornado_chart_has_both_ends_of_every_rate(sample_plan):
    spec = charts.chart_tornado(sample_plan).to_dict()
    rows = next(v for v in spec["datasets"].values() if v and "end" in v[0])
    assert len(rows) == 2 * len(sample_plan.tables["sensitivity"])


# ------------------------------------------------------------------ params


def _problems(section_data: dict) -> str:
    data = {"merchant": {"name": "X"}, "zero_fan_launch": {"start_date": "2026-07-01", **section_data}}
    with pytest.raises(ParamsError) as err:
        validate_data(data, "x.yaml")
    return str(err.value)


def test_params_errors_name_the_field():
    assert "zero_fan_launch.weights" in _problems({"weights": {"feasibility": 0, "influence": 0, "difficulty": 0,
                                                                "success": 0, "cost": 0}})
    assert "partners.0.day" in _problems({"duration_days": 7, "partners": [{"name": "P", "audience": 1, "day": 9}]})
    assert "overlaps" in _problems({"ranking_prizes": [{"ranks": [1, 3], "prize": "a", "value": 1},
                                                       {"ranks": [3, 5], "prize": "b", "value": 1}]})
    assert "did you mean 'reward_threshold'" in _problems({"reward_treshold": 50})
    assert "zero_fan_launch.mechanic" in _problems({"mechanic": "lottery"})


# ------------------------------------------------------------------ the notebook, end to end


def test_papermill_run_with_the_driving_school_params(tmp_path):
    import nbformat
    import papermill as pm
    from papermill.iorw import read_yaml_file

    parameters = read_yaml_file(str(SAMPLE))  # what `papermill -f params/driving-school.yaml` injects
    parameters["plan_out"] = str(tmp_path / "zero_fan_launch")
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(PLAYBOOKS / "zero_fan_launch.ipynb"), str(out), parameters=parameters,
                        kernel_name="python3", progress_bar=False, cwd=str(PLAYBOOKS.parent))
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    plan = json.loads((tmp_path / "zero_fan_launch.plan.json").read_text(encoding="utf-8"))
    assert plan["merchant"]["name"] == "Easy Road Driving School"
    assert plan["timeline"] and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"]) for e in plan["timeline"])
    running = [e for e in plan["timeline"] if e["phase"] not in ("warmup", "award")]
    assert running and all(set(e["new_fans"]) == {"p10", "p50", "p90"} for e in running)
    assert set(plan["kpis"]["new_fans"]) >= {"p10", "p50", "p90"}
    assert (tmp_path / "zero_fan_launch.xlsx").exists()
