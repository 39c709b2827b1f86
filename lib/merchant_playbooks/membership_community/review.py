"""What the community sale reviews afterwards, and which rates it re-estimates from which columns.

The actuals CSV (`actuals:` in the section) has a `date` column and any of the
community funnel's daily flows:

    joined (people who joined a group) · store_visits → store_buyers
    · online_buyers · sales (money)

Levels (members so far, active members) are not in the file: totals are sums of
days. The model forecasts campaign totals only, so the plan's daily band spreads
each total over the sale's days by `PROFILE` (see `review.daily_band`).

Rates re-estimated (see `review.RateRule`; the others are kept as planned):
- `visit_conversion` ← store_buyers / store_visits;
- `join_rate` ← joined against the plan;
- `store_visit_rate` ← store_visits against the plan (active members are not
  counted day by day, so the change is put on the visit rate).
"""

from __future__ import annotations

from .. import review
from ..loading import PlaybookParams
from ..plan import Plan
from .model import event_dates

NS = "membership_community"

METRICS = (
    review.Metric("joined"),
    review.Metric("store_visits"),
    review.Metric("store_buyers", ("store_visits",)),
    review.Metric("online_buyers"),
    review.Metric("sales", kind="money"),
)
# How a total spreads over the sale's days (our assumption, no source gives one): the
# opening day and the last day draw twice an ordinary day (launch posts, "last chance").
OPENING, CLOSING = 2.0, 2.0
# the community block's rates the sale's funnel runs on (the camp's and the lottery's are not in the file)
COMMUNITY_RATES = ("join_rate", "referral_rate", "active_rate", "store_visit_rate", "visit_conversion",
                   "online_buy_rate")


def profile(days: int) -> list[float]:
    weights = [1.0] * days
    weights[0] = OPENING
    if days > 1:
        weights[-1] = CLOSING
    return weights


def spec(plan: Plan, params: PlaybookParams) -> review.ReviewSpec:
    """The community sale's review: its funnel, goal (the sale's sales) and the rates it re-estimates.
    The spine adds the review section with it when the section names an actuals file."""
    s = params.section
    draws = plan.model.community.draws
    days = [d for d in event_dates(s) if s.start_date <= d <= s.event_end]
    daily = review.daily_band({m.key: draws[m.key] for m in METRICS}, days, profile(len(days)))
    return review.ReviewSpec(
        section=f"{NS}.community",  # the rates live in the section's community: block
        metrics=METRICS,
        daily=daily,
        ranges={name: getattr(s.community, name) for name in COMMUNITY_RATES},
        rates=(
            review.RateRule("join_rate", "joined"),
            review.RateRule("store_visit_rate", "store_visits"),
            review.RateRule("visit_conversion", "store_buyers"),
        ),
        goal="sales",
        goal_target=plan.kpis["sales"].band.p50,
        chart=("joined", "store_visits", "store_buyers", "online_buyers"),
        checklist={"channels": ("joined",), "process": ("store_visits", "store_buyers"),
                   "customer_experience": ("online_buyers", "sales")},
    )


__all__ = ["METRICS", "profile", "spec"]
