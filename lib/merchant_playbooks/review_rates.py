"""Rate estimation: the playbook's uncertain rates updated from the actuals ("learn"), as ranges
a consultant pastes into the next campaign's params, with the days and counts behind each.

The observed ratio of a metric to its base (`Metric.base`, or the rule's own) over the days reporting
both is compared with the same ratio in the plan's P50 series, and the rate's planned centre scaled
by how far it moved (see `review_spec.RateRule`): that is what the days say the rate was. The
planned range is the prior and the days' counts the evidence (`bayes.update`): the next range is
the posterior's P10–P90, at least ±10% around its centre. A rate the actuals cannot measure (no
column, a zero base, figures that contradict each other, a rule's `unidentified`) keeps its range
and says why (`RateEstimate.reason`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import bayes
from .review_spec import RateRule, ReviewSpec
from .schema import Range

# The next campaign is not this one: a re-estimated range keeps at least ±10% around
# its centre, however many days stand behind it.
MIN_RELATIVE_HALF_WIDTH = 0.10


@dataclass
class RateEstimate:
    name: str
    metric: str
    planned: Range
    days: int  # days of data behind the estimate
    change: float = math.nan  # new centre / planned centre − 1
    estimate: float = math.nan  # the posterior's mean
    low: float = math.nan  # the posterior's P10 ...
    high: float = math.nan  # ... and P90 (at least ±10%)
    reason: str | None = None  # why it was not estimated: no_data | no_fans | no_base | contradictory
    observed: float = math.nan  # what the days alone say the rate was
    events: float = 0.0  # the counts behind it (after overdispersion)
    exposure: float = 0.0  # ... out of (shares) or over (other rates) this much
    contradictory_days: list = field(default_factory=list)
    base: tuple[str, ...] = ()  # what it was measured against (empty: the metric against the plan)
    cumulative: bool = False  # ... so far (participant-days)

    @property
    def estimated(self) -> bool:
        return math.isfinite(self.estimate)

    @property
    def share(self) -> bool:
        return type(self.planned).bounds() == (0.0, 1.0)

    @property
    def outside_plan(self) -> bool:
        return self.estimated and not self.planned.low <= self.estimate <= self.planned.high


def pivot(aligned: pd.DataFrame, column: str) -> pd.DataFrame:
    """The aligned days (`review_compare.align`) as a date × metric table of one column."""
    return aligned.pivot(index="date", columns="metric", values=column)


def _series(actual: pd.DataFrame, p50: pd.DataFrame, rule: RateRule, base: tuple[str, ...], days: pd.Series):
    """The rule's numerator and denominator, actual and planned, over the days reporting them."""
    num_a, num_p = actual.loc[days, rule.metric].to_numpy(), p50.loc[days, rule.metric].to_numpy()
    if not base:  # no base: the metric's total against the plan's
        return num_a, num_p, num_p, num_p
    den_a, den_p = actual[list(base)].sum(axis=1, min_count=1), p50[list(base)].sum(axis=1)
    if rule.cumulative:  # e.g. participants so far; a day not reported counts as planned
        den_a, den_p = den_a.fillna(den_p).cumsum(), den_p.cumsum()
    return num_a, num_p, den_a[days].to_numpy(), den_p[days].to_numpy()


