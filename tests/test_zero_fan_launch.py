"""The zero-fan launch: seeds, saturation, points and rewards, mechanic choice, ranges, determinism, notebook."""

from __future__ import annotations

import dataclasses
import html as html_module
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
from merchant_playbooks import i18n
from merchant_playbooks.errors import ParamsError
from merchant_playbooks.loading import PlaybookParams, load_params, validate_data, validate_section
from merchant_playbooks.montecarlo import draw_all, generator
from merchant_playbooks.panel import Explorer
from merchant_playbooks.plan import Rules
from merchant_playbooks.render import block_html, cover_html, kpi_cards, section_html
from merchant_playbooks.schema import MerchantSection
from merchant_playbooks.zero_fan_launch import charts
from merchant_playbooks.zero_fan_launch import model as zfl_model
from merchant_playbooks.zero_fan_launch.model import (
    build_model,
    mechanic_table,
    ranking_prize_cost,
    simulate,
    threshold_share,
)
from merchant_playbooks.zero_fan_launch.panel import PANEL
from merchant_playbooks.zero_fan_launch.plan import build_plan
from merchant_playbooks.zero_fan_launch.schema import Partner, Section

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


def text_of(html: str) -> str:
    """What the merchant reads: the HTML's text, figures' markup left out."""
    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


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
    s = section(partners=(), join_rate=0, shares_per_helper=0)  # nobody registers or passes it on: only staff share
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
    # enough staff to start it, few enough that the pool runs out over days, not on day 1
    s = section(staff=50, reachable_pool=[5000, 5000], views_per_share=[50, 50], duration_days=30)
    sim = simulate(s, 0, draws(s))
    assert np.all(sim.totals["reached"] <= 5000 + 1e-6)
    # nine in ten of the reachable have seen it (sharing dies down as friends have all seen it)
    assert np.all(sim.totals["reached"] > 4500)
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
    zfl_model._RUNS.clear()  # drawn again, not the run kept from the first plan
    again = build_plan(load_params(SAMPLE).for_playbook("zero_fan_launch"))
    assert json.dumps(again.to_dict(), sort_keys=True) == json.dumps(sample_plan.to_dict(), sort_keys=True)
    sample = load_params(SAMPLE).for_playbook("zero_fan_launch")
    other = build_plan(dataclasses.replace(sample, section=sample.section.model_copy(update={"seed": sample.section.seed + 1})))
    assert other.kpis["new_fans"].band != sample_plan.kpis["new_fans"].band


def test_plan_follows_the_spine(sample_plan):
    assert list(sample_plan.sections) == ["goal", "audience", "mechanics", "rewards", "channels", "timeline",
                                          "forecast", "decision", "kpis", "risks", "economics", "compliance",
                                          "review"]
    assert [s.key for s in sample_plan.ordered_sections()].index("economics") == 7  # after the forecast
    rules = next(b for b in sample_plan.sections["mechanics"].blocks if type(b).__name__ == "Rules")
    text = text_of(block_html(sample_plan, rules))
    assert "50 help points" in text and "¥100" in text and "customer service" in text  # source 000's case
    assert {"liability", "fake", "saturation"} <= set(sample_plan.tables["risks"]["risk"])  # keys; words in the view
    risks = section_html(sample_plan, sample_plan.sections["risks"])
    assert "liability" in risks and "fake" in risks and "Saturation" in risks


def test_channels_put_employees_first_then_partners(sample_plan):
    chan = sample_plan.tables["channels"]
    staff = chan[chan["channel"] == "staff"]["date"].min()
    partners = chan[chan["partner"].isin(["Campus student union", "Sunny car wash"])]["date"]
    assert len(partners) == 2 and staff < partners.min()
    assert (chan[chan["channel"] == "staff"]["people"] == 12).all()  # the number its message names
    html = text_of(section_html(sample_plan, sample_plan.sections["channels"]))
    assert "Campus student union" in html and "Launch: 12 employees share the campaign daily for 3 days" in html
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
    assert sample_plan.data["decision"]["test_first"]["rate"] == tor.iloc[0]["rate"]
    html = section_html(sample_plan, sample_plan.sections["decision"])
    assert f"Test first: {i18n.t('zero_fan_launch.rate.' + tor.iloc[0]['rate'], 'en')}" in html


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


