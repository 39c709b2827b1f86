"""What the zero-fan launch reviews after the campaign, and which rates it re-estimates from which columns.

The actuals CSV (`actuals:` in the section) has a `date` column and any of the
model's daily metrics — the funnel, in order:

    shares → views → reached (first-time viewers) → helpers, participants
           → new_fans ← participants + helpers

(`k_factor` is a ratio, not a flow that adds up over days: it is left out.)

Rates re-estimated (see `review.RateRule`; the others are kept as planned):
- `shares_per_participant_day` ← shares / participants so far (participant-days; staff
  shares are part of them, as in the plan's ratio): the fission rate from the quantities
  that identify it, so a campaign that went viral does not feed back into a runaway rate;
- `views_per_share` ← views / shares;
- `help_rate` ← helpers / reached; `join_rate` ← participants / reached (seed
  joins from fans and partners count in participants too);
- `participant_follow_rate` ← new_fans / (participants + helpers).

Cost per new fan counts what the plan counts that grows with participants (the
reward for those over the threshold, ranking prizes, retention gifts) plus the
fixed costs. With no budget and no fans (the driving school) every ratio whose
base is zero is simply not estimated: no NaN, no division by zero.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import review
from ..loading import PlaybookParams
from ..plan import Plan
from .model import capped, ranking_prize_cost

NS = "zero_fan_launch"

METRICS = (
    review.Metric("shares"),
    review.Metric("views", ("shares",)),
    review.Metric("reached", ("views",)),
    review.Metric("helpers", ("reached",)),
    review.Metric("participants", ("reached",)),
    review.Metric("new_fans", ("participants", "helpers")),
)


def spec(plan: Plan, params: PlaybookParams) -> review.ReviewSpec:
    """The zero-fan plan's review: its funnel, goal (new fans), cost and the rates it re-estimates."""
    s = params.section
    model = plan.model
    share_qualifying = float(np.median(model.share_qualifying))
    per_participant = float(s.add_service_rate.centre) * float(s.retention_gift_cost)
    reward, fixed = float(s.reward_value), float(s.fixed_costs)

    def cost(totals: Mapping[str, float]) -> float:
        # as the plan counts it: rewards over the threshold, ranking prizes, retention gifts, fixed costs
        p = np.array([max(totals["participants"], 0.0)])
        rewards = capped(p * share_qualifying, s.reward_cap) * reward
        return float(rewards[0] + ranking_prize_cost(s, p)[0] + p[0] * per_participant + fixed)

    return review.ReviewSpec(
        section=NS,
        metrics=METRICS,
        daily=model.daily[model.daily["metric"] != "k_factor"],
        # the section's own ranges (partners' join rates sit in their partner entries)
        ranges={k: v for k, v in s.uncertain().items() if not k.startswith("partner_")},
        rates=(
            # per participant-day: shares / participants so far, never backed out of the campaign's total
            review.RateRule("shares_per_participant_day", "shares", base=("participants",), cumulative=True),
            review.RateRule("views_per_share", "views"),
            review.RateRule("help_rate", "helpers"),
            review.RateRule("join_rate", "participants"),
            review.RateRule("participant_follow_rate", "new_fans"),
        ),
        goal="new_fans",
        goal_target=plan.kpis["new_fans"].band.p50,
        result="new_fans",
        cost=cost,
        cost_uses=("participants",),
        chart=("views", "helpers", "participants", "new_fans"),
        checklist={"channels": ("shares", "views"), "process": ("reached", "helpers", "participants"),
                   "customer_experience": ("new_fans",)},
    )


__all__ = ["METRICS", "spec"]
