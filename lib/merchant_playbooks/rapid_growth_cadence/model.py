"""The cadence model: pure functions of validated params → plain data.

- `split_exact`: an integer total split by weights with largest remainders, so parts add up to the unit;
- `day_profile`: a normal day's expected weight (seasonality × growth × weekly activity × event lift);
- targets: each sub-goal split into days by the profile, then summed into months and events (exact);
- `simulate`: seeded Monte Carlo of daily sales (growth, weekly lift, each event's lift and execution),
  read as P10/P50/P90 for the year, each month and each event, then traffic, units and members;
- stock: each event's sales range shared over its price-ladder products, P90 units as the stock to hold.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..montecarlo import Band, draw, generator
from . import calendar as cal
from .products import (
    ROLE_WEIGHT,
    ScoredCatalogue,
    featured_products,
    price_ladder,
    scored_catalogue,
)
from .schema import Section

GOALS = ("sales", "traffic", "products", "members")
MASS_CAPS = (2, 10)  # discount events per month, per year
PREMIUM_CAPS = (1, 5)  # source 003: a mid-to-high-end shop should not discount often


def split_exact(total: int, weights: np.ndarray | list[float]) -> np.ndarray:
    """Split a whole number by weights into whole parts that add up to it exactly (largest remainder).

    Weights are scaled to integers first so the arithmetic is exact; ties in the
    remainders go to the earlier part, so the split is deterministic.
    """
    return split_all([total], weights)[0]


def split_all(totals: list[int], weights: np.ndarray | list[float]) -> list[np.ndarray]:
    """`split_exact` of each total by the same weights (the weights scaled once)."""
    w = np.asarray(weights, dtype=float)
    if any(t < 0 for t in totals) or (w < 0).any() or w.sum() <= 0:
        raise ValueError("need a non-negative total and non-negative weights that are not all zero")
    iw = [round(float(x) * 1e12) for x in w / w.max()]  # the largest weight becomes 10^12
    denom = sum(iw)
    out = []
    for total in totals:
        if total * max(iw) < 2**63:  # the products fit numpy's integers: the same exact arithmetic, faster
            scaled = total * np.array(iw, dtype=np.int64)
            base, rem = (scaled // denom).tolist(), (scaled % denom).tolist()
        else:
            base = [total * x // denom for x in iw]
            rem = [total * x % denom for x in iw]
        left = total - sum(base)
        if denom < 2**62:  # remainders fit numpy's integers: a stable sort puts ties in order
            order = np.argsort(-np.array(rem, dtype=np.int64), kind="stable")[:left].tolist()
        else:
            order = sorted(range(len(iw)), key=lambda i: (-rem[i], i))[:left]
        for i in order:
            base[i] += 1
        out.append(np.array(base, dtype=np.int64))
    return out


def year_days(year: int) -> list[date]:
    return list(_year_days(year))


@functools.lru_cache(maxsize=8)
def _year_days(year: int) -> tuple[date, ...]:
    d, out = date(year, 1, 1), []
    while d.year == year:
        out.append(d)
        d += timedelta(days=1)
    return tuple(out)


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


def season_weights(s: Section, days: list[date]) -> np.ndarray:
    """Each day's month weight, scaled so a day of the year averages 1 (read-only: it is cached)."""
    return _season_weights(tuple(s.month_weights), tuple(days))


@functools.lru_cache(maxsize=8)
def _season_weights(weights: tuple[float, ...], days: tuple[date, ...]) -> np.ndarray:
    w = np.array([weights[d.month - 1] for d in days], dtype=float)
    out = w / w.mean()
    out.setflags(write=False)
    return out


def event_lift(e: cal.Event, theme_share: float, lift: float | np.ndarray) -> float | np.ndarray:
    return lift if e.discount else lift * theme_share


def day_profile(s: Section, days: list[date], events: list[cal.Event], weekly: list[tuple[date, str]]) -> np.ndarray:
    """A day's expected weight at the centre of every range: what targets are split by."""
    n = len(days)
    ramp = (1 + s.baseline_growth.centre) ** (np.arange(n) / max(n - 1, 1))
    weekly_on = _weekly_mask(days, weekly)
    lift = np.zeros(n)
    for e in events:
        idx = _index(days, e)
        lift[idx] = np.maximum(lift[idx], event_lift(e, s.theme_lift_share, e.lift[0] / 2 + e.lift[1] / 2)
                               * s.execution.centre)
    return season_weights(s, days) * ramp * (1 + s.weekly_lift.centre * weekly_on) * (1 + lift)