# ------------------------------------------------------------------ the live panel


def explorer(**changes) -> Explorer:
    """The panel's logic over the sample merchant (no file: nothing is ever written)."""
    p = load_params(SAMPLE).for_playbook("zero_fan_launch")
    if changes:
        p = dataclasses.replace(p, section=p.section.model_copy(update=changes))
    return Explorer(p, PANEL, None)


def shown(update) -> dict[str, float]:
    """The headline KPI cards' expected values as the merchant reads them (¥2,563 → 2563.0)."""
    cards = re.findall(r'data-kpi="(\w+)">.*?class="mp-kpi-p50">(.*?)</div>', update.kpis_html)
    cards = [(key, text_of(text)) for key, text in cards]
    return {key: float(re.sub(r"[^\d.]", "", text) or "nan") for key, text in cards}


def test_a_lower_threshold_shows_more_liability_and_publishes_the_new_threshold():
    x = explorer()
    high, low = x.set("reward_threshold", 80), x.set("reward_threshold", 30)
    assert high.ok and low.ok
    # the model: a lower bar lets more participants qualify, so the reward costs more; reach does not move
    assert shown(low)["reward_liability"] > shown(high)["reward_liability"]
    assert shown(low)["new_fans"] == shown(high)["new_fans"]
    assert "30 help points or more" in text_of(low.rules_html) and "80 help points" not in text_of(low.rules_html)
    assert "80 help points or more" in text_of(high.rules_html)
    subtitle = low.chart_spec["title"]["subtitle"]  # a long subtitle comes in lines
    assert "30" in (subtitle if isinstance(subtitle, str) else " ".join(subtitle))


def test_more_staff_and_a_cap_move_the_panel_the_way_the_model_does():
    x = explorer()
    few, many = x.set("staff", 4), x.set("staff", 40)
    assert shown(many)["new_fans"] > shown(few)["new_fans"] and shown(many)["views"] > shown(few)["views"]
    capped = x.set("reward_cap", "5")  # typed in the text box
    assert capped.plan.kpis["reward_liability"].band.p90 <= 5 * 100
    assert "first 5 people" in text_of(capped.rules_html) and "first 5 people" not in text_of(many.rules_html)
    assert shown(capped)["reward_liability"] <= shown(many)["reward_liability"]
    voting = x.set("mechanic", "voting")
    assert "votes" in voting.rules_html and "help points" not in voting.rules_html


@pytest.mark.parametrize(("path", "value", "field"), [
    ("reward_threshold", 0, "reward_threshold"), ("reward_cap", "0", "reward_cap"),
    ("reward_cap", "many", "reward_cap"),
    ("duration_days", 3, "partners.0.day"),  # the cross-field rule: a partner posting after the end
])
def test_a_value_the_schema_rejects_shows_its_message_and_keeps_the_plan(path, value, field):
    x = explorer(partners=(Partner(name="Union", audience=4000, day=5),))
    good = x.set("reward_threshold", 40)
    before = x.values[path]
    bad = x.set(path, value)
    assert not bad.ok and bad.plan is None
    # the schema's own message, as `playbooks validate` gives it
    section = {**x.params.section.model_dump(mode="json"), "reward_threshold": 40,
               path: x.coerce(x.control(path), value)}
    _, problems = validate_section(Section, section, "zero_fan_launch")
    assert problems and bad.problems == [p.format("")[2:] for p in problems]
    assert bad.problems[0].startswith(f"zero_fan_launch.{field} = ")
    # the value put back: the plan is the one shown before, not a new one
    assert x.set(path, before).plan is good.plan


