"""The `membership_community:` params section: order history, member tiers, community event, camp.

Defaults come from the sources where they give a figure: groups of 500 (source
004), a week's warm-up and a 10-day sale (source 001), 60% of members active and
32% of store visitors converting (source 001's women's-shoe anniversary), pull-new
gifts within ¥3 (source 004), a 21-day challenge camp (source 000), and the tier
template of FIELD_NOTES.md (1 yuan = 1 growth point; levels at 0 / 1k / 3k / 6k /
10k; the four levels above the first pay 98 / 95 / 90 / 88% of list price).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field

from ..errors import Problem
from ..schema import (
    CountRange,
    Money,
    PositiveMoney,
    PositiveRange,
    RateRange,
    Seed,
    Share,
    Simulations,
    StrictModel,
    Text,
)
from ..shop_exports.formats import format_field


class Tier(StrictModel):
    """One member level: who reaches it, what they pay, what else they get."""

    name: Annotated[Text, Field(min_length=1, max_length=40, description="the level's name, as members see it")]
    min_spend: Annotated[Money, Field(description="spend within tier_window_days that reaches this level")]
    price_rate: Annotated[
        float, Field(gt=0, le=1, description="share of list price members of this level pay (0.95 = 5% off)")
    ] = 1.0
    perks_cost: Annotated[
        Money, Field(description="yearly cost per member of the level's other perks (birthday gift, free shipping)")
    ] = Decimal(0)
    perks: Annotated[Text, Field(max_length=200, description="the perks in a few words, for the member rules")] = ""


class Gift(StrictModel):
    """A gift the community hands out, by type (source 004's three kinds)."""

    kind: Annotated[
        Literal["pull_new", "referral"],
        Field(description="pull_new: for joining a group; referral: for each friend a member brings in "
                          "(lottery prizes are set under lottery)"),
    ]
    item: Annotated[Text, Field(min_length=1, max_length=80, description="what the gift is")]
    unit_cost: Annotated[Money, Field(description="cost of one gift")]
    members_per_gift: Annotated[
        float, Field(ge=1, le=1000, description="new members one gift brings in: 1 when everyone who joins gets one; "
                                                "3 when one gift goes to whoever brings in three friends "
                                                "(the pull-new rule is on the cost per new member)")
    ] = 1.0


class Lottery(StrictModel):
    """Everyone wins the third prize; winners may pay a top-up to take the first prize instead (source 004)."""

    enabled: Annotated[bool, Field(description="run the top-up lottery in the groups")] = True
    third_prize: Annotated[Text | None, Field(max_length=80, description="the prize every participant wins; default: "
                                              "a small gift, named in the merchant's language")] = None
    third_prize_cost: Annotated[Money, Field(description="cost of one third prize")] = Decimal(6)
    first_prize: Annotated[Text | None, Field(max_length=80, description="the top prize; default: the top prize, "
                                              "named in the merchant's language")] = None
    first_prize_cost: Annotated[PositiveMoney, Field(description="cost of one first prize")] = Decimal(160)
    first_prizes: Annotated[int, Field(ge=0, le=10_000, description="first prizes given by the draw itself")] = 3
    upgrade_price: Annotated[Money, Field(description="top-up a winner pays to swap the third prize for the first")] = (
        Decimal(199))
    upgrade_rate: Annotated[RateRange, Field(description="third-prize winners who pay the top-up")] = RateRange(
        low=0.03, high=0.10)


class Camp(StrictModel):
    """A day-by-day challenge camp in the groups: join, keep engaged, seed and convert (source 000: 21 days)."""

    enabled: Annotated[bool, Field(description="run a challenge camp")] = True
    days: Annotated[int, Field(ge=7, le=60, description="camp length in days")] = 21
    start_date: Annotated[
        date | None, Field(description="first camp day; default: the first warm-up day")
    ] = None
    theme: Annotated[Text, Field(max_length=80, description="the challenge, e.g. '21-day walking challenge'")] = ""
    join_rate: Annotated[RateRange, Field(description="active members who sign up for the camp")] = RateRange(
        low=0.15, high=0.35)
    full_attendance_rate: Annotated[
        RateRange, Field(description="sign-ups who check in every day (a prior: ≥ 50% is claimed, not measured)")
    ] = RateRange(low=0.35, high=0.6)
    conversion_rate: Annotated[
        RateRange, Field(description="finishers who buy on the convert days (a prior: ~49% is claimed)")
    ] = RateRange(low=0.25, high=0.5)
    kept_rate: Annotated[
        RateRange, Field(description="group members still in the groups (the brand's friends) when the camp ends; "
                                     "no published figure, so the range is wide")
    ] = RateRange(low=0.6, high=0.9)


class Community(StrictModel):
    """The community event: invite, fill groups, keep them active, turn visits into sales."""

    invite_pool: Annotated[
        int | None, Field(ge=0, le=10**8, description="people invited to the groups; default: merchant.fans")
    ] = None
    join_rate: Annotated[RateRange, Field(description="invited people who join a group")] = RateRange(
        low=0.6, high=0.8)
    referral_rate: Annotated[CountRange, Field(description="friends each member brings in (invite-with-prize)")] = (
        CountRange(low=0.1, high=0.3))
    group_size: Annotated[
        int, Field(ge=40, le=500, description="most members a group holds: WeChat allows 500 (source 004)")
    ] = 500
    group_fill: Annotated[
        RateRange, Field(description="how full a group gets before the next one opens, as a share of group_size "
                                     "(source 001: 4,500+ members in 13 groups of 500, about 70%)")
    ] = RateRange(low=0.6, high=0.9)
    active_rate: Annotated[RateRange, Field(description="members active in the groups (source 001: 60%)")] = (
        RateRange(low=0.5, high=0.7))
    store_visit_rate: Annotated[
        RateRange, Field(description="active members who visit a store during the sale (source 001: 1,500+)")
    ] = RateRange(low=0.4, high=0.6)
    visit_conversion: Annotated[RateRange, Field(description="store visitors who buy (source 001: 32%)")] = (
        RateRange(low=0.25, high=0.4))
    online_buy_rate: Annotated[RateRange, Field(description="active members who order online during the sale")] = (
        RateRange(low=0.03, high=0.08))
    store_order_value: Annotated[
        PositiveRange | None, Field(description="spend per store buyer; default: the history's offline orders ±20%")
    ] = None
    online_order_value: Annotated[
        PositiveRange | None, Field(description="spend per online buyer; default: the history's online orders ±20%")
    ] = None
    outside_daily_sales: Annotated[
        PositiveRange | None,
        Field(description="a usual day's sales to buyers outside the groups (walk-ins, shop visitors), stores and "
                          "online together; default: merchant.monthly_sales / 30 (none when it is 0)")
    ] = None
    outside_lift: Annotated[
        PositiveRange, Field(description="the sale's pull on trade outside the groups, against a usual day (1 = none; "
                                         "no source measures it, so the range is wide)")
    ] = PositiveRange(low=1.0, high=1.5)
    outside_offline_share: Annotated[
        Share | None, Field(description="share of the trade outside the groups taken in the stores; default: the "
                                        "order history's offline share of sales (0 without stores)")
    ] = None
    warmup_days: Annotated[int, Field(ge=0, le=30, description="groups open this many days before the sale")] = 7
    event_days: Annotated[int, Field(ge=1, le=60, description="length of the sale (source 001: 10 days)")] = 10
    gifts: Annotated[list[Gift], Field(description="gifts by type")] = [  # noqa: RUF012 - pydantic copies defaults
        Gift(kind="pull_new", item="Shoe deodoriser sachet", unit_cost=Decimal("2.5")),
        Gift(kind="referral", item="¥20 voucher", unit_cost=Decimal(8)),
    ]
    pull_new_cap: Annotated[
        Money, Field(description="most the pull-new gifts should cost per new member (source 004: ¥3)")
    ] = Decimal(3)
    lottery: Lottery = Lottery()
    fixed_costs: Annotated[
        Money, Field(description="the event's fixed costs (printing, group tools, paid staff hours); default 0")
    ] = Decimal(0)


class Section(StrictModel):
    """Membership and community: keep and grow the customers a stable merchant already has."""

    orders_file: Annotated[
        Text, Field(min_length=1, description="order history, relative to the params file: the project's CSV "
                                             "(customer_id, order_date, amount; optional channel, store, guide, "
                                             "order_id) or a shop's order export as downloaded (CSV or xlsx)")
    ]
    orders_format: format_field("orders_file") = "auto"
    start_date: Annotated[date, Field(description="first day of the community sale (YYYY-MM-DD)")]
    analysis_date: Annotated[
        date | None, Field(description="'today' for recency and CLV; default: the day after the last order")
    ] = None
    tiers: Annotated[
        list[Tier] | None, Field(description="member levels, lowest first; default: see tier_source")
    ] = None
    tier_source: Annotated[
        Literal["template", "spend"],
        Field(description="without tiers: template (0/1k/3k/6k/10k) or spend (thresholds at tier_spend_shares)"),
    ] = "template"
    tier_spend_shares: Annotated[
        list[Share], Field(description="with tier_source: spend, the share of customers who bought within "
                                       "tier_window_days at or above each level after the first, "
                                       "e.g. [0.4, 0.15, 0.05, 0.01]")
    ] = [0.4, 0.15, 0.05, 0.01]  # noqa: RUF012 - pydantic copies defaults
    tier_window_days: Annotated[int, Field(ge=30, le=3660, description="spend counted towards a level")] = 365
    reach_share: Annotated[
        Share, Field(description="a customer is within reach of the next level when the gap is at most this "
                                 "share of its threshold")
    ] = 0.2
    repeat_uplift: Annotated[
        RateRange, Field(description="extra repeat revenue membership brings, as a share of members' expected spend")
    ] = RateRange(low=0.04, high=0.12)
    gross_margin: Annotated[Share, Field(description="gross margin on sales")] = 0.5
    benefit_budget_share: Annotated[
        Share, Field(description="benefit budget per level as a share of its CLV (1-3% typical, >5% erodes margin)")
    ] = 0.03
    clv_months: Annotated[int, Field(ge=1, le=60, description="CLV horizon in months")] = 12
    annual_discount: Annotated[float, Field(ge=0, le=1, description="yearly discount rate for CLV")] = 0.10
    winback_p_alive: Annotated[
        Share, Field(description="customers below this probability of still buying are at risk")
    ] = 0.5
    winback_count: Annotated[int, Field(ge=1, le=1000, description="at-risk customers listed for win-back")] = 20
    community: Community = Community()
    camp: Camp = Camp()
    actuals: Annotated[
        Text | None,
        Field(description="after the sale: daily actuals CSV (date, joined, store_visits, store_buyers, "
              "online_buyers, sales; any subset), relative to this file; adds the Review section"),
    ] = None
    seed: Seed = 11
    simulations: Simulations = 4000

    def check(self) -> list[Problem]:
        problems = []
        if self.tiers is not None:
            if not self.tiers:
                problems.append(Problem("tiers", "must list at least one level (or be left out)", [], True))
            mins = [t.min_spend for t in self.tiers]
            if any(b <= a for a, b in pairwise(mins)):
                problems.append(Problem("tiers", "must go from the lowest min_spend to the highest, each higher "
                                                 "than the one before", [str(m) for m in mins], True))
            if self.tiers and mins[0] != 0:
                problems.append(Problem("tiers.0.min_spend", "must be 0: the first level is where every customer "
                                                             "starts", mins[0], True))
        shares = self.tier_spend_shares
        if not shares or any(b >= a for a, b in pairwise(shares)) or shares[0] >= 1 or shares[-1] <= 0:
            problems.append(Problem("tier_spend_shares", "must be decreasing shares between 0 and 1, e.g. "
                                                         "[0.4, 0.15, 0.05, 0.01]", list(shares), True))
        start = self.camp.start_date
        if self.camp.enabled and start is not None and abs((start - self.start_date).days) > 60:
            problems.append(Problem("camp.start_date", "must be within 60 days of the sale", start, True))
        return problems

    @property
    def warmup_start(self) -> date:
        return self.start_date - timedelta(days=self.community.warmup_days)

    @property
    def event_end(self) -> date:
        return self.start_date + timedelta(days=self.community.event_days - 1)

    @property
    def camp_start(self) -> date:
        return self.camp.start_date or self.warmup_start

    @property
    def camp_end(self) -> date:
        return self.camp_start + timedelta(days=self.camp.days - 1)

    @property
    def plan_start(self) -> date:
        return min(self.warmup_start, self.camp_start) if self.camp.enabled else self.warmup_start

    @property
    def end_date(self) -> date:
        return max(self.event_end, self.camp_end) if self.camp.enabled else self.event_end

    def uncertain(self) -> dict[str, object]:
        c = self.community
        ranges = {name: getattr(c, name) for name in ("join_rate", "referral_rate", "active_rate",
                                                       "store_visit_rate", "visit_conversion", "online_buy_rate")}
        ranges["repeat_uplift"] = self.repeat_uplift
        ranges["upgrade_rate"] = c.lottery.upgrade_rate
        ranges["camp_join_rate"] = self.camp.join_rate
        ranges["camp_full_attendance"] = self.camp.full_attendance_rate
        ranges["camp_conversion"] = self.camp.conversion_rate
        ranges["group_fill"] = c.group_fill
        ranges["outside_lift"] = c.outside_lift
        ranges["camp_kept"] = self.camp.kept_rate
        return ranges
