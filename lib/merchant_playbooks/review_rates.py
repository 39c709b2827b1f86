"""Rate estimation: the playbook's uncertain rates re-estimated from the actuals ("learn"),
as ranges a consultant pastes into the next campaign's params, with the days of data behind each.

The observed ratio of a metric to its base (`Metric.base`) over the days reporting both is
compared with the same ratio in the plan's P50 series, and the rate's planned centre is
scaled by how far it moved (see `review_spec.RateRule`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .review_spec import ReviewSpec
from .schema import Range

# The next campaign is not this one: a re-estimated range keeps at least ±10% around
# its centre, however steady the days were.
MIN_RELATIVE_HALF_WIDTH = 0.10
# A symmetric PERT (Beta(3, 3) over [low, high]) has sd = (high − low) / √28, so a
# range of ± √7 standard errors draws with the estimate's own uncertainty.
PERT_HALF_WIDTH_IN_SE = math.sqrt(7)
MIN_DAYS_FOR_SPREAD = 3  # fewer days: keep the planned width around the new centre


@dataclass
class RateEstimate:
    name: str
    metric: str
    planned: Range
    days: int  # days of data behind the estimate
    change: float = math.nan  # new centre / planned centre − 1
    estimate: float = math.nan
    low: float = math.nan
    high: float = math.nan
    reason: str | None = None  # why it was not estimated: no_data | no_fans | no_base | contradictory

    @property
    def estimated(self) -> bool:
        return math.isfinite(self.estimate)

    @property
    def outside_plan(self) -> bool:
        return self.estimated and not self.planned.low <= self.estimate <= self.planned.high


def pivot(aligned: pd.DataFrame, column: str) -> pd.DataFrame:
    """The aligned days (`review_compare.align`) as a date × metric table of one column."""
    return aligned.pivot(index="date", columns="metric", values=column)


def estimate_rates(aligned: pd.DataFrame, spec: ReviewSpec) -> list[RateEstimate]:
    """Re-estimate each rate the spec names from the days that report its metric and base."""
    actual, p50 = pivot(aligned, "actual"), pivot(aligned, "p50")
    out = []
    for rule in spec.rates:
        planned = spec.ranges[rule.name]
        base = spec.metric(rule.metric).base
        needed = [rule.metric, *base]
        if any(c not in actual.columns for c in needed):
            out.append(RateEstimate(rule.name, rule.metric, planned, 0))
            continue
        days = actual[needed].notna().all(axis=1)
        num_a, num_p = actual.loc[days, rule.metric].to_numpy(), p50.loc[days, rule.metric].to_numpy()
        if base:
            den_a, den_p = actual.loc[days, list(base)].sum(axis=1).to_numpy(), p50.loc[days, list(base)].sum(
                axis=1).to_numpy()
        else:  # no base: the metric's total against the plan's
            den_a = den_p = num_p
        n = int(days.sum())
        est = RateEstimate(rule.name, rule.metric, planned, n)
        out.append(est)
        if n == 0 or den_a.sum() <= 0 or den_p.sum() <= 0 or num_p.sum() <= 0 or planned.centre <= 0:
            continue
        link = rule.link or (lambda x: x)
        ratio_a, ratio_p = num_a.sum() / den_a.sum(), num_p.sum() / den_p.sum()
        to_rate = _scaler(link, ratio_p, planned.centre)
        lo_bound, hi_bound = type(planned).bounds()
        est.estimate = _clip(to_rate(ratio_a), lo_bound, hi_bound)
        est.change = est.estimate / planned.centre - 1
        if n >= MIN_DAYS_FOR_SPREAD:
            # the ratio estimator's standard error from the day-to-day scatter around it
            resid = num_a - ratio_a * den_a
            se = math.sqrt(float((resid**2).sum()) / (n - 1) / n) / float(den_a.mean())
            half = max(PERT_HALF_WIDTH_IN_SE * se, MIN_RELATIVE_HALF_WIDTH * ratio_a)
            low, high = to_rate(max(ratio_a - half, 0.0)), to_rate(ratio_a + half)
        else:
            half = max((planned.high - planned.low) / 2, MIN_RELATIVE_HALF_WIDTH * est.estimate)
            low, high = est.estimate - half, est.estimate + half
        est.low = _clip(_round_sig(low, math.floor), lo_bound, hi_bound)
        est.high = _clip(_round_sig(high, math.ceil), lo_bound, hi_bound)
    return out


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
