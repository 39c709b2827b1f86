"""The bargaining cases (data/cases/) against the model: they fit, they fit for the right reasons, the
product views given are the event's total (helpers' visits inside it) and a sell-out caps the floor-price
orders without stopping the bargains."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
import yaml
from merchant_playbooks import backtest
from merchant_playbooks.first_event_bargaining.model import build_model
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.first_event_bargaining.schema import Section
from merchant_playbooks.loading import load_params

CASES = sorted(p for p in backtest.CASES_DIR.glob("*.yaml")
               if yaml.safe_load(p.read_text(encoding="utf-8"))["case"]["playbook"] == "first_event_bargaining")
HOUSEHOLD = backtest.CASES_DIR / "household-price-cut.yaml"


def section(**kw) -> Section:
    base = {"start_date": date(2026, 12, 1), "original_price": 199, "floor_price": 99, "unit_cost": 60,
            "stock": 300, "helpers_needed": 8, "simulations": 400}
    return Section(**{**base, **kw})


def variant(tmp_path, changes: dict) -> list[backtest.Row]:
    """The household case with some inputs changed (dotted keys), run through the backtest."""
    doc = yaml.safe_load(HOUSEHOLD.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        head, field = dotted.split(".")
        doc[head][field] = value
    path = tmp_path / HOUSEHOLD.name  # the case id must match the file's name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return backtest.backtest([path])


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_bargaining_case_fits_its_reported_figures(path):
    rows = backtest.backtest([path])
    assert rows and all(r.inside for r in rows), backtest.table(rows)


@pytest.mark.parametrize("changes", [
    {"merchant.fans": 50_000},  # the views are given: the follower count no longer drives them
    {"first_event_bargaining.reach_rate": [0.05, 0.1], "first_event_bargaining.views_per_fan": [4, 6]},
    {"first_event_bargaining.external_views": 100_000},
    {"first_event_bargaining.stock": 20},  # stock caps the orders at the floor, not the bargains
    {"first_event_bargaining.stock": 5_000, "merchant.budget": 300_000},
    {"first_event_bargaining.unit_cost": 80, "first_event_bargaining.fixed_costs": 3_000},
], ids=["fans", "reach", "external_views", "small_stock", "large_stock", "costs"])
def test_inputs_the_outcome_does_not_depend_on_leave_the_fit_alone(tmp_path, changes):
    base = {r.metric: r for r in backtest.backtest([HOUSEHOLD])}
    moved = {r.metric: r for r in variant(tmp_path, changes)}
    for metric, row in base.items():
        assert moved[metric].inside
        assert (moved[metric].p10, moved[metric].p50, moved[metric].p90) == pytest.approx((row.p10, row.p50, row.p90))


def test_an_input_the_outcome_does_depend_on_moves_it(tmp_path):
    # a control for the test above: halving the views halves the bargains, and the fit is lost
    rows = {r.metric: r for r in variant(tmp_path, {"first_event_bargaining.product_views": 120_000})}
    base = {r.metric: r for r in backtest.backtest([HOUSEHOLD])}
    assert rows["attempts"].p50 == pytest.approx(base["attempts"].p50 / 2)
    assert not rows["attempts"].inside


def test_the_product_views_given_are_the_total_with_the_helpers_views_inside():
    s = section(product_views=50_000)
    m = build_model(s, fans=2_000, budget=Decimal(10**6))
    assert np.allclose(m.total("views"), 50_000)  # every draw: no helpers' views on top
    assert m.total("helpers").min() > 0
    daily = m.daily[m.daily["metric"] == "views"]
    assert daily["p50"].sum() == pytest.approx(50_000, rel=0.02)
    # without it the views are the fans' and the helpers' visits come on top of them (a helper's visit is
    # counted the day after the bargain starts, so the last day's helpers fall after the event)
    plain = build_model(section(), fans=2_000, budget=Decimal(10**6))
    seed = 2_000 * plain.sim.rates["reach_rate"] * plain.sim.rates["views_per_fan"]
    assert np.all(plain.total("views") > seed)
    late = plain.sim.daily["helpers"][:, -1]
    assert np.allclose(plain.total("views"), seed + plain.total("helpers") - late)


def test_stock_out_caps_the_floor_orders_but_bargains_run_to_the_end():
    plenty = build_model(section(stock=100_000), fans=20_000, budget=Decimal(10**8))
    scarce = build_model(section(stock=5), fans=20_000, budget=Decimal(10**8))
    assert (scarce.sim.sold_out_day >= 0).mean() > 0.9 and scarce.total("orders").max() <= 5 + 1e-9
    for metric in ("views", "attempts", "helpers", "completions", "new_followers"):
        assert np.allclose(scarce.total(metric), plenty.total(metric))  # no tenfold fall after the sell-out
    wanted = plenty.total("orders")
    assert np.allclose(scarce.total("unfilled_orders"), wanted - scarce.total("orders"))
    last_day = scarce.daily[(scarce.daily["metric"] == "attempts") & (scarce.daily["day"] == 15)]["p50"].iloc[0]
    assert last_day > 0 and last_day == pytest.approx(
        plenty.daily[(plenty.daily["metric"] == "attempts") & (plenty.daily["day"] == 15)]["p50"].iloc[0])


def test_a_merchant_who_closes_at_the_sell_out_stops_the_bargains_that_day():
    runs = build_model(section(stock=5), fans=20_000, budget=Decimal(10**8))
    closes = build_model(section(stock=5, close_when_sold_out=True), fans=20_000, budget=Decimal(10**8))
    assert np.allclose(closes.total("orders"), runs.total("orders"))  # the same five items are sold
    assert np.all(closes.total("attempts") <= runs.total("attempts") + 1e-9)
    assert np.median(closes.total("attempts")) < np.median(runs.total("attempts"))
    attempts = closes.sim.daily["attempts"]
    sold = closes.sim.sold_out_day
    for draw in np.flatnonzero(sold >= 0)[:50]:
        assert np.all(attempts[draw, sold[draw] + 1 :] == 0)


def test_the_plan_says_how_the_stock_closes_the_event():
    mp = load_params(HOUSEHOLD).for_playbook("first_event_bargaining")
    plan = build_plan(mp)
    assert plan.data["stock_rule"] == "runs_to_end" and plan.data["views_given"]
    assert "unfilled_orders" in plan.kpis and plan.kpis["unfilled_orders"].band.p50 > 0
    closing = dataclasses.replace(mp, section=mp.section.model_copy(update={"close_when_sold_out": True}))
    assert build_plan(closing).data["stock_rule"] == "closes_when_sold_out"