def test_the_panel_plan_is_build_plan_on_the_preview_params():
    x = explorer()
    update = x.set("reward_threshold", 35)
    assert PANEL.preview_simulations == update.plan.simulations < x.params.section.simulations
    preview = dataclasses.replace(x.params, section=x.params.section.model_copy(
        update={"reward_threshold": 35, "simulations": PANEL.preview_simulations, "actuals": None}))
    batch = build_plan(preview)
    assert json.dumps(update.plan.to_dict(), default=str) == json.dumps(batch.to_dict(), default=str)
    assert update.kpis_html == kpi_cards(batch, batch.headline)
    rules = [b for b in batch.sections["mechanics"].blocks if isinstance(b, Rules)]
    assert update.rules_html == "".join(block_html(batch, b) for b in rules)
    assert update.chart_spec == charts.chart_points(batch).to_dict(validate=False)


def test_kept_runs_give_the_plans_a_fresh_run_gives():
    """The Monte Carlo run, tornado and thresholds kept between plans never change a number."""
    x = explorer(simulations=300, actuals=None)
    from bench_widgets import next_values

    warm = {}
    for c in x.controls:  # every lever moved once, each plan built with whatever the earlier ones left
        value = next_values(c, x.values[c.path])[0]
        params = dataclasses.replace(x.params, section=x.params.section.model_copy(
            update={c.path: x.coerce(c, value) if c.kind != "optional" else int(value)}))
        warm[c.path] = (params, build_plan(params))
    for path, (params, plan) in warm.items():
        zfl_model._RUNS.clear()
        fresh = build_plan(params)
        assert json.dumps(fresh.to_dict(), default=str) == json.dumps(plan.to_dict(), default=str), path
        assert all(fresh.tables[k].equals(plan.tables[k]) for k in plan.tables), path
    assert not plan.model.sim.totals["new_fans"].flags.writeable  # shared arrays cannot be changed by a caller


def test_the_main_chart_spec_is_the_one_altair_makes_of_the_table():
    import altair as alt

    for lang in ("en", "zh"):
        plan = build_plan(params(section(reward_threshold=7), lang=lang))
        df = plan.tables["points_brackets"].copy()
        assert df["points_to"].isna().any()  # the open last bracket: None in the data, not NaN
        yes, no = (i18n.t(f"zero_fan_launch.chart.answer_{a}", lang) for a in ("yes", "no"))
        df["qualifies_label"] = df["qualifies"].map({True: yes, False: no})
        spec = charts.chart_points(plan).to_dict()  # validated against the Vega-Lite schema
        assert spec["datasets"] == alt.Chart(df).mark_bar().to_dict()["datasets"]  # same records, same name


def test_show_panel_builds_a_widget_only_for_a_person(monkeypatch):
    from merchant_playbooks import show

    p = load_params(SAMPLE).for_playbook("zero_fan_launch")
    p = dataclasses.replace(p, section=p.section.model_copy(update={"simulations": 300}))
    plan = build_plan(p)
    monkeypatch.delenv("MERCHANT_PLAYBOOKS_PANEL", raising=False)
    assert show.panel(p, plan, "") is None  # plain Python: no frontend to show widgets in
    monkeypatch.setenv("MERCHANT_PLAYBOOKS_PANEL", "1")
    widget = show.panel(p, plan, "")
    assert widget is not None and "mp-panel-zero_fan_launch" in widget._dom_classes
    monkeypatch.setenv("MERCHANT_PLAYBOOKS_PANEL", "0")
    assert show.panel(p, plan, "") is None


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
    panel_cell = next(c for c in nb.cells if c.get("id") == "panel")
    assert panel_cell.outputs == [] and "widget-view" not in out.read_text(encoding="utf-8")  # batch: no widget
    plan = json.loads((tmp_path / "zero_fan_launch.plan.json").read_text(encoding="utf-8"))
    assert plan["merchant"]["name"] == "Easy Road Driving School"
    assert plan["timeline"] and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"]) for e in plan["timeline"])
    running = [e for e in plan["timeline"] if e["phase"] not in ("warmup", "award")]
    assert running and all(set(e["new_fans"]) == {"p10", "p50", "p90"} for e in running)
    assert set(plan["kpis"]["new_fans"]) >= {"p10", "p50", "p90"}
    assert (tmp_path / "zero_fan_launch.xlsx").exists()