def _weekly_mask(days: list[date], weekly: list[tuple[date, str]]) -> np.ndarray:
    on = {d for d, _ in weekly}
    return np.array([d in on for d in days], dtype=float)


def _index(days: list[date], e: cal.Event) -> slice:
    """The event's sale days as positions in `days` (a sale is consecutive days; days outside the year left out)."""
    n = len(days)
    start = min(max((e.sale_start - days[0]).days, 0), n)
    return slice(start, max(min((e.sale_end - days[0]).days + 1, n), start))


@dataclass
class Simulation:
    sales: np.ndarray  # (draws, days)
    rates: dict[str, np.ndarray]  # conversion_rate, new_member_rate, ladder_share: (draws,)


def simulate(s: Section, days: list[date], events: list[cal.Event], weekly: list[tuple[date, str]],
             start_daily: float) -> Simulation:
    """Daily sales per draw: the everyday run-rate grown over the year, lifted by weekly days and events."""
    rng = _Replay(s.seed, s.simulations)
    n, sims = len(days), s.simulations
    growth = draw(rng, s.baseline_growth, sims)
    weekly_lift = draw(rng, s.weekly_lift, sims)
    rates = {name: draw(rng, getattr(s, name), sims) for name in ("conversion_rate", "ladder_share",
                                                                   "new_member_rate")}
    ramp = _ramp(growth, n)
    lifts = []
    for e in events:  # fixed (date) order: results depend only on the seed
        lo, hi = e.lift
        realised = event_lift(e, s.theme_lift_share, draw(rng, _span(lo, hi), sims) * draw(rng, s.execution, sims))
        lifts.append((_index(days, e), realised))
    # start × season × ramp × (1 + weekly lift) × (1 + event lift), multiplied in that order. A day
    # without a weekly activity or an event is multiplied by exactly 1, which changes nothing, so
    # only the days that have one are multiplied (in place, by the same factors as ever)
    sales = (start_daily * season_weights(s, days))[None, :] * ramp
    weekly_on = np.flatnonzero(_weekly_mask(days, weekly))
    if len(weekly_on):
        sales[:, weekly_on] *= (1 + weekly_lift)[:, None]
    for cols, covering in _segments(lifts):
        # overlapping events: the larger lift counts (lifts are never negative, so the max over
        # the events covering these days is the max the day had, from 0, event by event)
        lift = covering[0] if len(covering) == 1 else np.maximum.reduce(covering)
        sales[:, cols] *= (1 + lift)[:, None]
    return Simulation(sales, rates)


def _segments(lifts: list[tuple[slice, np.ndarray]]) -> list[tuple[slice, list[np.ndarray]]]:
    """Runs of days covered by the same events, with those events' lift draws."""
    bounds = sorted({b for cols, _ in lifts if cols.stop > cols.start for b in (cols.start, cols.stop)})
    out = []
    for lo, hi in itertools.pairwise(bounds):
        covering = [lift for cols, lift in lifts if cols.start <= lo and hi <= cols.stop]
        if covering:
            out.append((slice(lo, hi), covering))
    return out


# ---- what the Monte Carlo repeats from one lever move to the next, computed once
#
# Every draw is `montecarlo.draw` over `rng.beta(3, 3, size=simulations)` from the seed's
# generator, in a fixed order; a lever changes the ranges the draws are stretched over, not the
# Beta draws themselves. So the seed's stream of Beta draws is kept (`_Replay` hands them out
# again in the same order, `draw` stretches them exactly as before), and so is the growth ramp,
# the costliest array (a power per draw and day), keyed on the growth draws themselves.

_STREAM_CACHE = 4  # (seed, simulations) streams kept
_STREAM_MAX_DRAWS = 10_000  # ... for at most this many simulations
_RAMP_CACHE = 3  # ramps kept: a (simulations x days) array each
_RAMP_CACHE_MAX = 4_000_000  # ... of at most this many numbers (32 MB; 10,000 draws); bigger ones are not kept


