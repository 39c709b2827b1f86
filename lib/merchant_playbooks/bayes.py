"""Conjugate updates of a plan's uncertain rates, and partial pooling across campaigns.

A typed range `[low, high]` is the rate's P10–P90 (see `montecarlo.draw`). As a prior it is a
distribution of modest strength with that centre and spread:

- a share (a `RateRange`, 0–1) with counts behind it is Beta(a, b) — Beta–Binomial: `events`
  successes in `trials` give Beta(a + events, b + trials − events);
- any other rate (views per share, helpers per bargain) is Gamma(α, β) per unit of exposure —
  Gamma–Poisson: `events` counted over `exposure` give Gamma(α + events, β + exposure).

The prior's centre is the range's centre and its sd is (high − low) / 2.563 (a normal's P10–P90
width), its strength capped at `MAX_PRIOR_EVENTS` events: a narrow typed range is still a guess,
not data. Day-to-day scatter beyond counting chance (a post that took off) is not evidence: the
counts are divided by the overdispersion seen in the days (`overdispersion`) before updating.

`pool` combines several campaigns' estimates of one rate with partial pooling (a random-effects
model on the log scale, DerSimonian–Laird): the pool's range is where the next campaign's rate
falls (P10–P90: the pooled mean's uncertainty plus the spread between campaigns); a client's own
campaigns are shrunk towards it, by their precision against that spread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

Z90 = float(stats.norm.ppf(0.9))  # 1.2816: a P10–P90 range is ± Z90 standard deviations
MAX_PRIOR_EVENTS = 30.0  # a prior counts as at most this many events, however narrow the typed range
MIN_PRIOR_EVENTS = 0.5  # ... and at least this many (a very wide range is still a range)


@dataclass(frozen=True)
class Posterior:
    """Beta(a, b) for a share, Gamma(a, rate=b) otherwise."""

    share: bool
    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b) if self.share else self.a / self.b

    def interval(self, low: float = 0.10, high: float = 0.90) -> tuple[float, float]:
        dist = stats.beta(self.a, self.b) if self.share else stats.gamma(self.a, scale=1 / self.b)
        return float(dist.ppf(low)), float(dist.ppf(high))

    @property
    def events(self) -> float:
        """How many events the distribution is worth (its strength)."""
        return self.a


def prior(low: float, high: float, share: bool) -> Posterior:
    """The typed range `[low, high]` (its P10–P90) as a conjugate prior of modest strength."""
    centre = (low + high) / 2
    sd = max((high - low) / (2 * Z90), 1e-9 * max(abs(centre), 1e-9))
    if share:
        centre = min(max(centre, 1e-6), 1 - 1e-6)
        strength = max(centre * (1 - centre) / sd**2 - 1, 1e-6)  # a + b
        strength = _capped(strength, centre * strength)  # its events: a = centre × (a + b)
        return Posterior(True, centre * strength, (1 - centre) * strength)
    centre = max(centre, 1e-9)
    alpha = _capped((centre / sd) ** 2, (centre / sd) ** 2)
    return Posterior(False, alpha, alpha / centre)


def _capped(scale: float, events: float) -> float:
    """`scale` shrunk (or grown) so that the events it stands for lie within the prior's limits."""
    if events > MAX_PRIOR_EVENTS:
        return scale * MAX_PRIOR_EVENTS / events
    if events < MIN_PRIOR_EVENTS:
        return scale * MIN_PRIOR_EVENTS / events
    return scale


def update(p: Posterior, events: float, trials: float) -> Posterior:
    """The conjugate update: `events` out of `trials` (share) or over `trials` units of exposure."""
    if p.share:
        return Posterior(True, p.a + events, p.b + max(trials - events, 0.0))
    return Posterior(False, p.a + events, p.b + trials)