def test_tables_keep_machine_values_and_the_view_writes_their_rows(sample_plan):
    """plan.json's tables hold numbers, dates, booleans and keys; each table's text rows match it row for row."""
    from merchant_playbooks.plan import Table

    keys = {"channels": ("channel", "message"), "risks": ("risk",), "kpis": ("kpi", "kind", "how"),
            "mechanics": ("mechanic",), "timeline": ("phase", "action"), "rewards": ("item", "kind"),
            "forecast": ("kpi", "kind"), "sensitivity": ("rate",)}
    for name, cols in keys.items():
        for col in cols:
            assert all(re.fullmatch(r"[a-z0-9_]+", v) for v in sample_plan.tables[name][col]), (name, col)
    assert sample_plan.tables["thresholds"]["chosen"].tolist().count(True) == 1
    with_rows = [b for sec in sample_plan.sections.values() for b in sec.blocks if isinstance(b, Table) and b.rows]
    assert {b.name for b in with_rows} >= {"rewards", "channels", "kpis", "risks", "mechanics", "sensitivity"}
    for b in with_rows:
        assert len(b.rows) == len(sample_plan.tables[b.name]), b.name
        assert all(len(row) == len(b.labels) for row in b.rows), b.name
    econ = sample_plan.tables["rewards"].set_index("item")
    assert econ.loc["liability", "p90"] == sample_plan.kpis["reward_liability"].band.p90  # one source
    html = text_of(section_html(sample_plan, sample_plan.sections["rewards"]))
    liability = sample_plan.kpis["reward_liability"].band
    assert f"¥{liability.p50:,.0f} (¥{liability.p10:,.0f} – ¥{liability.p90:,.0f})" in html  # range in one cell


# ------------------------------------------------------------------ issue 17: a plan that holds together


def whole_html(plan) -> str:
    return cover_html(plan) + "".join(section_html(plan, sec) for sec in plan.ordered_sections())


def test_decision_has_one_chosen_option_within_budget_or_a_reason(sample_plan):
    d = sample_plan.to_dict()["decision"]
    assert [o["chosen"] for o in d["options"]].count(True) == 1
    chosen = next(o for o in d["options"] if o["chosen"])
    assert chosen["mechanic"] == d["chosen"] == sample_plan.data["mechanic"] and chosen["runnable"]
    # the driving school has no budget: its prizes and gifts do not fit, and the plan says so
    assert chosen["within_budget"] is False and d["override_reason"] == "none_within_budget"
    assert "No option fits the budget" in text_of(section_html(sample_plan, sample_plan.sections["decision"]))
    # with money for the prizes the best option within budget runs, no override
    rich = build_plan(params(section(), budget=10_000)).to_dict()["decision"]
    best = next(o for o in rich["options"] if o["chosen"])
    assert best["within_budget"] and rich["override_reason"] is None and best["mechanic"] == rich["best_within_budget"]
    assert best["score"] == max(o["score"] for o in rich["options"] if o["runnable"])


def test_a_mechanic_set_against_the_decision_carries_the_consultants_reason():
    plan = build_plan(params(section(mechanic="voting", mechanic_reason="The merchant's club votes every year"),
                             budget=10_000))
    d = plan.to_dict()["decision"]
    assert d["chosen"] == "voting" and d["override"] == "params"
    assert d["override_reason"] == "The merchant's club votes every year"
    html = text_of(section_html(plan, plan.sections["decision"]))
    assert "because the params set it" in html and "The merchant's club votes every year" in html
    assert "votes" in text_of(section_html(plan, plan.sections["mechanics"]))  # the plan runs what it chose


