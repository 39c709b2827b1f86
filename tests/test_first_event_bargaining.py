"""The bargaining model: exact cut schedules, completion, stock, budget, ranges, determinism."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from merchant_playbooks.first_event_bargaining.model import (
    build_model,
    completion_rate,
    cut_schedule,
    helper_tail,
)
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.first_event_bargaining.schema import Section
from merchant_playbooks.loading import PlaybookParams
from merchant_playbooks.schema import MerchantSection

cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


def section(**kw) -> Section:
    base = {"start_date": date(2026, 12, 1), "original_price": 199, "floor_price": 99, "unit_cost": 60,
            "stock": 300, "simulations": 400}
    return Section(**{**base, **kw})


@settings(max_examples=300, deadline=None)
@given(floor=cents, gap=cents, helpers=st.integers(1, 200), style=st.sampled_from(["decreasing", "random"]),
       seed=st.integers(0, 2**32 - 1))
def test_cuts_sum_to_gap_to_the_cent(floor, gap, helpers, style, seed):
    original = floor + gap
    if gap * 100 < helpers:
        with pytest.raises(ValueError):
            cut_schedule(original, floor, helpers, style, seed)
        return
    cuts = cut_schedule(original, floor, helpers, style, seed)
    assert len(cuts) == helpers
    assert sum(cuts) == original - floor  # exact Decimal arithmetic
    assert all(c >= Decimal("0.01") and c == c.quantize(Decimal("0.01")) for c in cuts)
    assert cuts == sorted(cuts, reverse=True)  # the first helper cuts the most
    assert max(cuts) <= Decimal(4) * (original - floor) / helpers + Decimal("0.01")


def test_decreasing_cuts_shrink_and_random_cuts_depend_on_the_seed():
    cuts = cut_schedule(Decimal("199"), Decimal("99"), 10, "decreasing")
    assert cuts[0] > cuts[-1]
    a = cut_schedule(Decimal("199"), Decimal("99"), 10, "random", seed=1)
    assert a == cut_schedule(Decimal("199"), Decimal("99"), 10, "random", seed=1)
    assert a != cut_schedule(Decimal("199"), Decimal("99"), 10, "random", seed=2)


def test_completion_never_rises_with_more_helpers_needed():
    mean, k = np.array([3.0, 8.0, 15.0]), np.array([0.5, 1.0, 3.0])
    tail = helper_tail(mean, k, 40)
    rates = completion_rate(tail, np.arange(1, 41))
    assert np.all(np.diff(rates, axis=1) <= 1e-12)
    assert np.all((rates >= 0) & (rates <= 1))


def test_completion_matches_the_negative_binomial():
    # mean 8, k 2: P(H >= 8) computed independently from the pmf
    from scipy.stats import nbinom

    p = 2 / (2 + 8)
    expected = 1 - sum(nbinom.pmf(j, 2, p) for j in range(8))
    tail = helper_tail(np.array([8.0]), np.array([2.0]), 10)
    assert completion_rate(tail, 8)[0, 0] == pytest.approx(expected, rel=1e-9)


def test_stock_caps_orders_in_every_draw():
    s = section(stock=5, attempt_rate=[0.2, 0.3], helpers_needed=3)
    m = build_model(s, fans=50_000, budget=Decimal("1000000"))
    assert m.total("orders").max() <= 5 + 1e-9
    assert (m.sim.sold_out_day >= 0).mean() > 0.9


def test_budget_flags_and_best_n_fits_budget():
    s = section(helpers_options=(3, 20))
    m = build_model(s, fans=20_000, budget=Decimal("2000"))
    fits = m.decision[m.decision["within_budget"]]
    assert (fits["cost_p90"] <= 2000).all()
    assert (m.decision[~m.decision["within_budget"]]["cost_p90"] > 2000).all()
    if m.best_n is not None:
        assert m.best_n in set(fits["helpers_needed"])
        assert fits["new_followers_p50"].max() == pytest.approx(
            float(fits.loc[fits["helpers_needed"] == m.best_n, "new_followers_p50"].iloc[0]))
    tiny = build_model(s, fans=20_000, budget=Decimal("1"))
    assert tiny.best_n is None


def test_zero_fans_and_no_external_views_give_zero_activity():
    m = build_model(section(), fans=0, budget=Decimal("0"))
    for metric in ("views", "attempts", "orders", "new_followers"):
        assert m.total(metric).max() == 0


def params(**kw) -> PlaybookParams:
    merchant = MerchantSection(name="Bloom", fans=1200, budget=8000)
    return PlaybookParams("first_event_bargaining", merchant, section(**kw))


def test_plan_ranges_are_ordered_and_finite():
    plan = build_plan(params())
    for kpi in plan.kpis.values():
        b = kpi.band
        assert np.isfinite([b.p10, b.p50, b.p90]).all()
        assert b.p10 <= b.p50 <= b.p90, kpi.key


def test_same_params_and_seed_give_identical_plans():
    assert build_plan(params()).to_dict() == build_plan(params()).to_dict()
    assert build_plan(params(seed=1)).to_dict()["kpis"] != build_plan(params(seed=2)).to_dict()["kpis"]


def test_plan_json_carries_prices_schedule_and_dated_timeline():
    d = build_plan(params(warmup_days=2, duration_days=5)).to_dict()
    assert d["original_price"] == 199 and d["floor_price"] == 99
    assert round(sum(Decimal(str(c)) for c in d["cut_schedule"]), 2) == Decimal("100")
    dates = [row["date"] for row in d["timeline"]]
    assert dates[0] == "2026-11-29" and dates[-1] == "2026-12-05" and len(dates) == 7
    run_day = d["timeline"][2]
    assert set(run_day["new_followers"]) == {"p10", "p50", "p90"}
    for key in ("new_followers", "orders", "cost"):
        assert set(d["kpis"][key]) >= {"p10", "p50", "p90"}


def test_plan_text_follows_the_merchant_language():
    zh = PlaybookParams("first_event_bargaining", MerchantSection(name="花漾", language="zh", fans=800), section())
    plan = build_plan(zh)
    assert plan.sections["mechanics"].title == "玩法与规则"
    assert "砍价" in plan.title


@pytest.mark.parametrize("merchant, kw", [
    ({"name": "Bloom", "fans": 1200}, {}),
    ({"name": "花漾", "language": "zh", "fans": 800}, {"cut_style": "random", "helpers_needed": 25}),
    ({"name": "Bloom", "fans": 1200, "currency": "USD"}, {"helpers_needed": 3, "floor_price": 0}),
    ({"name": "花漾", "language": "zh", "fans": 800, "currency": "USD"},
     {"original_price": "12.34", "floor_price": 10}),
])
def test_the_panels_cut_schedule_spec_is_the_chart_altair_makes(merchant, kw):
    import merchant_playbooks.charts  # noqa: F401 - the theme, as in a notebook
    from merchant_playbooks.first_event_bargaining.charts import chart_cut_schedule, cut_schedule_spec

    for helpers in (kw.get("helpers_needed", 10), 7):  # the second plan reuses the frame the first one wrote
        plan = build_plan(PlaybookParams("first_event_bargaining", MerchantSection(**merchant),
                                         section(**{**kw, "helpers_needed": helpers})))
        spec = cut_schedule_spec(plan).to_dict()
        assert spec == chart_cut_schedule(plan).to_dict()
        assert len(next(iter(spec["datasets"].values()))) == helpers


def _plan_record(plan) -> str:
    """Everything a plan holds as text: plan.json, each table with its dtypes, the sections."""
    import json

    tables = {name: [list(map(str, df.dtypes)), df.to_json(orient="split", date_format="iso", double_precision=15)]
              for name, df in plan.tables.items()}
    return json.dumps([plan.to_dict(), tables, repr(plan.sections)], sort_keys=True, default=str)


def test_a_plan_is_the_same_with_warm_caches_as_with_cold_ones_and_owns_its_tables():
    from merchant_playbooks import compliance
    from merchant_playbooks import charts as shared_charts
    from merchant_playbooks.first_event_bargaining import campaign, compare, figures

    def cold() -> None:
        for cached in (campaign._campaign, campaign._campaign_draws, compare._comparison_draws,
                       figures._channels, figures._risks):
            cached.cache_clear()
        compliance._SECTIONS.clear()
        shared_charts._FRAMES.clear()

    variants = [params(), params(helpers_needed=14), params(stock=20, forced_follow=False),
                params(cut_style="random", start_date=date(2027, 1, 3), warmup_days=0, duration_days=3),
                params(attempt_rate=[0.01, 0.02], seed=3)]
    cold()
    fresh = []
    for p in variants:
        fresh.append(_plan_record(build_plan(p)))
        cold()
    warm = [build_plan(p) for p in variants]  # each after the others: every cache warm
    assert [_plan_record(plan) for plan in reversed([build_plan(p) for p in reversed(variants)])] == fresh
    assert [_plan_record(plan) for plan in warm] == fresh
    # what a plan's owner does to its tables stays in that plan
    for name in ("risks", "channels", "compliance"):
        warm[0].tables[name].iloc[0, 0] = "edited"
    assert _plan_record(build_plan(variants[0])) == fresh[0]
    # the campaign's arrays, shared by plans with the same campaign, cannot be written to
    sim = warm[0].model.sim
    with pytest.raises(ValueError, match="read-only"):
        sim.rates["attempt_rate"][0] = 1.0
    assert not any(a.flags.writeable for a in (*sim.n_bands, sim.daily_bands, *sim.totals.values()))


@pytest.mark.parametrize("kw", [{}, {"forced_follow": False, "warmup_days": 0, "duration_days": 3}])
def test_tables_hold_machine_values_that_the_view_names_in_both_languages(kw):
    """Numbers apart from words: a table's text cells are catalogue keys (en and zh both name them) or
    booleans read as yes / no, and every sentence quoting a figure quotes the figures' own value."""
    from merchant_playbooks import i18n
    from merchant_playbooks.first_event_bargaining.figures import plan_figures
    from merchant_playbooks.plan import Table

    p = params(**kw)
    plan, figures = build_plan(p), plan_figures(p)
    shown = 0
    own = [b for s in plan.sections.values() for b in s.blocks if isinstance(b, Table) and b.name in figures.tables]
    for block in own:  # the playbook's own tables (the spine's platform rules and review have theirs)
        df = plan.tables[block.name]
        for column, kind in block.formats:
            if kind.startswith("key:"):
                missing = [(lang, v) for v in df[column] for lang in ("en", "zh") if not i18n.has(f"{kind[4:]}.{v}", lang)]
                assert not missing, (block.name, column, missing)
                shown += 1
            elif kind == "yesno":
                assert {type(v).__name__ for v in df[column]} <= {"bool", "bool_"}, (block.name, column)
        text = [c for c, _ in block.labels if c not in dict(block.formats) and df[c].map(type).eq(str).any()]
        assert not text, (block.name, text)  # no column of sentences made by the model
    assert shown >= 8  # channels, timeline, comparison, kpis and risks name their keys
    from merchant_playbooks.render import text_out

    from merchant_playbooks.render import range_decimals

    bands = {k: figures.kpis[k].band for k in ("cost", "cost_per_follower")}  # one format across each range
    money = {k: i18n.money(b.p50, "CNY", "en", wan=True, decimals=range_decimals(b.p10, b.p50, b.p90))
             for k, b in bands.items()}
    items = [item for b in plan.sections["rewards"].blocks for item in getattr(b, "items", ())]
    assert not any(m in item for item in items for m in money.values())  # the words hold references, no copies
    rewards = " ".join(text_out(plan, item, html_out=False) for item in items)
    assert money["cost"] in rewards and money["cost_per_follower"] in rewards