class _Stream:
    """One seed's Beta draws, in the order the generator made them; each array read-only."""

    def __init__(self, seed: int) -> None:
        self.rng = generator(seed)
        self.draws: list[tuple[tuple, np.ndarray]] = []

    def get(self, i: int, a: float, b: float, size: int) -> np.ndarray:
        while len(self.draws) <= i:
            arr = self.rng.beta(a, b, size=size)
            arr.setflags(write=False)
            self.draws.append(((a, b, size), arr))
        shape, arr = self.draws[i]
        if shape != (a, b, size):  # never: every draw has the same shape; a new stream otherwise
            raise ValueError(f"draw {i} was {shape}, asked {(a, b, size)}")
        return arr


@functools.lru_cache(maxsize=_STREAM_CACHE)
def _stream(seed: int, simulations: int) -> _Stream:
    return _Stream(seed)


class _Replay:
    """Stands for `generator(seed)` in `montecarlo.draw`: the same Beta draws, in the same order."""

    def __init__(self, seed: int, simulations: int) -> None:
        # a stream is kept only for counts a live panel or a normal plan runs (memory: 8 bytes a draw)
        self.stream = _stream(seed, simulations) if simulations <= _STREAM_MAX_DRAWS else _Stream(seed)
        self.next = 0

    def beta(self, a: float, b: float, size: int) -> np.ndarray:
        arr = self.stream.get(self.next, a, b, size)
        self.next += 1
        return arr


_RAMPS: OrderedDict[tuple[bytes, int], np.ndarray] = OrderedDict()


def _ramp(growth: np.ndarray, n: int) -> np.ndarray:
    """Each draw's everyday growth over the year, day by day (read-only: it is cached)."""
    key = (growth.tobytes(), n)
    ramp = _RAMPS.get(key)
    if ramp is None:
        ramp = (1 + growth[:, None]) ** (np.arange(n)[None, :] / max(n - 1, 1))
        ramp.setflags(write=False)
        if ramp.size > _RAMP_CACHE_MAX:
            return ramp
        _RAMPS[key] = ramp
        if len(_RAMPS) > _RAMP_CACHE:
            _RAMPS.popitem(last=False)
    else:
        _RAMPS.move_to_end(key)
    return ramp


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


@dataclass(frozen=True)
class _Span:
    """An event's lift range as `montecarlo.draw` reads it (low, high), without a schema check per event."""

    low: float
    high: float


