"""Forecast ranges: seeded, vectorised Monte Carlo over the uncertain rates.

Every uncertain rate in params is a `Range`, read as its P10–P90 (see `draw`); a run draws `n` values of each at
once (one array per rate) and the model computes on whole arrays. A forecast is
then read as P10 / P50 / P90 (low / expected / high).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import beta as beta_dist

from .schema import Range

# A typed range [low, high] is the rate's P10–P90: 80% of the draws fall inside it, its centre is
# the median. The shape is a symmetric PERT, Beta(3, 3), stretched so that its own P10 and P90 land
# on low and high (Beta(3, 3) holds 80% in its middle 49.4%, so the whole PERT spans about twice
# the typed width). Beyond the typed range the tails are squeezed, never cut, to stay inside the
# rate's bounds (0–1 for a share; 0 for any range typed non-negative, a tenth of its low end for one
# typed strictly positive): the P10, P50 and P90 are kept.
# (Until issue 19 the PERT spanned only the typed range, whose P10–P90 was then the middle half
# of it: the plans' P10–P90 ranges held the outcome about 40% of the time, `playbooks calibrate`.)
_PERT_SHAPE = 3.0
_P10 = float(beta_dist.ppf(0.10, _PERT_SHAPE, _PERT_SHAPE))  # 0.2531
_STRETCH = 1.0 / (1.0 - 2.0 * _P10)  # the PERT's whole span per unit of typed width (2.025)


def generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def draw(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    """`n` draws of an uncertain rate, its typed range their P10–P90; a degenerate range gives a constant array."""
    if r.high == r.low:
        return np.full(n, float(r.low))
    u = rng.beta(_PERT_SHAPE, _PERT_SHAPE, size=n)
    low, high = float(r.low), float(r.high)
    x = low + (high - low) * (u - _P10) * _STRETCH
    floor, ceiling = limits(r)
    return squeeze(x, low, high, floor, ceiling, (high - low) * _P10 * _STRETCH)


def limits(r: Range) -> tuple[float | None, float | None]:
    """Where a rate's draws must stay: its bounds, and 0 for a range typed non-negative."""
    bounds = getattr(type(r), "draw_limits", None)
    lo, hi = bounds() if bounds else (None, None)
    if lo is None and r.low >= 0:
        lo = 0.0
    if lo is not None and r.low > 0:  # typed strictly positive (a dispersion, a rate): it stays so
        lo = max(lo, r.low / 10)
    return lo, hi


def squeeze(x: np.ndarray, low: float, high: float, floor: float | None, ceiling: float | None,
            tail: float) -> np.ndarray:
    """The draws beyond [low, high] (tails up to `tail` long) scaled into [floor, low] and [high, ceiling]."""
    if floor is not None and low - tail < floor:
        below = x < low
        x = np.where(below, low - (low - x) * (low - floor) / tail, x)
    if ceiling is not None and high + tail > ceiling:
        above = x > high
        x = np.where(above, high + (x - high) * (ceiling - high) / tail, x)
    return x


def draw_all(rng: np.random.Generator, ranges: dict[str, Range], n: int) -> dict[str, np.ndarray]:
    """Draw every named range, in a fixed (sorted) order so results depend only on the seed."""
    return {name: draw(rng, ranges[name], n) for name in sorted(ranges)}


def neg_binomial(rng: np.random.Generator, mean: np.ndarray, dispersion: np.ndarray, size=None) -> np.ndarray:
    """Overdispersed counts with the given mean and dispersion k (variance = mean + mean²/k)."""
    mean = np.asarray(mean, dtype=float)
    k = np.asarray(dispersion, dtype=float)
    p = k / (k + np.maximum(mean, 1e-12))
    return rng.negative_binomial(k, p, size=size)


@dataclass(frozen=True)
class Band:
    """A forecast as low / expected / high values (P10 / P50 / P90)."""

    p10: float
    p50: float
    p90: float

    @classmethod
    def of(cls, samples: np.ndarray | float) -> Band:
        arr = np.asarray(samples, dtype=float)
        if arr.ndim == 0:
            v = float(arr)
            return cls(v, v, v)
        p10, p50, p90 = np.percentile(arr, [10, 50, 90])
        return cls(float(p10), float(p50), float(p90))

    def to_dict(self, decimals: int | None = None) -> dict[str, float]:
        if decimals is None:
            return {"p10": self.p10, "p50": self.p50, "p90": self.p90}
        return {k: round(v, decimals) for k, v in (("p10", self.p10), ("p50", self.p50), ("p90", self.p90))}


def bands_by_column(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-column P10/P50/P90 of a (draws × columns) array, e.g. a daily series."""
    p10, p50, p90 = np.percentile(samples, [10, 50, 90], axis=0)
    return p10, p50, p90
