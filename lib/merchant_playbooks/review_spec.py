"""What a playbook declares for its review after the campaign: its metrics, the rates the
actuals re-estimate, the plan's daily band (`ReviewSpec`, built with `daily_band`).

Numbers only: no words here (they are `review_text.py`'s).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .schema import Range

NS = "review"  # the plan's section key and the catalogue's prefix
CHECKLIST = ("goal", "channels", "process", "staffing", "materials", "customer_experience", "unexpected", "next")


@dataclass(frozen=True)
class Metric:
    """A daily metric the playbook forecasts and the actuals CSV may carry (the column's name is `key`).

    It must be a flow that adds up over days (views, orders, new members, sales),
    not a level (members so far, active share): totals are sums of days.

    `base` names the metrics this one is a share or multiple of in the funnel
    (summed when several), e.g. orders ← completions; it is how the review reads
    each step's rate and how `tools/simulate_actuals.py` chains a campaign.
    """

    key: str
    base: tuple[str, ...] = ()
    kind: str = "count"  # count | money


@dataclass(frozen=True)
class RateRule:
    """How one uncertain rate of the params is re-estimated from the actuals.

    The observed ratio of `metric` to its base (or, without a base, the metric's
    total against the plan's) is compared with the same ratio in the plan's P50
    series over the same days, and the rate's planned centre is scaled by how far
    it moved: `new = centre × link(observed) / link(planned)`. `link` maps the
    ratio to the rate when the model is not proportional (e.g. helpers per
    bargain → mean helpers, through the cap at N); by default the ratio itself.
    That observed rate, with the counts behind it, updates the planned range taken as
    a prior (`bayes`: Beta–Binomial for shares, Gamma–Poisson otherwise). Actuals equal
    to the plan's P50 series give back the planned centre exactly.
    """

    name: str  # the params field, e.g. "attempt_rate"
    metric: str
    link: Callable[[float], float] | None = None
    # what the rate is measured against, when not the metric's funnel base: e.g. shares per
    # participant-day is shares / participants so far (`cumulative`), never shares against the
    # plan's total (a loop: more participants, more shares, more participants...)
    base: tuple[str, ...] | None = None
    cumulative: bool = False
    unidentified: str | None = None  # why these actuals cannot measure it (a `review.learn.why` key)
    # the ratio IS the rate in the model (new followers = (starters + helpers) × new share): read it as
    # it is, not scaled from the plan's P50 ratio (a median of ratios is not the ratio of the centres)
    direct: bool = False


@dataclass(frozen=True)
class ReviewSpec:
    """Everything the generic review needs from one playbook's plan."""

    section: str  # the params section the next-campaign block goes under
    metrics: tuple[Metric, ...]  # the CSV's columns besides `date`, in funnel order
    daily: pd.DataFrame  # the plan's daily band, tidy: date, metric, p10, p50, p90
    ranges: Mapping[str, Range]  # the planned ranges of the uncertain rates, by params field
    rates: tuple[RateRule, ...] = ()
    goal: str | None = None  # the metric the goal counts
    goal_target: float | None = None  # the number the plan's goal states (the campaign's P50)
    result: str | None = None  # cost per result: results are this metric
    cost: Callable[[Mapping[str, float]], float] | None = None  # a campaign's cost from its metric totals
    cost_uses: tuple[str, ...] = ()  # the metrics `cost` reads (the cost is shown when all were reported)
    chart: tuple[str, ...] = ()  # the metrics charted (default: all)
    checklist: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # item -> metrics that answer it
    period: str = "day"  # day | week | month: the rows of the review's table and the chart's points

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics if m.key == key)


def daily_band(draws: Mapping[str, np.ndarray], days: Sequence[date],
               profile: Sequence[float] | None = None) -> pd.DataFrame:
    """The tidy daily band a `ReviewSpec` needs, from a playbook's Monte Carlo draws.

    Each metric is either (draws, days) — one value per day — or (draws,) campaign
    totals, spread over the days by `profile` (weights; even by default), for
    models that forecast totals only.
    """
    n = len(days)
    weights = np.ones(n) if profile is None else np.asarray(profile, dtype=float)
    weights = weights / weights.sum()
    rows = []
    for metric, arr in draws.items():
        arr = np.asarray(arr, dtype=float)
        per_day = arr if arr.ndim == 2 else arr[:, None] * weights[None, :]
        if per_day.shape[1] != n:
            raise ValueError(f"{metric}: {per_day.shape[1]} days of draws for {n} days")
        p10, p50, p90 = np.percentile(per_day, [10, 50, 90], axis=0)
        rows += [{"date": d, "day": i + 1, "metric": metric, "p10": float(p10[i]), "p50": float(p50[i]),
                  "p90": float(p90[i])} for i, d in enumerate(days)]
    return pd.DataFrame(rows)
