"""Forecast ranges: seeded, vectorised Monte Carlo over the uncertain rates.

Every uncertain rate in params is a `Range`; a run draws `n` values of each at
once (one array per rate) and the model computes on whole arrays. A forecast is
then read as P10 / P50 / P90 (low / expected / high).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .schema import Range

# Symmetric PERT: Beta(3, 3) stretched over [low, high]; its median is the centre.
_PERT_SHAPE = 3.0


def generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def draw(rng: np.random.Generator, r: Range, n: int) -> np.ndarray:
    """`n` draws of an uncertain rate; a degenerate range gives a constant array."""
    if r.high == r.low:
        return np.full(n, float(r.low))
    return r.low + (r.high - r.low) * rng.beta(_PERT_SHAPE, _PERT_SHAPE, size=n)


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
