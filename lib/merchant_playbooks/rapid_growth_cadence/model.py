"""The cadence model: validated params → plain data (`CadenceModel`), no words.

The parts, by job:
- `targets`: the year's days, each day's expected weight and exact splits (targets add up to the unit);
- `simulation`: the seeded Monte Carlo of daily sales and its caches, read as P10/P50/P90;
- `stock`: each event's products, units sold, stock to hold (P90) and price cuts given away;
- here: premium and caps, the year's schedule (cached), and `build_model`, which puts them together:
  the year's forecast, each month's and each event's targets and ranges.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..montecarlo import Band
from . import calendar as cal
from .products import ScoredCatalogue, scored_catalogue
from .schema import Section
from .simulation import Simulation, bands, row_sums, simulate
from .stock import LadderFrames, ladder_stock, pick_products, units_sold
from .targets import (
    day_profile,
    month_slices,
    sale_slice,
    season_weights,
    split_all,
    split_exact,
    year_days,
)

GOALS = ("sales", "traffic", "products", "members")
MASS_CAPS = (2, 10)  # discount events per month, per year
PREMIUM_CAPS = (1, 5)  # source 003: a mid-to-high-end shop should not discount often


@dataclass
class CadenceModel:
    year: int
    premium: bool
    average_order_value: Decimal
    unit_price: float  # the catalogue's sales-weighted price
    month_cap: int
    year_cap: int
    events: list[cal.Event]
    weekly: list[tuple[date, str]]
    catalogue: ScoredCatalogue
    ladders: Mapping[str, pd.DataFrame]  # event key → its products with prices, units and stock
    annual: dict[str, Band]  # forecast of each sub-goal
    reach: dict[str, float]  # P(forecast ≥ target)
    discount_cost: Band  # price cuts given away on ladder products, all discount events
    fixed_cost: Decimal
    holidays: dict[date, str] = field(default_factory=dict)
    sim: Simulation | None = None  # the daily sales draws (the review's plan band)
    ladder_columns: dict[str, dict[str, list]] = field(default_factory=dict)  # `ladders` as plain columns
    event_rows: dict[str, dict] = field(default_factory=dict)  # `event_table` as plain rows, by event key
    monthly_rows: list[dict] = field(default_factory=list)  # `monthly` as plain rows
    ranked_products: tuple = ()  # `products` as read-only rows, best potential score first
    potential_skus: list[str] = field(default_factory=list)  # the potential products, in catalogue order
    daily_columns: dict[str, list | np.ndarray] = field(default_factory=dict)  # `daily_targets` as columns
    #: the year's money per draw (the P&L reads them): sales, everyday sales without the calendar
    #: (`baseline`), price cuts given away (`markdown`)
    draws: dict[str, np.ndarray] = field(default_factory=dict)

    # The tables as DataFrames, made when first asked for: the plan reads the plain rows above
    # (pandas costs more per small frame than the model's arithmetic; the live panel notices).

    @functools.cached_property
    def products(self) -> pd.DataFrame:
        """The scored catalogue."""
        return self.catalogue.frame()

    @functools.cached_property
    def daily_targets(self) -> pd.DataFrame:
        """date, month, sales, traffic, products, members."""
        return pd.DataFrame(self.daily_columns)

    @functools.cached_property
    def monthly(self) -> pd.DataFrame:
        """month, the four targets, forecast p10/p50/p90 of sales."""
        return pd.DataFrame(self.monthly_rows)

    @functools.cached_property
    def event_table(self) -> pd.DataFrame:
        """One row per event: dates, discount, targets, forecast, stock, cost."""
        return pd.DataFrame(list(self.event_rows.values()))

    @property
    def discount_events(self) -> list[cal.Event]:
        return [e for e in self.events if e.discount]


def resolve_premium(s: Section, aov: Decimal) -> bool:
    return s.premium if s.premium is not None else aov >= s.premium_threshold


def caps(s: Section, premium: bool) -> tuple[int, int]:
    month, year = PREMIUM_CAPS if premium else MASS_CAPS
    return (s.max_discount_events_per_month if s.max_discount_events_per_month is not None else month,
            s.max_discount_events_per_year if s.max_discount_events_per_year is not None else year)


# Section fields the calendar never reads: a change to one of them (a rate, a price cut, the
# targets) keeps the year's schedule, so it is reused; any other field (including one added
# later) is part of the key
_NOT_SCHEDULE = frozenset({
    "targets", "catalogue", "weekly_activities", "monthly_themes", "premium", "average_order_value",
    "items_per_order", "premium_threshold", "potential_weights", "ladder_size", "draw_discount", "value_discount",
    "min_value_margin", "ladder_share", "baseline_growth", "weekly_lift", "theme_lift_share", "execution",
    "conversion_rate", "new_member_rate", "fixed_cost_per_event", "actuals", "seed", "simulations"})
_SCHEDULES: OrderedDict[str, tuple[cal.Event, ...]] = OrderedDict()
_SCHEDULES_KEPT = 32


def schedule_events(s: Section, premium: bool) -> list[cal.Event]:
    """The year's events, with the discount ones chosen within the caps and kept apart.

    Events are frozen, so a schedule made before for the same calendar fields is handed out again.
    """
    key = repr((premium, s.model_dump(exclude=set(_NOT_SCHEDULE))))
    events = _SCHEDULES.get(key)
    if events is None:
        events = _SCHEDULES[key] = tuple(_schedule_events(s, premium))
        if len(_SCHEDULES) > _SCHEDULES_KEPT:
            _SCHEDULES.popitem(last=False)
    else:
        _SCHEDULES.move_to_end(key)
    return list(events)


def _schedule_events(s: Section, premium: bool) -> list[cal.Event]:
    days = year_days(s.year)
    season = season_weights(s, days)
    index = {d: i for i, d in enumerate(days)}
    month_cap, year_cap = caps(s, premium)
    return cal.schedule(cal.candidate_events(s, premium), lambda d: season[index[d]] if d in index else 1.0,
                        month_cap, year_cap, s.min_days_between_discounts)



def build_model(s: Section, monthly_sales: Decimal, catalogue_path: Path, catalogue_shown: str | None = None
                ) -> CadenceModel:
    catalogue = scored_catalogue(catalogue_path, catalogue_shown, dict(s.potential_weights), s.catalogue_format)
    unit_price = catalogue.unit_price
    aov = s.average_order_value or max(Decimal(str(round(unit_price * s.items_per_order, 2))), Decimal("0.01"))
    premium = resolve_premium(s, aov)
    month_cap, year_cap = caps(s, premium)
    days = year_days(s.year)
    events = schedule_events(s, premium)
    weekly = cal.weekly_days(s, events)

    # -- targets: days by the expected profile, then summed into months and events (exact to the unit)
    profile = day_profile(s, days, events, weekly)
    targets = dict(zip(GOALS, split_all([getattr(s.targets, g) for g in GOALS], profile), strict=True))

    # -- forecast
    run_rate = float(monthly_sales) if monthly_sales > 0 else catalogue.sales_value
    sim = simulate(s, days, events, weekly, run_rate * 12 / len(days))
    totals = _goal_draws(s, days, events, sim, aov, unit_price)
    reach = {g: float(np.mean(totals[g] >= getattr(s.targets, g))) for g in GOALS}
    by_day = np.ascontiguousarray(sim.sales.T)
    slices = month_slices(s.year)
    month_sums = [row_sums(by_day, cols) for _, cols in slices]
    monthly_rows = [{"month": m, **{g: int(targets[g][cols].sum()) for g in GOALS}} for m, cols in slices]

    # -- events: products, stock, targets and forecasts (the draws of every event read at once)
    event_sales, ladder_columns, markdowns, cost_draws = _event_draws(s, catalogue, days, events, sim, by_day)
    # each event's median price cuts, in one call (column by column, the same medians)
    markdown_p50 = np.median(np.column_stack(markdowns), axis=0).tolist() if events else []
    # and every forecast range in one percentile call: the four goals, the months, the events, the cuts
    ranges = bands(np.column_stack([*(totals[g] for g in GOALS), *month_sums, *event_sales, cost_draws]))
    annual = {g: Band(**b) for g, b in zip(GOALS, ranges[:4], strict=True)}
    for row, band in zip(monthly_rows, ranges[4:16], strict=True):
        row.update({f"sales_{p}": band[p] for p in ("p10", "p50", "p90")})
    rows = _event_rows(days, events, targets, ranges[16:16 + len(events)], markdown_p50, ladder_columns)
    fixed = s.fixed_cost_per_event * sum(1 for e in events if e.discount)
    return CadenceModel(
        year=s.year, premium=premium, average_order_value=aov, unit_price=unit_price, month_cap=month_cap,
        year_cap=year_cap, events=events, weekly=weekly, catalogue=catalogue, ladders=LadderFrames(ladder_columns),
        annual=annual, reach=reach,
        discount_cost=Band(**ranges[-1]), fixed_cost=fixed, holidays=cal.public_holidays(s.year),
        sim=sim, ladder_columns=ladder_columns, event_rows={r["key"]: r for r in rows}, monthly_rows=monthly_rows,
        ranked_products=catalogue.ranked, potential_skus=list(catalogue.potential),
        daily_columns={"date": days, "month": [d.month for d in days], **targets},
        draws={"sales": totals["sales"], "baseline": sim.baseline, "markdown": cost_draws},
    )


def _goal_draws(s: Section, days: list[date], events: list[cal.Event], sim: Simulation, aov: Decimal,
                unit_price: float) -> dict[str, np.ndarray]:
    """Each draw's year total of the four sub-goals: sales, visits, units sold and new members."""
    orders = (sim.sales / float(aov)).sum(axis=1)
    cut = s.ladder_share.centre * (s.draw_discount + s.value_discount) / 3  # average price cut on a discount day
    discount_day = np.zeros(len(days))
    for e in events:
        if e.discount:
            discount_day[sale_slice(days, e)] = 1.0
    units_daily = sim.sales / (unit_price * (1 - cut * discount_day))[None, :]
    return {
        "sales": sim.sales.sum(axis=1),
        "traffic": orders / sim.rates["conversion_rate"],
        "products": units_daily.sum(axis=1),
        "members": orders * sim.rates["new_member_rate"],
    }