def overdispersion(num: np.ndarray, den: np.ndarray) -> float:
    """How much more the days scatter than counting chance allows (≥ 1): Pearson's χ² of the daily
    counts against a constant ratio, per degree of freedom."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    keep = den > 0
    if keep.sum() < 3 or num[keep].sum() <= 0:
        return 1.0
    ratio = num[keep].sum() / den[keep].sum()
    expected = ratio * den[keep]
    chi2 = float((((num[keep] - expected) ** 2) / np.maximum(expected, 1e-9)).sum())
    return max(1.0, chi2 / (keep.sum() - 1))


# ------------------------------------------------------------------ pooling across campaigns


@dataclass(frozen=True)
class Pooled:
    mean: float  # the pool's centre for a new campaign (back on the rate's scale)
    low: float  # P10 of the next campaign's rate
    high: float  # P90
    tau: float  # the spread between campaigns (log scale)
    mean_low: float = math.nan  # P10 of the pooled mean itself (narrows as campaigns are added)
    mean_high: float = math.nan


def pool(estimates: Sequence[float], events: Sequence[float], share: bool,
         min_half_width: float = 0.0) -> Pooled:
    """Random-effects pooling of campaign estimates of one rate, each worth `events` events.

    On the log scale (logit for shares) a campaign's estimate has variance about 1 / events
    (times 1 / (1 − r) for a share); the between-campaign variance τ² is DerSimonian–Laird's.
    The range is the next campaign's P10–P90: ± Z90 · √(τ² + var(mean)), at least
    ± `min_half_width` of the mean."""
    r = np.clip(np.asarray(estimates, float), 1e-9, 1 - 1e-9 if share else np.inf)
    n = np.maximum(np.asarray(events, float), 1e-6)
    y = np.log(r / (1 - r)) if share else np.log(r)
    v = 1 / (n * (1 - r)) if share else 1 / n
    w = 1 / v
    mu_fixed = float((w * y).sum() / w.sum())
    q = float((w * (y - mu_fixed) ** 2).sum())
    k = len(y)
    c = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (q - (k - 1)) / c) if k > 1 and c > 0 else 0.0
    ws = 1 / (v + tau2)
    mu = float((ws * y).sum() / ws.sum())
    half = Z90 * math.sqrt(tau2 + 1 / ws.sum())
    back = _expit if share else math.exp
    mean = back(mu)
    low, high = back(mu - half), back(mu + half)
    floor = min_half_width * mean
    low, high = min(low, mean - floor), max(high, mean + floor)
    if share:
        low, high = max(low, 0.0), min(high, 1.0)
    se = math.sqrt(1 / ws.sum())
    return Pooled(mean, max(low, 0.0), high, math.sqrt(tau2), back(mu - Z90 * se), back(mu + Z90 * se))


def shrink(pooled: Pooled, own: Sequence[float], events: Sequence[float], share: bool,
           min_half_width: float = 0.0) -> Pooled:
    """A client's own campaigns shrunk towards the pool: its next campaign's P10–P90."""
    r = np.clip(np.asarray(own, float), 1e-9, 1 - 1e-9 if share else np.inf)
    n = np.maximum(np.asarray(events, float), 1e-6)
    y = np.log(r / (1 - r)) if share else np.log(r)
    v = 1 / (n * (1 - r)) if share else 1 / n
    fwd = (lambda x: math.log(x / (1 - x))) if share else math.log
    prior_mu = fwd(min(max(pooled.mean, 1e-9), 1 - 1e-9) if share else max(pooled.mean, 1e-9))
    prior_v = max(pooled.tau**2, 1e-6)
    w = 1 / (v + pooled.tau**2)
    precision = 1 / prior_v + w.sum()
    mu = (prior_mu / prior_v + (w * y).sum()) / precision
    half = Z90 * math.sqrt(pooled.tau**2 + 1 / precision)
    back = _expit if share else math.exp
    mean = back(float(mu))
    low, high = back(float(mu - half)), back(float(mu + half))
    floor = min_half_width * mean
    return Pooled(mean, max(min(low, mean - floor), 0.0), min(max(high, mean + floor), 1.0) if share else
                  max(high, mean + floor), pooled.tau)


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))