def test_cost_kpis_are_the_ledgers_and_the_pnl_identities_hold(sample_plan):
    e = sample_plan.to_dict()["economics"]
    a = sample_plan.model.ledger.arrays()
    assert np.allclose(a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"])
    assert np.allclose(a["cash_out"], sample_plan.model.costs["liability"] + sample_plan.model.costs["ranking"]
                       + sample_plan.model.costs["retention"] + sample_plan.model.costs["fixed"])
    per_fan, total = sample_plan.kpis["cost_per_fan"].band, sample_plan.kpis["total_cost"].band
    for p in ("p10", "p50", "p90"):
        assert round(getattr(per_fan, p), 2) == e["cost_per_result"][p]
        assert round(getattr(total, p), 2) == e["cash_out"][p]
    assert e["result"] == "new_follower" and e["revenue"]["p90"] == 0  # the campaign itself sells nothing
    html = text_of(section_html(sample_plan, sample_plan.sections["economics"]))
    assert "sells nothing itself" in html and "—" not in html.split("does not pay back")[-1]


def test_a_fans_value_makes_the_verdict_pay_back_later():
    plan = build_plan(params(section(fan_value=50)))
    assert plan.to_dict()["economics"]["verdict"]["key"] == "pays_back_later"


def test_points_brackets_add_up_to_the_kpis(sample_plan):
    b = sample_plan.tables["points_brackets"]
    assert b.loc[b["qualifies"], "share"].sum() == pytest.approx(sample_plan.kpis["threshold_share"].band.p50)
    assert b["share"].sum() == pytest.approx(1.0)
    assert b["participants"].sum() == pytest.approx(sample_plan.kpis["participants"].band.p50)


@pytest.mark.parametrize("warmup,staff,duration,partners", [(0, 12, 1, 0), (1, 0, 3, 0), (3, 12, 14, 2),
                                                            (7, 12, 30, 5), (20, 0, 60, 1)])
def test_the_timeline_never_has_one_step_three_days_running(warmup, staff, duration, partners):
    s = section(warmup_days=warmup, staff=staff, duration_days=duration, staff_days=min(3, duration),
                partners=tuple({"name": f"P{i}", "audience": 500} for i in range(partners)))
    plan = build_plan(params(s))
    steps = [(e["action"], e.get("partner")) for e in plan.timeline]
    assert len(steps) == warmup + duration + 1
    assert not any(steps[i] == steps[i + 1] == steps[i + 2] for i in range(len(steps) - 2)), steps
    text = text_of(whole_html(plan))
    if not staff:
        assert "staff share first" not in text.lower() and "Staff push" not in text
    if duration < 5:
        assert "three days in a row" not in text
    if duration < 3:
        assert "on day 2" not in text and "two days running" not in text


def test_the_handout_tells_this_merchants_story_and_shares_the_compliant_way(sample_plan):
    text = text_of(whole_html(sample_plan))
    assert "our source" not in text and "(source" not in text and "320,000" not in text  # no other merchant's story
    assert "Moments" not in text.split("Platform rules")[0]  # staff share in-app cards, not links
    assert "own share card" in text  # the rules table's alternative, published as a rule
    links = build_plan(params(section(share_via=("mini_program", "external_link"))))
    rules = text_of(section_html(links, links.sections["mechanics"]))
    assert "own share card" not in rules  # a forbidden use set in params is warned about, never papered over
    assert "Moments" in text_of(section_html(links, links.sections["channels"]))


def test_every_marked_figure_is_plan_json_and_shows_one_value(sample_plan):
    from merchant_playbooks.figref import lookup

    doc = sample_plan.to_dict()
    seen: dict[str, set[str]] = {}
    for value, key, shown in re.findall(r'<data value="([^"]*)" data-key="([^"]+)">([^<]*)</data>',
                                        whole_html(sample_plan)):
        seen.setdefault(key, set()).add(shown)
        expected = lookup(doc, key)
        if expected is None:  # null in plan.json (a table's empty cell), shown "—"
            assert value in ("", "None") and shown == "—", key
        else:
            assert value == (expected if isinstance(expected, str) else repr(expected)), key
    assert {k for k, shown in seen.items() if len(shown) > 1} == set()
    assert {"kpis.new_fans.p50", "decision.best_score", "economics.net.p50", "tables.rewards.4.p50"} <= set(seen)
