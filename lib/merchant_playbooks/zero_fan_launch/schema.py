"""The `zero_fan_launch:` params section.

Defaults follow source 000's driving-school "micro-assistance" case (register,
invite friends to help, 50+ help points → ¥100 off, ranking prizes, a gift pack
for adding customer service) where the source gives a figure; the rates are our
priors, written as ranges for the Monte Carlo.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from ..errors import Problem
from ..schema import (
    CountRange,
    Money,
    PositiveRange,
    RateRange,
    Seed,
    Share,
    Simulations,
    StrictModel,
    Text,
)
from ..vocabulary import Channel

# The fission methods the decision table compares (sources 000, 002, 004).
MECHANICS = ("friend_assistance", "voting", "referral_gift", "partner_swap", "group_buy", "bargain_for_free")
# The ones the points model simulates: friends give points (helps or votes) to a participant.
POINTS_MECHANICS = ("friend_assistance", "voting")
CRITERIA = ("feasibility", "influence", "difficulty", "success", "cost")

Score = Annotated[int, Field(ge=1, le=5)]

# What a helper does besides giving points, by mechanic (see `shares_per_helper`, `points_per_helper`).
HELPER_SHARES = {"friend_assistance": CountRange(low=0.01, high=0.06), "voting": CountRange(low=0.1, high=0.3)}
HELPER_POINTS = {"friend_assistance": CountRange(low=1, high=1), "voting": CountRange(low=1, high=3)}


class Weights(StrictModel):
    """How much each criterion counts in the mechanic table (source 002's fission-method ranking)."""

    feasibility: Annotated[float, Field(ge=0, le=100, description="can the merchant run it with what it has")] = 0.25
    influence: Annotated[float, Field(ge=0, le=100, description="how far it spreads")] = 0.25
    difficulty: Annotated[float, Field(ge=0, le=100, description="effort to run it (less is better)")] = 0.15
    success: Annotated[float, Field(ge=0, le=100, description="likelihood it works")] = 0.20
    cost: Annotated[float, Field(ge=0, le=100, description="money it needs (less is better)")] = 0.15

    def as_dict(self) -> dict[str, float]:
        return {c: getattr(self, c) for c in CRITERIA}


class Scores(StrictModel):
    """A consultant's own 1–5 scores for one mechanic; criteria left out keep the defaults."""

    feasibility: Score | None = None
    influence: Score | None = None
    difficulty: Score | None = None
    success: Score | None = None
    cost: Score | None = None


class MechanicScores(StrictModel):
    """Score overrides by mechanic (1 = low, 5 = high; for difficulty and cost 5 means hard / expensive)."""

    friend_assistance: Scores = Scores()
    voting: Scores = Scores()
    referral_gift: Scores = Scores()
    partner_swap: Scores = Scores()
    group_buy: Scores = Scores()
    bargain_for_free: Scores = Scores()


class Partner(StrictModel):
    """A business from another trade that shares the campaign with its audience (a traffic swap, source 004)."""

    name: Annotated[Text, Field(min_length=1, max_length=120, description="shown in the channel plan")]
    audience: Annotated[int, Field(ge=0, le=10**8, description="people the partner reaches (followers, members)")]
    join_rate: Annotated[RateRange, Field(description="share of the partner's audience who register")] = RateRange(
        low=0.005, high=0.02
    )
    day: Annotated[
        int | None,
        Field(ge=1, le=60, description="campaign day the partner posts (1 = start); default: after the staff days"),
    ] = None


class RankPrize(StrictModel):
    """A prize for a block of the points ranking, e.g. ranks [1, 1] or [2, 10]."""

    ranks: Annotated[tuple[int, int], Field(description="first and last rank that win it, e.g. [2, 10]")]
    prize: Annotated[Text, Field(min_length=1, max_length=120, description="what the winners get")]
    value: Annotated[Money, Field(description="what one prize costs the merchant")]


class Section(StrictModel):
    """A zero-budget fission campaign: staff and partners seed it, friends' help points drive it."""

    start_date: Annotated[date, Field(description="first day of the campaign (YYYY-MM-DD)")]
    duration_days: Annotated[int, Field(ge=1, le=60, description="days the campaign runs")] = 14
    warmup_days: Annotated[int, Field(ge=0, le=30, description="preparation days before the start")] = 3
    mechanic: Annotated[
        Literal["friend_assistance", "voting"],
        Field(description="what the campaign runs: friends help (points) or vote; both use the points model; "
              "left out: the decision's best option within budget"),
    ] = "friend_assistance"
    product: Annotated[Text, Field(min_length=1, max_length=120, description="what the reward discounts")] = (
        "Our service"
    )
    margin: Annotated[Share, Field(description="gross margin of the product as a share of price (0.3 = 30%)")] = 0.3

    reward_threshold: Annotated[
        int, Field(ge=1, le=100_000, description="points a participant needs for the reward; source 000: 50")
    ] = 50
    reward_value: Annotated[Money, Field(description="the reward per qualifier; source 000: 100 off")] = Decimal(100)
    reward_cap: Annotated[
        int | None, Field(ge=1, le=10**7, description="most rewards given (first come); empty: no cap")
    ] = None
    threshold_options: Annotated[
        tuple[int, ...], Field(min_length=1, max_length=20, description="thresholds the decision table compares")
    ] = (20, 30, 50, 80, 100)
    ranking_prizes: Annotated[
        tuple[RankPrize, ...], Field(max_length=20, description="prizes by rank in the points ranking")
    ] = ()
    retention_gift: Annotated[
        Text, Field(min_length=1, max_length=120, description="free gift for adding customer service (source 000)")
    ] = "Gift pack"
    retention_gift_cost: Annotated[
        Money, Field(description="cost of one retention gift; source 004 keeps pull-new gifts within 3")
    ] = Decimal(3)
    fixed_costs: Annotated[Money, Field(description="posters, plug-in fees")] = Decimal(0)
    fan_value: Annotated[
        Money | None, Field(description="what one new fan is worth to you after the campaign (e.g. the margin of "
                            "a first purchase); empty: unknown, so the P&L counts the campaign's cost only")
    ] = None
    mechanic_reason: Annotated[
        Text, Field(max_length=300, description="why the plan runs `mechanic` when the decision table favours "
                    "another one (shown in the handout)")
    ] = ""

    share_via: Annotated[
        tuple[Channel, ...],
        Field(min_length=1, description="where participants and staff share to ask for points: mini_program "
              "(in-app cards), wechat_group, wecom_group, external_link (H5 links, Moments), official_account, "
              "offline_store; checked against the platform rules"),
    ] = ("mini_program", "wechat_group")
    staff: Annotated[int, Field(ge=0, le=100_000, description="employees who share first (source 000)")] = 0
    staff_days: Annotated[int, Field(ge=1, le=30, description="days the staff push lasts before partners join")] = 3
    partners: Annotated[tuple[Partner, ...], Field(max_length=50, description="cross-industry partners")] = ()

    shares_per_staff: Annotated[CountRange, Field(description="shares each employee makes over the staff days")] = (
        CountRange(low=3, high=6)
    )
    fan_join_rate: Annotated[RateRange, Field(description="existing fans who register")] = RateRange(
        low=0.05, high=0.2
    )
    views_per_share: Annotated[CountRange, Field(description="views one share (post, forward) gets")] = CountRange(
        low=8, high=20
    )
    join_rate: Annotated[RateRange, Field(description="first-time viewers who register themselves")] = RateRange(
        low=0.015, high=0.04
    )
    help_rate: Annotated[RateRange, Field(description="first-time viewers who give a point (help or vote)")] = (
        RateRange(low=0.3, high=0.5)
    )
    shares_per_participant_day: Annotated[
        CountRange, Field(description="shares a participant makes per day at the start")
    ] = CountRange(low=0.8, high=2.0)
    fatigue: Annotated[
        RateRange, Field(description="a sharer's sharing kept from one day to the next, counted from the day they "
                         "join (0.8 = 20% less each day); estimable from how fast each day's new "
                         "participants stop sharing")
    ] = RateRange(low=0.7, high=0.9)
    shares_per_helper: Annotated[
        CountRange | None, Field(description="shares one helper (voter) makes to pass the campaign on; empty: "
                                 "by mechanic, [0.01, 0.06] for friend assistance (helpers rarely pass it on) and "
                                 "[0.1, 0.3] for voting (voters canvass for their candidate; source 000's "
                                 "micro-voting: 21,000 shares from some 100,000 voters)")
    ] = None
    points_per_helper: Annotated[
        CountRange | None, Field(description="points one helper gives (votes per voter); empty: by mechanic, 1 for "
                                 "friend assistance and [1, 3] for voting (a vote a day)")
    ] = None
    circle_size: Annotated[
        PositiveRange, Field(description="people one sharer's posts can reach (WeChat friends, groups, Moments): "
                             "staff, partners and every new sharer add their circle to the reachable audience, "
                             "so it grows as the campaign spreads; estimable as new people reached per new sharer")
    ] = PositiveRange(low=100, high=300)
    reachable_pool: Annotated[
        PositiveRange, Field(description="the most people the campaign could reach at all (the city's or trade's "
                             "WeChat users its theme speaks to): circles overlap more as the audience nears it "
                             "(saturation); source 000's zero-fan cases reached 320,000 and 380,000")
    ] = PositiveRange(low=200_000, high=1_000_000)
    points_dispersion: Annotated[
        PositiveRange, Field(description="dispersion k of points per participant: small means a few super-sharers")
    ] = PositiveRange(low=0.3, high=0.8)
    participant_follow_rate: Annotated[RateRange, Field(description="participants who follow the account")] = (
        RateRange(low=0.6, high=0.9)
    )
    helper_follow_rate: Annotated[RateRange, Field(description="helpers (not registered) who follow")] = RateRange(
        low=0.05, high=0.2
    )
    add_service_rate: Annotated[
        RateRange, Field(description="participants who add customer service for the gift")
    ] = RateRange(low=0.3, high=0.6)
    forced_follow: Annotated[
        bool, Field(description="helpers must follow the account before they can help or vote (follow-to-vote): "
                    "every helper becomes a fan, but the platform rules forbid induced follows (kept only when set "
                    "here, and then flagged on the cover); default: the follow is optional (helper_follow_rate)")
    ] = False
    price: Annotated[
        Money | None, Field(description="list price of what participants sign up for (a course, a service); set, "
                            "sign-ups who pay become sales, the reward a discount on them; empty: the campaign "
                            "sells nothing itself")
    ] = None
    paid_rate: Annotated[
        RateRange, Field(description="sign-ups (participants) who go on to pay the price during the campaign; "
                         "no public benchmark: a wide prior")
    ] = RateRange(low=0.01, high=0.05)

    weights: Weights = Weights()
    scores: Annotated[MechanicScores, Field(description="override the mechanic table's 1–5 scores")] = (
        MechanicScores()
    )
    actuals: Annotated[
        Text | None,
        Field(description="after the campaign: daily actuals CSV (date, shares, views, reached, helpers, "
              "participants, new_fans; any subset), relative to this file; adds the Review section"),
    ] = None
    seed: Seed = 7
    simulations: Simulations = 4000

    def check(self) -> list[Problem]:
        problems = []
        if sum(self.weights.as_dict().values()) <= 0:
            problems.append(Problem("weights", "must have at least one weight above 0", self.weights.as_dict(), True))
        for i, p in enumerate(self.partners):
            if p.day is not None and p.day > self.duration_days:
                problems.append(Problem(f"partners.{i}.day", f"must be at most duration_days ({self.duration_days})",
                                        p.day, True))
        taken: list[tuple[int, int]] = []
        for i, prize in enumerate(self.ranking_prizes):
            lo, hi = prize.ranks
            if not 1 <= lo <= hi <= 100_000:
                problems.append(Problem(f"ranking_prizes.{i}.ranks",
                                        "must be [first, last] with 1 <= first <= last <= 100000",
                                        list(prize.ranks), True))
                continue
            if any(lo <= b and a <= hi for a, b in taken):
                problems.append(Problem(f"ranking_prizes.{i}.ranks", "overlaps another prize's ranks",
                                        list(prize.ranks), True))
            taken.append((lo, hi))
        if any(t < 1 for t in self.threshold_options):
            problems.append(Problem("threshold_options", "must all be at least 1", list(self.threshold_options), True))
        return problems

    @property
    def helper_shares(self) -> CountRange:
        """`shares_per_helper`, or the mechanic's default."""
        return self.shares_per_helper or HELPER_SHARES[self.mechanic]

    @property
    def helper_points(self) -> CountRange:
        """`points_per_helper`, or the mechanic's default."""
        return self.points_per_helper or HELPER_POINTS[self.mechanic]

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(days=self.duration_days - 1)

    def partner_day(self, i: int) -> int:
        """The campaign day (1-based) partner `i` posts: employees first, then partners one a day."""
        p = self.partners[i]
        if p.day is not None:
            return p.day
        return min(self.staff_days + 1 + i, self.duration_days)

    def uncertain(self) -> dict[str, object]:
        """The uncertain rates, by name, for the Monte Carlo (partners' join rates as `partner_<i>`)."""
        names = ("shares_per_staff", "fan_join_rate", "views_per_share", "join_rate", "help_rate",
                 "shares_per_participant_day", "fatigue", "circle_size", "reachable_pool", "points_dispersion",
                 "participant_follow_rate", "helper_follow_rate", "add_service_rate", "paid_rate")
        rates: dict[str, object] = {name: getattr(self, name) for name in names}
        rates["shares_per_helper"] = self.helper_shares
        rates["points_per_helper"] = self.helper_points
        for i, p in enumerate(self.partners):
            rates[f"partner_{i}"] = p.join_rate
        return rates
