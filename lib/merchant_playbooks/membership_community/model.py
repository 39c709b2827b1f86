"""The membership and community model: validated params + order history → plain data.

Customers (RFM, CLV, level) → levels with their benefit cost against what their
customers are worth → membership ROI as a range → the community event's funnel,
gifts and lottery → the camp, day by day. Pure: the same params and file give the
same numbers. What depends only on the file and a few params (the history, RFM,
CLV, the level table) comes through `cache.py`, worked out once per file version.
The community sale's forecast also counts the trade of buyers outside the groups
(`outside_trade`): the event's sales, beside what the groups themselves bring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..montecarlo import Band
from ..schema import MerchantSection, PositiveRange
from . import cache, community, tiers
from . import clv as clv_mod
from .orders import ORDER_VALUE_SPREAD, OrderHistory, order_value_range
from .schema import Section
from .tiers import window_spend
from .winback import winback_list


@dataclass
class MembershipModel:
    history: OrderHistory
    analysis_date: date
    customers: pd.DataFrame  # index customer_id: RFM, CLV, level
    segments: pd.DataFrame
    levels: list[tiers.Level]
    tiers: pd.DataFrame
    clv: clv_mod.ClvModel | None
    clv_problem: str  # why CLV could not be fitted ("" when it was)
    winback: pd.DataFrame
    economics: dict[str, Band]
    community: community.CommunityForecast
    lottery: community.LotteryBreakEven
    camp: list[community.CampDay]
    invite_pool: int
    gift_costs: dict[str, Decimal] = field(default_factory=dict)
    _bands: dict[str, Band] = field(default_factory=dict, repr=False)

    def band(self, metric: str) -> Band:
        """P10/P50/P90 of a metric's draws (worked out once: the plan asks for most of them twice)."""
        band = self._bands.get(metric)
        if band is None:
            band = self._bands[metric] = Band.of(self.community.draws[metric])
        return band


def build_model(section: Section, merchant: MerchantSection, orders_path: Path, level_names: list[str],
                source: str | None = None) -> MembershipModel:
    # the history, RFM, CLV and win-back list depend on the file and a few params only: worked out once
    # per file version (cache.py)
    base = cache.customer_base(orders_path, source, section.analysis_date, section.clv_months,
                               section.annual_discount, section.tier_window_days, section.winback_p_alive,
                               section.winback_count, section.orders_format)
    history, ad, customers, fitted, problem = (base.history, base.analysis_date, base.customers, base.clv,
                                               base.clv_problem)
    if fitted is None:
        # no model: a year's run-rate stands in for next year's spend; no CLV, no P(alive)
        customers["p_alive"] = np.nan
        customers["purchases_next"] = np.nan
        customers["spend_next"] = customers["window_spend"] * (section.clv_months / 12)
        customers["clv"] = np.nan

    lv = tiers.levels(section, customers["window_spend"].to_numpy(), level_names)
    # who is in which level, and what each level's benefits cost against what its customers are worth
    table, customers["level"] = cache.level_table(base, lv, section.reach_share, section.gross_margin,
                                                  section.benefit_budget_share)

    # membership ROI: extra repeat revenue from an uplift range against the benefits' cost
    invite_pool = section.community.invite_pool if section.community.invite_pool is not None else merchant.fans
    gift_costs: dict[str, Decimal] = {}  # each kind's cost per member it brings in
    for g in section.community.gifts:
        gift_costs[g.kind] = gift_costs.get(g.kind, Decimal(0)) + g.unit_cost / Decimal(str(g.members_per_gift))
    c = section.community
    store_value = c.store_order_value or base.order_values["offline"]
    online_value = c.online_order_value or base.order_values["online"]
    outside = outside_trade(section, merchant, history)
    forecast = community.simulate(section, invite_pool, store_value, online_value, gift_costs, merchant.stores > 0,
                                  outside)
    spend_next = float(customers["spend_next"].sum())
    benefit_cost = float(table["benefit_cost"].sum())
    incremental = forecast.rates["repeat_uplift"] * spend_next
    profit = incremental * section.gross_margin
    roi = (profit - benefit_cost) / benefit_cost if benefit_cost > 0 else np.full_like(profit, np.nan)
    economics = {
        "incremental_revenue": Band.of(incremental),
        "incremental_profit": Band.of(profit),
        "benefit_cost": Band.of(benefit_cost),
        "roi": Band.of(roi),
        "spend_next": Band.of(spend_next),
        "clv_total": Band.of(float(customers["clv"].sum()) if fitted is not None else float("nan")),
    }
    lottery = community.lottery_break_even(section, float(np.median(forecast.draws["active"])))
    camp = community.camp_schedule(section.camp_start, section.camp.days) if section.camp.enabled else []
    return MembershipModel(history, ad, customers, base.segments, lv, table, fitted, problem, base.winback,
                           economics, forecast, lottery, camp, invite_pool, gift_costs)


def outside_trade(section: Section, merchant: MerchantSection, history: OrderHistory) -> community.OutsideTrade:
    """The trade of buyers outside the groups: `community.outside_daily_sales`, else a usual day of
    `merchant.monthly_sales` (± 20%; none when it is 0); the stores' share of it `community.outside_offline_share`,
    else the history's offline share of sales (half when no order names its channel)."""
    c = section.community
    daily = c.outside_daily_sales
    if daily is None and merchant.monthly_sales > 0:
        day = float(merchant.monthly_sales) / 30
        daily = PositiveRange(low=day * (1 - ORDER_VALUE_SPREAD), high=day * (1 + ORDER_VALUE_SPREAD))
    share = c.outside_offline_share
    if share is None:
        orders = history.orders
        by_channel = orders.loc[orders["channel"].isin(("online", "offline")), ["channel", "amount"]]
        total = float(by_channel["amount"].sum())
        share = float(by_channel.loc[by_channel["channel"] == "offline", "amount"].sum()) / total if total else 0.5
    return community.OutsideTrade(daily, share)  # `simulate` sells nothing in a store without stores


def event_dates(section: Section) -> list[date]:
    return [section.plan_start + timedelta(days=i) for i in range((section.end_date - section.plan_start).days + 1)]


__all__ = ["MembershipModel", "build_model", "event_dates", "order_value_range", "outside_trade", "winback_list",
           "window_spend"]