def _event_draws(s: Section, catalogue: ScoredCatalogue, days: list[date], events: list[cal.Event],
                 sim: Simulation, by_day: np.ndarray) -> tuple[list, dict[str, dict[str, list]], list, np.ndarray]:
    """Each event's sales draws, its ladder (products, units, stock) as columns, each draw's price cuts
    per event and over all events."""
    event_sales, event_units = [], []
    picks = pick_products(catalogue, s, events)
    for e, picked in zip(events, picks, strict=True):
        ev_sales = row_sums(by_day, sale_slice(days, e))
        # a full ladder (three steps) takes `ladder_share` of the event's sales; a theme event's
        # smaller showcase takes its proportion of that
        share = sim.rates["ladder_share"] * min(1.0, len(picked) / (3 * s.ladder_size))
        event_sales.append(ev_sales)
        event_units.append(units_sold(picked, ev_sales, share))
    widths = [u.shape[1] for u in event_units]
    p50, p90 = (np.percentile(np.hstack(event_units), [50, 90], axis=0) if sum(widths)
                else (np.zeros(0), np.zeros(0)))
    ladder_columns: dict[str, dict[str, list]] = {}
    cost_draws = np.zeros(s.simulations)
    start, markdowns = 0, []
    for e, picked, units in zip(events, picks, event_units, strict=True):
        stop = start + units.shape[1]
        columns, markdown = ladder_stock(picked, units, p50[start:stop], p90[start:stop])
        start = stop
        ladder_columns[e.key] = columns
        cost_draws += markdown
        markdowns.append(markdown)
    return event_sales, ladder_columns, markdowns, cost_draws


