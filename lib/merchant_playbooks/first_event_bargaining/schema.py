"""The `first_event_bargaining:` params section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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
    Simulations,
    StrictModel,
    Text,
)
from ..vocabulary import Channel

#: a unit's cost of goods when `unit_cost` is not given: half the original price (a 50% gross margin)
DEFAULT_COST_SHARE = Decimal("0.5")


class GroupBuy(StrictModel):
    """The group-buy alternative, compared on the same budget."""

    team_size: Annotated[int, Field(ge=2, le=50, description="buyers per team, the leader included")] = 3
    price: Annotated[Money | None, Field(description="group price; default: halfway between floor and original")] = None
    joins_mean: Annotated[PositiveRange, Field(description="friends who join a leader's team (mean), as a range")] = (
        PositiveRange(low=1.0, high=2.5)
    )
    joins_dispersion: Annotated[PositiveRange, Field(description="dispersion k of joins per leader")] = PositiveRange(
        low=0.8, high=2.0
    )


class ReferralGift(StrictModel):
    """The referral-gift alternative: a gift for each friend who buys through a customer's link."""

    gift_cost: Annotated[Money, Field(description="cost of one referral gift")] = Decimal("10")
    referrals_mean: Annotated[CountRange, Field(description="buying friends per sharing customer, as a range")] = (
        CountRange(low=0.2, high=0.8)
    )