def estimate_rates(aligned: pd.DataFrame, spec: ReviewSpec) -> list[RateEstimate]:
    """Update each rate the spec names from the days that report its metric and base."""
    actual, p50 = pivot(aligned, "actual"), pivot(aligned, "p50")
    out = []
    for rule in spec.rates:
        planned = spec.ranges[rule.name]
        base = rule.base if rule.base is not None else spec.metric(rule.metric).base
        needed = [rule.metric, *base]
        basis = {"base": tuple(base), "cumulative": rule.cumulative}
        if rule.unidentified or any(c not in actual.columns for c in needed):
            out.append(RateEstimate(rule.name, rule.metric, planned, 0, reason=rule.unidentified or "no_data",
                                    **basis))
            continue
        days = actual[needed].notna().all(axis=1)
        est = RateEstimate(rule.name, rule.metric, planned, int(days.sum()), **basis)
        out.append(est)
        if est.days == 0:
            est.reason = "no_data"
            continue
        num_a, num_p, den_a, den_p = _series(actual, p50, rule, base, days)
        if den_a.sum() <= 0 or den_p.sum() <= 0 or num_p.sum() <= 0 or planned.centre <= 0:
            est.reason = "no_base"
            continue
        if len(base) == 1 and not rule.cumulative and spec.metric(rule.metric).kind == "count" \
                and num_p.sum() <= den_p.sum() and np.any(num_a > den_a):
            est.reason = "contradictory"  # more orders than bargains finished
            est.contradictory_days = [d for d, bad in zip(actual.index[days], num_a > den_a, strict=True) if bad]
            continue
        _update(est, rule, num_a, den_a, num_a.sum() / den_a.sum(), num_p.sum() / den_p.sum())
    return out


def _update(est: RateEstimate, rule: RateRule, num_a: np.ndarray, den_a: np.ndarray, ratio_a: float,
            ratio_p: float) -> None:
    """The planned range (prior) updated by what the days observed (the counts behind `ratio_a`)."""
    planned = est.planned
    to_rate = (lambda x: x) if rule.direct else _scaler(rule.link or (lambda x: x), ratio_p, planned.centre)
    lo_bound, hi_bound = type(planned).bounds()
    est.observed = _clip(to_rate(ratio_a), lo_bound, hi_bound)
    # the counts' information on the rate's scale: divided by the overdispersion of the days and by the
    # square of the link's elasticity (helpers per bargain → mean helpers moves more than the ratio)
    est.events = float(num_a.sum()) / bayes.overdispersion(num_a, den_a) / _elasticity(to_rate, ratio_a) ** 2
    # the exposure the events were counted over, on the rate's scale
    est.exposure = est.events / est.observed if est.observed > 0 else \
        float(den_a.sum()) * ratio_p / planned.centre / bayes.overdispersion(num_a, den_a)
    post = bayes.update(bayes.prior(planned.low, planned.high, est.share), est.events, est.exposure)
    est.estimate = _clip(post.mean, lo_bound, hi_bound)
    est.change = est.estimate / planned.centre - 1
    low, high = post.interval()
    half = MIN_RELATIVE_HALF_WIDTH * est.estimate
    low, high = min(low, est.estimate - half), max(high, est.estimate + half)
    est.low = _clip(_round_sig(low, math.floor), lo_bound, hi_bound)
    est.high = _clip(_round_sig(high, math.ceil), lo_bound, hi_bound)


def _elasticity(to_rate: Callable[[float], float], ratio: float, step: float = 0.01) -> float:
    """d log(rate) / d log(ratio) at `ratio` (1 for a proportional link), never below 1."""
    try:
        up, down = to_rate(ratio * (1 + step)), to_rate(ratio / (1 + step))
        e = math.log(up / down) / (2 * math.log1p(step)) if up > 0 and down > 0 else 1.0
    except (ValueError, ZeroDivisionError):
        e = 1.0
    return max(e, 1.0) if math.isfinite(e) else 1.0


def _scaler(link: Callable[[float], float], ratio_planned: float, centre: float) -> Callable[[float], float]:
    anchor = link(ratio_planned)
    return lambda ratio: centre * link(ratio) / anchor if anchor > 0 else math.nan


def _clip(v: float, lo: float | None, hi: float | None) -> float:
    if lo is not None:
        v = max(v, lo)
    if hi is not None:
        v = min(v, hi)
    return v


def _round_sig(v: float, direction: Callable[[float], float], digits: int = 3) -> float:
    """`v` to `digits` significant digits, rounded in `direction` (math.floor or math.ceil)."""
    if v == 0 or not math.isfinite(v):
        return v
    scale = 10 ** (digits - 1 - math.floor(math.log10(abs(v))))
    return direction(round(v * scale, 6)) / scale
