"""The cadence's Monte Carlo: seeded draws of daily sales, and the caches that make a lever move cheap.

`simulate` draws the everyday run-rate grown over the year, lifted by weekly days and events;
`bands` reads columns of draws as P10/P50/P90 in one percentile call.
"""

from __future__ import annotations

import functools
import itertools
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..montecarlo import draw, generator
from . import calendar as cal
from .schema import Section
from .targets import event_lift, sale_slice, season_weights, weekly_mask


@dataclass
class Simulation:
    sales: np.ndarray  # (draws, days)
    rates: dict[str, np.ndarray]  # conversion_rate, new_member_rate, ladder_share: (draws,)
    baseline: np.ndarray | None = None  # (draws,): the year's everyday sales, before weekly and event lifts


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
        realised = event_lift(e, s.theme_lift_share, draw(rng, span(lo, hi), sims) * draw(rng, s.execution, sims))
        lifts.append((sale_slice(days, e), realised))
    # start × season × ramp × (1 + weekly lift) × (1 + event lift), multiplied in that order. A day
    # without a weekly activity or an event is multiplied by exactly 1, which changes nothing, so
    # only the days that have one are multiplied (in place, by the same factors as ever)
    sales = (start_daily * season_weights(s, days))[None, :] * ramp
    baseline = sales.sum(axis=1)  # what the shop sells without the calendar's fixtures and events
    weekly_on = np.flatnonzero(weekly_mask(days, weekly))
    if len(weekly_on):
        sales[:, weekly_on] *= (1 + weekly_lift)[:, None]
    for cols, covering in _segments(lifts):
        # overlapping events: the larger lift counts (lifts are never negative, so the max over
        # the events covering these days is the max the day had, from 0, event by event)
        lift = covering[0] if len(covering) == 1 else np.maximum.reduce(covering)
        sales[:, cols] *= (1 + lift)[:, None]
    return Simulation(sales, rates, baseline)


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




@dataclass(frozen=True)
class _Span:
    """An event's lift range as `montecarlo.draw` reads it (low, high), without a schema check per event."""

    low: float
    high: float


def span(lo: float, hi: float) -> _Span:
    return _Span(float(lo), float(hi))


def row_sums(by_day: np.ndarray, days: slice) -> np.ndarray:
    """Each draw's total over `days`, from the draws laid out day by day (`sales.T`, contiguous).

    numpy adds those rows one day after another, the order it always added a block of days
    picked out of `sales` by index (a column-ordered copy); summing a strided view of `sales`
    instead would add in another order and move the last digit (tests/test_rapid_growth_cadence.py
    compares the plan with one made without any of these shortcuts).
    """
    return by_day[days].sum(axis=0)



def bands(samples: np.ndarray) -> list[dict[str, float]]:
    """`Band.of` of each column of a (draws x columns) array, in one percentile call (the same numbers)."""
    p10, p50, p90 = np.percentile(samples, [10, 50, 90], axis=0)
    return [{"p10": float(a), "p50": float(b), "p90": float(c)} for a, b, c in zip(p10, p50, p90, strict=True)]