class Section(StrictModel):
    """A price-cut event: customers invite friends to cut the price down to a floor."""

    start_date: Annotated[date, Field(description="first day of the event (YYYY-MM-DD)")]
    duration_days: Annotated[
        int, Field(ge=1, le=60, description="days the event runs")
    ] = 15
    warmup_days: Annotated[int, Field(ge=0, le=30, description="teaser days before the start")] = 3
    product: Annotated[Text, Field(min_length=1, max_length=120, description="the product on offer")] = "Hero product"
    original_price: Annotated[PositiveMoney, Field(description="price before any cut")]
    floor_price: Annotated[Money, Field(description="price once every helper has cut (0 = bargain for free)")]
    unit_cost: Annotated[
        Money | None,
        Field(description="what one unit costs the merchant (cost of goods, for the P&L); default: half the "
              "original price (DEFAULT_COST_SHARE), a typical retail margin"),
    ] = None
    stock: Annotated[int, Field(ge=1, le=10_000_000, description="units available at the floor price; the plan "
                                "publishes at most what the budget allows")]
    helpers_needed: Annotated[
        int | None,
        Field(ge=1, le=500, description="friends who must help to reach the floor (N); default: the decision "
              "table's best within budget. Set it to override the decision (say why in helpers_reason)"),
    ] = None
    helpers_reason: Annotated[
        Text | None,
        Field(min_length=1, max_length=300, description="why helpers_needed overrides the decision; the handout "
              "shows it"),
    ] = None
    helpers_options: Annotated[
        tuple[int, int],
        Field(description="smallest and largest N the decision table compares, e.g. [3, 30]"),
    ] = (3, 30)
    cut_style: Annotated[
        Literal["decreasing", "random"],
        Field(description="decreasing: fixed shrinking cuts; random: double-average draws sorted largest first"),
    ] = "decreasing"
    max_cut_multiple: Annotated[
        float, Field(ge=2, le=10, description="no single cut above this multiple of the average cut")
    ] = 4.0
    forced_follow: Annotated[
        bool, Field(description="initiators and helpers must follow the account: forbidden by the platform rules "
                    "(kept only when set here, and then flagged on the cover); default: the follow is optional")
    ] = False
    share_via: Annotated[
        tuple[Channel, ...],
        Field(min_length=1, description="where customers share their bargain to ask for help: mini_program (in-app "
              "cards), external_link (H5 links, Moments), wechat_group, wecom_group, official_account, "
              "offline_store; checked against the platform rules (external_link is forbidden and flagged); "
              "default: the compliant path, the mini program's own cards, WeChat groups and the store"),
    ] = ("mini_program", "wechat_group", "offline_store")
    external_views: Annotated[int, Field(ge=0, le=10**9, description="product views bought or from partners")] = 0
    product_views: Annotated[
        int | None,
        Field(ge=1, le=10**9, description="the product page's total views over the event, from every channel and "
              "the helpers' own visits included (a past event's figure, a traffic package or the platform's "
              "estimate); the plan spreads them over the days and counts the helpers' views inside this total, "
              "never on top; when set, fans, reach_rate, views_per_fan and external_views no longer drive the "
              "views (with close_when_sold_out: the views a run to the end date would get); default: worked "
              "out from the fans reached and external_views, helpers' views added"),
    ] = None
    close_when_sold_out: Annotated[
        bool,
        Field(description="end the event the day the floor-price stock is gone (announced; no new bargains from "
              "the next day); default: the event runs to its end date as bargain tools do, and the stock caps "
              "only the floor-price orders (later finishers are told it is gone)"),
    ] = False
    fixed_costs: Annotated[Money, Field(description="posters, ads and tools for the event")] = Decimal("0")

    reach_rate: Annotated[RateRange, Field(description="share of fans who see the event")] = RateRange(
        low=0.2, high=0.5
    )
    views_per_fan: Annotated[CountRange, Field(description="product views per reached fan over the event")] = (
        CountRange(low=1.0, high=3.0)
    )
    attempt_rate: Annotated[
        RateRange, Field(description="viewers who start a bargain (a launch case: 8,000 of 240,000 views ≈ 3.3%)")
    ] = RateRange(low=0.02, high=0.05)
    helpers_mean: Annotated[PositiveRange, Field(description="friends who help one initiator (mean)")] = PositiveRange(
        low=5.0, high=12.0
    )
    helpers_dispersion: Annotated[
        PositiveRange, Field(description="dispersion k: smaller means a few initiators bring most helpers")
    ] = PositiveRange(low=0.8, high=2.0)
    difficulty_elasticity: Annotated[
        RateRange,
        Field(description="how much fewer people start when more helpers are needed: attempts scale by (10/N)^e"),
    ] = RateRange(low=0.3, high=0.8)
    helper_attempt_rate: Annotated[
        RateRange, Field(description="helpers who then start a bargain of their own")
    ] = RateRange(low=0.02, high=0.06)
    order_rate: Annotated[RateRange, Field(description="initiators at the floor who then pay")] = RateRange(
        low=0.6, high=0.9
    )
    new_share: Annotated[RateRange, Field(description="initiators and helpers who are new to the store")] = RateRange(
        low=0.4, high=0.7
    )
    follow_rate: Annotated[
        RateRange, Field(description="new people who follow when following is optional (forced_follow: false)")
    ] = RateRange(low=0.1, high=0.3)

    group_buy: GroupBuy = GroupBuy()
    referral_gift: ReferralGift = ReferralGift()
    actuals: Annotated[
        Text | None,
        Field(description="after the event: daily actuals CSV (date, views, attempts, helpers, completions, "
              "orders, new_followers; any subset), relative to this file; adds the Review section"),
    ] = None
    seed: Seed = 7
    simulations: Simulations = 4000

    def check(self) -> list[Problem]:
        problems = []
        if self.floor_price >= self.original_price:
            problems.append(
                Problem("floor_price", f"must be below original_price ({self.original_price})", self.floor_price, True)
            )
        else:
            gap_fen = int((self.original_price - self.floor_price) * 100)
            if self.helpers_needed is None and gap_fen < self.helpers_options[0]:
                problems.append(
                    Problem("helpers_options", f"must start at most at {gap_fen}: each helper cuts at least 0.01 "
                            f"and the price gap is {self.original_price - self.floor_price}",
                            list(self.helpers_options), True)
                )
            if self.helpers_needed is not None and gap_fen < self.helpers_needed:
                problems.append(
                    Problem(
                        "helpers_needed",
                        f"must be at most {gap_fen}: each helper cuts at least 0.01 and the price gap is "
                        f"{self.original_price - self.floor_price}",
                        self.helpers_needed,
                        True,
                    )
                )
        lo, hi = self.helpers_options
        if not 1 <= lo <= hi <= 500:
            problems.append(
                Problem("helpers_options", "must be [smallest, largest] with 1 <= smallest <= largest <= 500",
                        list(self.helpers_options), True)
            )
        price = self.group_buy.price
        if price is not None and price >= self.original_price:
            problems.append(
                Problem("group_buy.price", f"must be below original_price ({self.original_price})", price, True)
            )
        return problems

    @property
    def cost_of_goods(self) -> Decimal:
        """One unit's cost: `unit_cost`, or DEFAULT_COST_SHARE of the original price when it is not given."""
        if self.unit_cost is not None:
            return self.unit_cost
        return (self.original_price * DEFAULT_COST_SHARE).quantize(Decimal("0.01"))

    @property
    def end_date(self) -> date:
        from datetime import timedelta

        return self.start_date + timedelta(days=self.duration_days - 1)

    def uncertain(self) -> dict[str, object]:
        """The uncertain rates, by name, for the Monte Carlo."""
        return {
            name: getattr(self, name)
            for name in ("reach_rate", "views_per_fan", "attempt_rate", "helpers_mean", "helpers_dispersion",
                         "difficulty_elasticity", "helper_attempt_rate", "order_rate", "new_share", "follow_rate")
        }
