"""What the activity calendar reviews after (part of) the year, and which rates it re-estimates.

The actuals CSV (`actuals:` in the section) has a `date` column and any of the
model's daily metrics — the funnel, in order:

    traffic (shop visits) → orders → sales (money), new_members ← orders

A year plan is reviewed as it goes: the file may hold only the first months.
The review then covers the year up to the last day reported (`so_far`): the goal
is the sales planned until then; days not reported before it are listed and
left out of the totals. The table and the
chart go month by month (`period="month"`), not 365 rows.

The plan's daily band comes from the model's daily sales draws (`model.sim`):
orders are sales / average order value, traffic is orders / conversion rate,
new members are orders × new-member rate, each draw with its own rates.

Rates re-estimated (see `review.RateRule`): `conversion_rate` ← orders / traffic;
`new_member_rate` ← new_members / orders.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd

from .. import review
from ..loading import PlaybookParams, display_path
from ..plan import Plan
from .model import year_days

NS = "rapid_growth_cadence"

METRICS = (
    review.Metric("traffic"),
    review.Metric("orders", ("traffic",)),
    review.Metric("sales", ("orders",), kind="money"),
    review.Metric("new_members", ("orders",)),
)


def full_spec(plan: Plan, params: PlaybookParams) -> review.ReviewSpec:
    """The calendar's review of the whole year: its funnel, goal (the year's sales) and the two rates it
    re-estimates."""
    s, model = params.section, plan.model
    sales = model.sim.sales  # (draws, days)
    orders = sales / float(model.average_order_value)
    rates = model.sim.rates
    daily = review.daily_band({
        "traffic": orders / rates["conversion_rate"][:, None],
        "orders": orders,
        "sales": sales,
        "new_members": orders * rates["new_member_rate"][:, None],
    }, year_days(s.year))
    return review.ReviewSpec(
        section=NS,
        metrics=METRICS,
        daily=daily,
        ranges={"conversion_rate": s.conversion_rate, "new_member_rate": s.new_member_rate},
        rates=(
            review.RateRule("conversion_rate", "orders"),
            review.RateRule("new_member_rate", "new_members"),
        ),
        goal="sales",
        goal_target=plan.kpis["sales"].band.p50,
        chart=("traffic", "orders", "sales", "new_members"),
        checklist={"channels": ("traffic",), "process": ("orders",), "customer_experience": ("new_members",)},
        period="month",
    )


def so_far(s: review.ReviewSpec, last: date, reported: frozenset[date] | None = None) -> review.ReviewSpec:
    """The spec of the year up to `last`: the plan's days until then, and the sales they were to bring
    on the days `reported` (all of them without the set): the plan the review's table compares with."""
    days = pd.to_datetime(s.daily["date"]).dt.date
    band = s.daily[days <= last]
    counted = band["metric"] == "sales"
    if reported is not None:
        counted &= days[band.index].isin(reported)
    return dataclasses.replace(s, daily=band, goal_target=float(band.loc[counted, "p50"].sum()))


def spec(plan: Plan, params: PlaybookParams) -> review.ReviewSpec:
    """The review the spine adds: the year up to the last day the actuals file reports (the whole
    year without a file). The goal is the plan's sales up to then, not the whole year's (days left
    out before it are still listed by the review)."""
    full = full_spec(plan, params)
    if not params.section.actuals:
        return full
    path = params.data_path(params.section.actuals)
    days = sorted(review.plan_band(full.daily)["date"].unique())
    seen = review.read_actuals(path, tuple(m.key for m in METRICS), days[0], days[-1], display_path(path)).table.index
    reported = frozenset(pd.to_datetime(pd.Index(seen)).date) if len(seen) else None
    return so_far(full, max(seen) if len(seen) else days[-1], reported)


__all__ = ["METRICS", "full_spec", "so_far", "spec"]
