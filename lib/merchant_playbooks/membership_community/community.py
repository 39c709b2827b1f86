"""The community event: invitations → groups → active members → visits → sales; gifts; lottery; camp.

- `simulate`: seeded Monte Carlo over the uncertain rates (one array per rate):
  invited × join rate = members who join; each brings `referral_rate` friends;
  groups of `group_size`, each filled to `group_fill` before the next opens; active
  members; store visits × conversion and online buyers → the groups' sales, offline and
  online; plus the trade of buyers outside the groups during the sale (a usual day's
  sales × the sale's days × its lift, split by `OutsideTrade.offline_share`) → the
  event's sales (source 001's case: 13 groups, 4,500+ members, 60% active, 1,500+
  store visits, 32% conversion, ¥1.5M+ of sales in all, 80% offline). Without stores
  there are no store visits and nothing is sold in a store;
- the camp: sign-ups, finishers, buyers, and the members kept when it ends (source
  000: 5,000+ friends kept);
- `lottery_break_even`: everyone wins the third prize and may pay a top-up for the
  first prize instead (source 004); how many top-ups pay for the drawn first prizes,
  and for the whole lottery;
- `camp_schedule`: the challenge camp day by day in three phases — join, keep
  engaged, seed and convert (source 001's three steps; source 000's 21-day camp) —
  with each day's content type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from .. import daysoff
from ..montecarlo import draw, draw_all, generator
from ..pull_new import cost_per_new_member, groups_needed
from ..schema import PositiveRange
from .schema import Section

# Content rotations per camp phase (message keys under membership_community.content.*).
JOIN_CONTENT = ("welcome", "icebreaker", "kickoff")
ENGAGE_CONTENT = ("checkin_tip", "expert_talk", "topic", "red_packet", "survey", "member_share")
SEED_CONTENT = ("product_story", "kol_review", "customer_story", "live_qa", "member_offer")


@dataclass(frozen=True)
class CampDay:
    day: int  # 1-based
    date: date
    phase: str  # join | engage | convert
    content: str  # message key


def camp_phases(days: int) -> tuple[int, int, int]:
    """Days in each phase: join ≈ the first seventh, seed and convert ≈ the last third, engage between."""
    join = max(1, math.ceil(days / 7))
    convert = max(2, math.ceil(days / 3))
    return join, days - join - convert, convert


def camp_schedule(start: date, days: int) -> list[CampDay]:
    """Every camp day with its phase and content; weekly reviews in the engage phase, a last call and a
    graduation at the end."""
    join, engage, _ = camp_phases(days)
    out = []
    for d in range(days):
        when = start + timedelta(days=d)
        if d < join:
            phase, content = "join", JOIN_CONTENT[d] if d < len(JOIN_CONTENT) else "icebreaker"
        elif d < join + engage:
            phase = "engage"
            k = d - join
            content = "weekly_review" if (d + 1) % 7 == 0 else ENGAGE_CONTENT[k % len(ENGAGE_CONTENT)]
        else:
            phase = "convert"
            k = d - join - engage
            if d == days - 1:
                content = "graduation"
            elif d == days - 2:
                content = "last_call"
            else:
                content = SEED_CONTENT[k % len(SEED_CONTENT)]
        out.append(CampDay(d + 1, when, phase, content))
    return reviews_off_days_off(out)


def reviews_off_days_off(days: list[CampDay]) -> list[CampDay]:
    """A weekly review that falls on an official day off moves to the next engage day that is not one
    (none that week when the phase has no such day left)."""
    out = list(days)
    for i, cd in enumerate(out):
        if cd.content != "weekly_review" or not daysoff.is_day_off(cd.date):
            continue
        j = next((k for k in range(i + 1, len(out)) if out[k].phase == "engage" and out[k].content != "weekly_review"
                  and not daysoff.is_day_off(out[k].date)), None)
        if j is None:
            out[i] = replace(cd, content=ENGAGE_CONTENT[0])
        else:
            out[i], out[j] = replace(cd, content=out[j].content), replace(out[j], content="weekly_review")
    return out


@dataclass(frozen=True)
class LotteryBreakEven:
    margin_per_upgrade: Decimal  # top-up − (first prize − third prize)
    drawn_cost: Decimal  # first prizes given by the draw
    upgrades_for_drawn: int | None  # top-ups that pay for the drawn first prizes (None: never)
    upgrades_for_all: int | None  # ... for the drawn first prizes and every third prize
    participants: float  # expected (P50) participants


def lottery_break_even(section: Section, participants: float) -> LotteryBreakEven:
    lot = section.community.lottery
    margin = lot.upgrade_price - (lot.first_prize_cost - lot.third_prize_cost)
    drawn = lot.first_prize_cost * lot.first_prizes
    everyone = drawn + lot.third_prize_cost * Decimal(round(participants))

    def needed(cost: Decimal) -> int | None:
        if cost <= 0:
            return 0
        if margin <= 0:
            return None
        return math.ceil(cost / margin)

    return LotteryBreakEven(margin, drawn, needed(drawn), needed(everyone), participants)


@dataclass
class CommunityForecast:
    draws: dict[str, np.ndarray]  # metric -> (sims,)
    rates: dict[str, np.ndarray]
    store_order_value: PositiveRange
    online_order_value: PositiveRange


FUNNEL = ("invited", "members", "groups", "active", "store_visits", "store_buyers", "online_buyers", "buyers",
          "store_sales", "online_sales", "sales")


@dataclass(frozen=True)
class OutsideTrade:
    """What buyers outside the groups spend during the sale: a usual day's sales (both channels), the share
    of it taken in the stores. `daily` None: nothing known of it (no outside trade is forecast)."""

    daily: PositiveRange | None
    offline_share: float


def simulate(section: Section, invite_pool: int, store_value: PositiveRange, online_value: PositiveRange,
             gift_costs: dict[str, Decimal], stores: bool = True,
             outside: OutsideTrade | None = None) -> CommunityForecast:
    """Every funnel step and cost for `simulations` draws at once; without `stores` nobody visits one and
    nothing is sold in one. `gift_costs` is each gift kind's cost per member it brings in."""
    c, lot = section.community, section.community.lottery
    sims = section.simulations
    rng = generator(section.seed)
    r = draw_all(rng, section.uncertain(), sims)
    store_aov = draw(rng, store_value, sims)
    online_aov = draw(rng, online_value, sims)
    joined = invite_pool * r["join_rate"]
    referred = joined * r["referral_rate"]
    members = joined + referred
    # a group is rarely filled to the cap before the next one opens (source 001: ~70% of 500)
    groups = groups_needed(members, c.group_size, r["group_fill"])
    active = members * r["active_rate"]
    visits = active * r["store_visit_rate"] * (1.0 if stores else 0.0)
    store_buyers = visits * r["visit_conversion"]
    online_buyers = active * r["online_buy_rate"]
    store_sales = store_buyers * store_aov
    online_sales = online_buyers * online_aov
    sales = store_sales + online_sales
    # the sale also sells to buyers outside the groups (walk-ins, shop visitors): a usual day's trade
    # over the sale's days, lifted by the sale; the stores' part only where there are stores
    usual = (draw(rng, outside.daily, sims) if outside is not None and outside.daily is not None
             else np.zeros(sims)) * c.event_days * r["outside_lift"]
    offline_part = outside.offline_share if outside is not None and stores else 0.0
    outside_store, outside_online = usual * offline_part, usual * (1.0 - offline_part)
    event_sales = sales + outside_store + outside_online
    event_store = store_sales + outside_store
    out = {
        "invited": np.full(sims, float(invite_pool)), "joined": joined, "referred": referred, "members": members,
        "groups": groups, "members_per_group": np.divide(members, groups, out=np.zeros(sims), where=groups > 0),
        "active": active, "store_visits": visits, "store_buyers": store_buyers,
        "online_buyers": online_buyers, "buyers": store_buyers + online_buyers, "store_sales": store_sales,
        "online_sales": online_sales, "sales": sales,
        "offline_share": np.divide(store_sales, sales, out=np.zeros(sims), where=sales > 0),
        "outside_store_sales": outside_store, "outside_online_sales": outside_online,
        "outside_sales": outside_store + outside_online, "event_sales": event_sales,
        "event_offline_share": np.divide(event_store, event_sales, out=np.zeros(sims), where=event_sales > 0),
    }
    # gifts: a pull-new gift for the members who join, a referral gift for the friends brought in (each kind's
    # cost per member it brings: one gift may go to whoever brings in several)
    out["gift_pull_new"] = members * float(gift_costs.get("pull_new", 0))
    out["gift_referral"] = referred * float(gift_costs.get("referral", 0))
    out["pull_new_cost_per_member"] = cost_per_new_member(out["gift_pull_new"], members)
    if lot.enabled:
        upgrades = active * r["upgrade_rate"]
        margin = float(lot.upgrade_price - (lot.first_prize_cost - lot.third_prize_cost))
        out["lottery_upgrades"] = upgrades
        out["lottery_net_cost"] = (active * float(lot.third_prize_cost) + lot.first_prizes * float(lot.first_prize_cost)
                                   - upgrades * margin)
    else:
        out["lottery_upgrades"] = np.zeros(sims)
        out["lottery_net_cost"] = np.zeros(sims)
    out["gift_cost"] = out["gift_pull_new"] + out["gift_referral"] + out["lottery_net_cost"]
    if section.camp.enabled:
        camp_joined = active * r["camp_join_rate"]
        finishers = camp_joined * r["camp_full_attendance"]
        camp_buyers = finishers * r["camp_conversion"]
        out.update(camp_joined=camp_joined, camp_finishers=finishers, camp_buyers=camp_buyers,
                   camp_sales=camp_buyers * online_aov, kept_friends=members * r["camp_kept"])
    return CommunityForecast(out, r, store_value, online_value)


__all__ = [
    "FUNNEL",
    "CampDay",
    "CommunityForecast",
    "LotteryBreakEven",
    "OutsideTrade",
    "camp_phases",
    "camp_schedule",
    "lottery_break_even",
    "simulate",
]