def _span(lo: float, hi: float) -> _Span:
    return _Span(float(lo), float(hi))


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
    orders = (sim.sales / float(aov)).sum(axis=1)
    cut = s.ladder_share.centre * (s.draw_discount + s.value_discount) / 3  # average price cut on a discount day
    discount_day = np.zeros(len(days))
    for e in events:
        if e.discount:
            discount_day[_index(days, e)] = 1.0
    units_daily = sim.sales / (unit_price * (1 - cut * discount_day))[None, :]
    totals = {
        "sales": sim.sales.sum(axis=1),
        "traffic": orders / sim.rates["conversion_rate"],
        "products": units_daily.sum(axis=1),
        "members": orders * sim.rates["new_member_rate"],
    }
    reach = {g: float(np.mean(totals[g] >= getattr(s.targets, g))) for g in GOALS}

    by_day = np.ascontiguousarray(sim.sales.T)
    month_slices = _month_slices(s.year)
    month_sums = [_row_sums(by_day, cols) for _, cols in month_slices]
    monthly_rows = [{"month": m, **{g: int(targets[g][cols].sum()) for g in GOALS}} for m, cols in month_slices]

    # -- events: products, stock, targets and forecasts (the draws of every event read at once)
    event_sales, event_units = [], []
    picks = _pick_products(catalogue, s, events)
    for e, picked in zip(events, picks, strict=True):
        ev_sales = _row_sums(by_day, _index(days, e))
        # a full ladder (three steps) takes `ladder_share` of the event's sales; a theme event's
        # smaller showcase takes its proportion of that
        share = sim.rates["ladder_share"] * min(1.0, len(picked) / (3 * s.ladder_size))
        event_sales.append(ev_sales)
        event_units.append(_units(picked, ev_sales, share))
    widths = [u.shape[1] for u in event_units]
    p50, p90 = (np.percentile(np.hstack(event_units), [50, 90], axis=0) if sum(widths)
                else (np.zeros(0), np.zeros(0)))
    ladder_columns: dict[str, dict[str, list]] = {}
    rows = []
    cost_draws = np.zeros(s.simulations)
    start, markdowns = 0, []
    for e, picked, units in zip(events, picks, event_units, strict=True):
        stop = start + units.shape[1]
        columns, markdown = _stock(picked, units, p50[start:stop], p90[start:stop])
        start = stop
        ladder_columns[e.key] = columns
        cost_draws += markdown
        markdowns.append(markdown)
    # each event's median price cuts, in one call (column by column, the same medians)
    markdown_p50 = np.median(np.column_stack(markdowns), axis=0).tolist() if events else []
    # and every forecast range in one percentile call: the four goals, the months, the events, the cuts
    bands = _bands(np.column_stack([*(totals[g] for g in GOALS), *month_sums, *event_sales, cost_draws]))
    annual = {g: Band(**b) for g, b in zip(GOALS, bands[:4], strict=True)}
    for row, band in zip(monthly_rows, bands[4:16], strict=True):
        row.update({f"sales_{p}": band[p] for p in ("p10", "p50", "p90")})
    ev_bands = bands[16:16 + len(events)]
    for e, band, cut_p50 in zip(events, ev_bands, markdown_p50, strict=True):
        columns = ladder_columns[e.key]
        idx = _index(days, e)
        rows.append({
            "key": e.key, "kind": e.kind, "date": e.day, "sale_start": e.sale_start, "sale_end": e.sale_end,
            "warmup_start": e.warmup_start, "sale_days": e.sale_days, "discount": e.discount,
            "schemes": list(e.schemes), "note": e.note, "note_other": e.note_other,
            "priority": e.priority,
            **{f"target_{g}": int(targets[g][idx].sum()) for g in GOALS},
            "sales_p10": band["p10"], "sales_p50": band["p50"], "sales_p90": band["p90"],
            "markdown_p50": cut_p50,
            "stock_units": int(sum(columns["stock_needed"])) if columns else 0,
            "stockout_products": sum(1 for r in columns["stockout_risk"] if r > 0.1) if columns else 0,
        })
    fixed = s.fixed_cost_per_event * sum(1 for e in events if e.discount)
    return CadenceModel(
        year=s.year, premium=premium, average_order_value=aov, unit_price=unit_price, month_cap=month_cap,
        year_cap=year_cap, events=events, weekly=weekly, catalogue=catalogue, ladders=LadderFrames(ladder_columns),
        annual=annual, reach=reach,
        discount_cost=Band(**bands[-1]), fixed_cost=fixed, holidays=cal.public_holidays(s.year),
        sim=sim, ladder_columns=ladder_columns, event_rows={r["key"]: r for r in rows}, monthly_rows=monthly_rows,
        ranked_products=catalogue.ranked, potential_skus=list(catalogue.potential),
        daily_columns={"date": days, "month": [d.month for d in days], **targets},
    )


def _row_sums(by_day: np.ndarray, days: slice) -> np.ndarray:
    """Each draw's total over `days`, from the draws laid out day by day (`sales.T`, contiguous).

    numpy adds those rows one day after another, the order it always added a block of days
    picked out of `sales` by index (a column-ordered copy); summing a strided view of `sales`
    instead would add in another order and move the last digit (tests/test_rapid_growth_cadence.py
    compares the plan with one made without any of these shortcuts).
    """
    return by_day[days].sum(axis=0)


