"""What the bargaining playbook reviews after the event, and which rates it re-estimates from which columns.

The actuals CSV (`actuals:` in the section) has a `date` column and any of the
model's daily metrics — the funnel, in order:

    views → attempts (bargains started) → helpers, completions (bargains finished)
          → orders (paid at the floor); new_followers ← attempts + helpers

Rates re-estimated (see `review.RateRule`; the others are kept as planned):
- `views_per_fan` ← views against the plan (only reach × views per fan is seen;
  the change is put on views per fan); kept, with the reason, for a shop with no fans;
- `attempt_rate` ← attempts / views;
- `helpers_mean` ← helpers / attempts, through the cap at N: a bargain stops at
  N helpers, so helpers per bargain is E[min(H, N)], not the mean of H;
- `order_rate` ← orders / completions;
- `new_share` (forced follow) or `follow_rate` (optional follow) ← new_followers /
  (attempts + helpers).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial

import numpy as np
from scipy.optimize import brentq

from .. import review
from ..loading import PlaybookParams
from ..plan import Plan
from .campaign import expected_helpers_used, helper_tail

NS = "first_event_bargaining"

METRICS = (
    review.Metric("views"),
    review.Metric("attempts", ("views",)),
    review.Metric("helpers", ("attempts",)),
    review.Metric("completions", ("attempts",)),
    review.Metric("orders", ("completions",)),
    review.Metric("new_followers", ("attempts", "helpers")),
)
_MEAN_BOUNDS = (1e-6, 1e5)


def helpers_used(mean: float, dispersion: float, n: int) -> float:
    """E[min(H, N)]: helpers per bargain when H is negative binomial with this mean and dispersion."""
    tail = helper_tail(np.array([mean]), np.array([dispersion]), n)
    return float(expected_helpers_used(tail, np.array([n]))[0, 0])


def mean_for_helpers_used(per_bargain: float, n: int, dispersion: float) -> float:
    """The mean of H that gives `per_bargain` helpers per bargain under the cap at N (inverse of `helpers_used`)."""
    lo, hi = _MEAN_BOUNDS
    if per_bargain <= helpers_used(lo, dispersion, n):
        return lo
    top = helpers_used(hi, dispersion, n)
    if per_bargain >= top:
        return hi
    return float(brentq(lambda m: helpers_used(m, dispersion, n) - per_bargain, lo, hi, xtol=1e-10, rtol=1e-12))


def spec(plan: Plan, params: PlaybookParams) -> review.ReviewSpec:
    """The bargaining plan's review: its funnel, goal (new followers), cost and the rates it re-estimates."""
    s = params.section
    subsidy, fixed = float(s.original_price - s.floor_price), float(s.fixed_costs)

    def cost(totals: Mapping[str, float]) -> float:
        return totals["orders"] * subsidy + fixed  # as the plan counts it: cuts given away + fixed costs

    follow = "new_share" if s.forced_follow else "follow_rate"
    link = partial(_link_helpers, n=int(plan.data["helpers_needed"]), dispersion=s.helpers_dispersion.centre)
    return review.ReviewSpec(
        section=NS,
        metrics=METRICS,
        daily=plan.model.daily,
        ranges=s.uncertain(),
        rates=(
            # views with no fans are all external: they say nothing about views per fan
            review.RateRule("views_per_fan", "views", unidentified="no_fans" if params.merchant.fans == 0 else None),
            review.RateRule("attempt_rate", "attempts"),
            review.RateRule("helpers_mean", "helpers", link=link),
            review.RateRule("order_rate", "orders"),
            # new followers = (starters + helpers) × new share (× 1: the follow is required)
            review.RateRule(follow, "new_followers", direct=bool(s.forced_follow)),
        ),
        goal="new_followers",
        goal_target=plan.kpis["new_followers"].band.p50,
        result="new_followers",
        cost=cost,
        cost_uses=("orders",),
        chart=("views", "attempts", "orders", "new_followers"),
        checklist={"channels": ("views",), "process": ("attempts", "helpers", "completions"),
                   "customer_experience": ("orders",)},
    )


def _link_helpers(per_bargain: float, n: int, dispersion: float) -> float:
    return mean_for_helpers_used(per_bargain, n, dispersion) if math.isfinite(per_bargain) else math.nan


__all__ = ["METRICS", "mean_for_helpers_used", "spec"]