def _event_rows(days: list[date], events: list[cal.Event], targets: dict[str, np.ndarray], ev_bands: list[dict],
                markdown_p50: list[float], ladder_columns: dict[str, dict[str, list]]) -> list[dict]:
    """One row per event: dates, discount, targets, forecast, stock, cost."""
    rows = []
    for e, band, cut_p50 in zip(events, ev_bands, markdown_p50, strict=True):
        columns = ladder_columns[e.key]
        idx = sale_slice(days, e)
        rows.append({
            "key": e.key, "kind": e.kind, "date": e.day, "sale_start": e.sale_start, "sale_end": e.sale_end,
            "warmup_start": e.warmup_start, "sale_days": e.sale_days, "discount": e.discount,
            "schemes": list(e.schemes), "note": e.note, "note_other": e.note_other,
            "priority": e.priority,
            **{f"target_{g}": int(targets[g][idx].sum()) for g in GOALS},
            "sales_p10": band["p10"], "sales_p50": band["p50"], "sales_p90": band["p90"],
            "markdown_p50": cut_p50,
            "stock_units": int(sum(columns["stock_needed"])) if columns else 0,
            "ladder_products": len(columns["sku"]) if columns else 0,
            "stockout_products": sum(1 for r in columns["stockout_risk"] if r > 0.1) if columns else 0,
        })
    return rows


__all__ = ["GOALS", "CadenceModel", "build_model", "caps", "resolve_premium", "schedule_events", "split_exact",
           "year_days"]