class LadderFrames(Mapping):
    """Each event's ladder as a DataFrame, made when first asked for: the plan itself reads the
    plain `ladder_columns` (a frame per event costs more than the rest of an event's numbers)."""

    def __init__(self, columns: dict[str, dict[str, list]]) -> None:
        self._columns = columns
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._frames:
            cols = self._columns[key]
            self._frames[key] = pd.DataFrame(cols) if cols else pd.DataFrame([])
        return self._frames[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def frames(columns: dict[str, dict[str, list]]) -> dict[str, pd.DataFrame]:
    """`{key: pd.DataFrame(cols)}` for tables with the same columns, built as one frame and cut apart.

    Pandas spends a fixed fraction of a millisecond per frame and column, so a dozen
    nine-row ladders cost much more apart than together. Each column holds values of one
    kind across tables (a ladder's stock comes from the catalogue's one stock column), so
    each part gets the type it would get alone; empty tables are left out.
    """
    keys = [k for k, cols in columns.items() if cols]
    if not keys:
        return {}
    names = list(columns[keys[0]])
    whole = pd.DataFrame({n: [v for k in keys for v in columns[k][n]] for n in names})
    out, start = {}, 0
    for k in keys:
        stop = start + len(columns[k][names[0]])
        part = whole.iloc[start:stop]
        part.index = pd.RangeIndex(stop - start)  # what reset_index(drop=True) gives, for less
        out[k] = part
        start = stop
    return out


_PICKS: OrderedDict[tuple, tuple[ScoredCatalogue, list[tuple[MappingProxyType, ...]]]] = OrderedDict()
_PICKS_KEPT = 16


def _pick_products(catalogue: ScoredCatalogue, s: Section, events: list[cal.Event]) -> list[tuple]:
    """Each event's products in date order (a price ladder, or a theme event's showcase), rotating
    products from event to event; reused while the catalogue, the events and the ladder settings are
    the same (rows read-only)."""
    plan = tuple((e.discount, e.day.month if e.kind != "school_holiday" else e.sale_start.month) for e in events)
    key = (plan, s.ladder_size, s.draw_discount, s.value_discount, s.min_value_margin)
    hit = _PICKS.get(key)
    if hit is not None and hit[0] is catalogue:
        _PICKS.move_to_end(key)
        return list(hit[1])
    used: dict[str, int] = {}
    picks = []
    for discount, month in plan:
        if discount:
            picked = price_ladder(catalogue, month, s.ladder_size, s.draw_discount, s.value_discount,
                                  s.min_value_margin, used)
        else:
            picked = featured_products(catalogue, month, s.ladder_size, used)
        picks.append(tuple(MappingProxyType(row) for row in picked))
    _PICKS[key] = (catalogue, picks)
    if len(_PICKS) > _PICKS_KEPT:
        _PICKS.popitem(last=False)
    return list(picks)


@functools.lru_cache(maxsize=8)
def _month_slices(year: int) -> tuple[tuple[int, slice], ...]:
    """Each month's days as positions in the year."""
    days = _year_days(year)
    out = []
    for m in range(1, 13):
        first = date(year, m, 1)
        last = date(year + (m == 12), m % 12 + 1, 1)
        out.append((m, slice((first - days[0]).days, (last - days[0]).days)))
    return tuple(out)


def _bands(samples: np.ndarray) -> list[dict[str, float]]:
    """`Band.of` of each column of a (draws x columns) array, in one percentile call (the same numbers)."""
    p10, p50, p90 = np.percentile(samples, [10, 50, 90], axis=0)
    return [{"p10": float(a), "p50": float(b), "p90": float(c)} for a, b, c in zip(p10, p50, p90, strict=True)]


def _units(ladder: list[dict], event_sales: np.ndarray, ladder_share: np.ndarray) -> np.ndarray:
    """Units of each ladder product each draw sells: (draws, products).

    The ladder's products take `ladder_share` of the event's sales, shared by
    their normal sales × how strongly their step sells (draw items most).
    """
    if not ladder:
        return np.zeros((len(event_sales), 0))
    price = np.array([float(row["event_price"]) for row in ladder])
    weight = (np.array([row["monthly_sales"] for row in ladder], dtype=float)
              * np.array([ROLE_WEIGHT.get(row["step"], 1.0) for row in ladder])) * price
    share = weight / weight.sum() if weight.sum() > 0 else np.full(len(ladder), 1 / len(ladder))
    return (event_sales * ladder_share)[:, None] * share[None, :] / price[None, :]


def _stock(ladder: list[dict], units: np.ndarray, p50: np.ndarray, p90: np.ndarray
           ) -> tuple[dict[str, list], np.ndarray]:
    """The ladder as columns (its rows' fields, then units sold P50 and P90, the stock to hold (P90) and
    P(on-hand stock runs out)) and each draw's price cuts given away."""
    if not ladder:
        return {}, np.zeros(units.shape[0])
    columns = {name: [row[name] for row in ladder] for name in ladder[0]}
    columns["units_p50"] = p50
    columns["units_p90"] = p90
    columns["stock_needed"] = [math.ceil(x) for x in p90]
    # a share of draws, so exact whichever way it is added up
    known = [h is not None and not pd.isna(h) for h in columns["stock_on_hand"]]
    on_hand = np.array([h if k else np.inf for h, k in zip(columns["stock_on_hand"], known, strict=True)], dtype=float)
    runs_out = (units > on_hand[None, :]).mean(axis=0)
    columns["stockout_risk"] = [float(r) if k else float("nan") for r, k in zip(runs_out, known, strict=True)]
    price = np.array([float(x) for x in columns["event_price"]])
    cut = np.array([float(x) for x in columns["price"]]) - price
    return columns, units @ cut
