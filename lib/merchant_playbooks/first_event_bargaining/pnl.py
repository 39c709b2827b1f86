"""The bargain's money, per Monte Carlo draw: an `economics.Ledger` of orders sold below the list price.

Shared by the plan's own P&L (`model`), every option of the decision table and the alternatives
(`compare`), so a cost per new follower is one computation wherever it is shown.
"""

from __future__ import annotations

import warnings
from decimal import Decimal

import numpy as np

from ..economics import Ledger
from .schema import Section


def ledger(s: Section, orders: np.ndarray, followers: np.ndarray, rewards: np.ndarray | float = 0.0,
           price: Decimal | None = None) -> Ledger:
    """The P&L of `orders` sold at `price` (default: the floor price) from the original price, per draw
    (any shape: one N's draws, or draws × N): revenue at list price, the price given away as discounts,
    the goods' cost, `rewards` (gifts) and the fixed costs; results are the new followers."""
    given = float(s.original_price - (s.floor_price if price is None else price))
    rewards = np.zeros_like(orders) + rewards
    return Ledger(revenue=orders * float(s.original_price), discounts=orders * given,
                  cogs=orders * float(s.cost_of_goods), rewards=rewards, fixed=float(s.fixed_costs),
                  results=followers, result="new_follower")


def per_result_p50(book: Ledger) -> np.ndarray:
    """The median cost per result over the draws (axis 0) where it is defined: what `economics` reads."""
    per = book.arrays()["cost_per_result"]
    defined = np.isfinite(per).sum(axis=0)
    with warnings.catch_warnings():  # a column undefined in every draw (no follower at all) is NaN, said below
        warnings.simplefilter("ignore", RuntimeWarning)
        p50 = np.nanmedian(np.where(np.isfinite(per), per, np.nan), axis=0) if per.size else per
    return np.where(defined >= max(1, per.shape[0] // 2), p50, np.nan)
