"""The alternatives on the same audience and budget: a group buy and a referral gift against the bargain."""

from __future__ import annotations

import functools
from decimal import Decimal

import numpy as np
import pandas as pd

from ..montecarlo import draw_all, generator
from ..schema import Range
from .campaign import expected_helpers_used, helper_tail
from .pnl import ledger, per_result_p50
from .schema import Section


def comparison_table(s: Section, fans: int, stock: int, budget: Decimal) -> pd.DataFrame:
    """A group buy and a referral gift with the bargain's audience, stock and budget (the bargain's own row
    is the plan's chosen option, added by the figures). Cost: the price or gifts given away plus fixed costs
    (what the budget covers); cost per follower: all costs over new followers, as the P&L counts it."""
    sims = s.simulations
    r, g, ref = _comparison_draws(_comparison_key(s))
    follow = np.ones(sims) if s.forced_follow else r["follow_rate"]
    # the same page views as the bargain: the params' total when given (the alternatives' friends' visits
    # inside it, as the bargain's helpers' are), else the fans reached and external views
    seed_views = (np.full(sims, float(s.product_views)) if s.product_views is not None
                  else fans * r["reach_rate"] * r["views_per_fan"] + s.external_views)
    starters = seed_views * r["attempt_rate"]  # at the baseline difficulty
    spend = max(float(budget - s.fixed_costs), 0.0)

    def capped(orders: np.ndarray, unit_cost: float, followers: np.ndarray) -> tuple[np.ndarray, ...]:
        orders = np.minimum(orders, stock)
        cost = orders * unit_cost
        scale = np.where(cost > spend, np.divide(spend, cost, out=np.zeros_like(cost), where=cost > spend), 1.0)
        return orders * scale, cost * scale + float(s.fixed_costs), followers * scale

    # group buy: a leader's team forms when at least team_size − 1 friends join
    team = s.group_buy.team_size
    gprice = s.group_buy.price if s.group_buy.price is not None else (s.original_price + s.floor_price) / 2
    gtail = helper_tail(g["joins_mean"], g["joins_dispersion"], team - 1)
    success = gtail[:, team - 1]
    joiners = starters * expected_helpers_used(gtail, np.array([team - 1]))[:, 0]
    g_orders, g_cost, g_follow = capped(
        starters * success * team, float(s.original_price - gprice), (starters + joiners) * r["new_share"] * follow
    )
    # referral gift: each friend who buys through a customer's link (at the full price) earns the customer a gift
    buyers = starters * ref["referrals_mean"]
    gift = float(s.referral_gift.gift_cost)
    r_orders, r_cost, r_follow = capped(buyers, gift, buyers * r["new_share"] * follow)
    books = (ledger(s, g_orders, g_follow, price=gprice),
             ledger(s, r_orders, r_follow, rewards=r_orders * gift, price=s.original_price))

    mechanics = ("group_buy", "referral_gift")
    f10, f50, f90 = np.percentile(np.stack([g_follow, r_follow]), [10, 50, 90], axis=1)
    c50, orders50 = np.median(np.stack([np.stack([g_cost, r_cost]), np.stack([g_orders, r_orders])]), axis=2)
    per_follower = [float(per_result_p50(book)) for book in books]
    return pd.DataFrame({"mechanic": list(mechanics), "new_followers_p10": f10, "new_followers_p50": f50,
                         "new_followers_p90": f90, "orders_p50": orders50, "cost_p50": c50,
                         "cost_per_follower_p50": per_follower})


def _comparison_key(s: Section) -> tuple:
    """Everything the alternatives' draws depend on, hashable."""
    uncertain = tuple((name, r.low, r.high) for name, r in sorted(s.uncertain().items()))
    gb, ref = s.group_buy, s.referral_gift
    return (s.seed, s.simulations, uncertain, (gb.joins_mean.low, gb.joins_mean.high),
            (gb.joins_dispersion.low, gb.joins_dispersion.high), (ref.referrals_mean.low, ref.referrals_mean.high))


@functools.lru_cache(maxsize=4)  # 13 arrays of draws each (21 MB at the schema's 200,000 draws)
def _comparison_draws(key: tuple) -> tuple[dict[str, np.ndarray], ...]:
    """The draws of the group-buy and referral comparison: the campaign's rates, then joins, then referrals.

    Most levers (prices, stock, budget, dates) leave them alone, so they are drawn once per
    key (read-only, like the campaign's arrays); the same seed gives the same draws.
    """
    seed, sims, uncertain, joins_mean, joins_dispersion, referrals_mean = key
    rng = generator(seed + 1)
    r = draw_all(rng, {name: Range(low=low, high=high) for name, low, high in uncertain}, sims)
    g = draw_all(rng, {"joins_mean": Range(low=joins_mean[0], high=joins_mean[1]),
                       "joins_dispersion": Range(low=joins_dispersion[0], high=joins_dispersion[1])}, sims)
    ref = draw_all(rng, {"referrals_mean": Range(low=referrals_mean[0], high=referrals_mean[1])}, sims)
    for arr in (*r.values(), *g.values(), *ref.values()):
        arr.flags.writeable = False
    return r, g, ref
