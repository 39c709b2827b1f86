"""The cadence's year, day by day: the days, each day's expected weight and exact splits of a total.

- `split_exact`: an integer total split by weights with largest remainders, so parts add up to the unit;
- `day_profile`: a normal day's expected weight (seasonality × growth × weekly activity × event lift),
  what each sub-goal is split into days by (then summed into months and events, exact to the unit).
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

import numpy as np

from .. import daysoff
from . import calendar as cal
from .schema import Section


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



def season_weights(s: Section, days: list[date]) -> np.ndarray:
    """Each day's month weight, scaled so a day of the year averages 1 (read-only: it is cached)."""
    return _season_weights(tuple(s.month_weights), tuple(days))


@functools.lru_cache(maxsize=8)
def _season_weights(weights: tuple[float, ...], days: tuple[date, ...]) -> np.ndarray:
    # the baseline knows the official days off: a Spring Festival day off sells less (daysoff.BASELINE_ON_DAYS_OFF)
    w = np.array([weights[d.month - 1] * daysoff.baseline_factor(d) for d in days], dtype=float)
    out = w / w.mean()
    out.setflags(write=False)
    return out


def event_lift(e: cal.Event, theme_share: float, lift: float | np.ndarray) -> float | np.ndarray:
    return lift if e.discount else lift * theme_share


def day_profile(s: Section, days: list[date], events: list[cal.Event], weekly: list[tuple[date, str]]) -> np.ndarray:
    """A day's expected weight at the centre of every range: what targets are split by."""
    n = len(days)
    ramp = (1 + s.baseline_growth.centre) ** (np.arange(n) / max(n - 1, 1))
    weekly_on = weekly_mask(days, weekly)
    lift = np.zeros(n)
    for e in events:
        idx = sale_slice(days, e)
        lift[idx] = np.maximum(lift[idx], event_lift(e, s.theme_lift_share, e.lift[0] / 2 + e.lift[1] / 2)
                               * s.execution.centre)
    return season_weights(s, days) * ramp * (1 + s.weekly_lift.centre * weekly_on) * (1 + lift)


def weekly_mask(days: list[date], weekly: list[tuple[date, str]]) -> np.ndarray:
    on = {d for d, _ in weekly}
    return np.array([d in on for d in days], dtype=float)


def sale_slice(days: list[date], e: cal.Event) -> slice:
    """The event's sale days as positions in `days` (a sale is consecutive days; days outside the year left out)."""
    n = len(days)
    start = min(max((e.sale_start - days[0]).days, 0), n)
    return slice(start, max(min((e.sale_end - days[0]).days + 1, n), start))



@functools.lru_cache(maxsize=8)
def month_slices(year: int) -> tuple[tuple[int, slice], ...]:
    """Each month's days as positions in the year."""
    days = _year_days(year)
    out = []
    for m in range(1, 13):
        first = date(year, m, 1)
        last = date(year + (m == 12), m % 12 + 1, 1)
        out.append((m, slice((first - days[0]).days, (last - days[0]).days)))
    return tuple(out)
