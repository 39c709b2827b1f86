"""The bargaining model: pure functions of validated params → plain data.

- `cuts.cut_schedule`: how much each helper cuts, in exact money that adds up to the cent;
- `campaign.simulate`: day by day, views → bargain attempts → helpers → completions →
  orders (capped by stock) → new followers, for every N in the decision range at
  once and for every Monte Carlo draw at once (arrays of draws × N);
- `compare.comparison_table`: the group-buy and referral-gift alternatives on the same budget;
- `build_model` (here): everything the plan shows, including the N trade-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from ..economics import Ledger
from ..montecarlo import Band
from .campaign import (
    METRICS,
    TOTALS,
    Simulation,
    campaign_totals,
    completion_rate,
    daily_bands,
    expected_helpers_used,
    helper_tail,
    launch_profile,
    n_bands,
    simulate,
)
from .compare import comparison_table
from .cuts import cut_schedule
from .pnl import ledger, per_result_p50
from .schema import Section

# ------------------------------------------------------------------ economics and the decision


@dataclass
class BargainModel:
    cuts: list[Decimal]
    chosen_n: int
    best_n: int | None  # the N with the most new followers within budget (None: none is)
    overridden: bool  # the consultant fixed helpers_needed at an N that is not the best within budget
    sim: Simulation
    subsidy: Decimal  # original − floor, per order
    unit_cost: Decimal  # one unit's cost of goods (the params' or the documented default)
    margin_at_floor: Decimal  # floor − unit cost, per order (negative: sold below cost)
    stock: int  # the stock the plan publishes: what the merchant has, capped at what the budget allows
    stock_cap: int  # the units whose cuts the budget (less fixed costs) covers
    cost: np.ndarray  # (draws,) promotion cost at the chosen N: cuts given + fixed costs
    ledger: Ledger  # the chosen N's P&L, per draw
    budget: Decimal
    decision: pd.DataFrame
    comparison: pd.DataFrame
    daily: pd.DataFrame  # tidy: date, day, metric, p10, p50, p90
    budget_share_within: float  # P(cost ≤ budget) at the chosen N

    def total(self, metric: str) -> np.ndarray:
        c = int(np.searchsorted(self.sim.n_values, self.chosen_n))
        return self.sim.totals[metric][:, c]

    def band(self, metric: str) -> Band:
        return Band.of(self.total(metric))


def event_cost(orders: np.ndarray, subsidy: Decimal, fixed: Decimal) -> np.ndarray:
    """Orders × the price cut given away, plus fixed costs (float forecast of exact prices)."""
    return orders * float(subsidy) + float(fixed)


def decision_table(s: Section, sim_totals: dict[str, np.ndarray], n_values: np.ndarray, subsidy: Decimal,
                   budget: Decimal, per_n: tuple[np.ndarray, np.ndarray]) -> tuple[pd.DataFrame, int | None]:
    """Every N's figures (helpers, finish rate, orders, new followers, promotion cost P50/P90, all costs per
    new follower, within budget) and the first N with the most new followers within budget."""
    orders = sim_totals["orders"]
    cost = event_cost(orders, subsidy, s.fixed_costs)
    (f10, f50, f90), (completion, orders50) = per_n
    c50, c90 = np.percentile(cost, [50, 90], axis=0)
    within = c90 <= float(budget)
    n_values = np.asarray(n_values, dtype=np.int64)
    table = pd.DataFrame({
        "helpers_needed": n_values,
        "completion_rate": completion,
        "orders_p50": orders50,
        "new_followers_p10": f10,
        "new_followers_p50": f50,
        "new_followers_p90": f90,
        "cost_p50": c50,
        "cost_p90": c90,
        "cost_per_follower_p50": per_result_p50(ledger(s, orders, sim_totals["new_followers"])),
        "within_budget": within,
    })
    fits = np.flatnonzero(within)
    best = int(n_values[fits[np.argmax(f50[fits])]]) if len(fits) else None  # the first N with the most followers
    return table, best


def choose(s: Section, table: pd.DataFrame, best: int | None) -> tuple[int, bool]:
    """The N the plan uses and whether the consultant overrode the decision: the params' helpers_needed
    when set, else the best within budget, else (none within budget) the cheapest in its high case."""
    if s.helpers_needed is not None:
        return s.helpers_needed, s.helpers_needed != best
    if best is not None:
        return best, False
    return int(table["helpers_needed"].iloc[int(np.argmin(table["cost_p90"].to_numpy()))]), False


def daily_table(s: Section, sim: Simulation) -> pd.DataFrame:
    """Tidy daily bands: date, day, metric, p10, p50, p90 (metric by metric, day by day)."""
    days = s.duration_days
    bands = sim.daily_bands if sim.daily_bands is not None else daily_bands(sim.daily)  # (3, metrics, days)
    dates = [s.start_date + timedelta(days=d) for d in range(days)]
    return pd.DataFrame({"date": dates * len(METRICS), "day": np.tile(np.arange(1, days + 1), len(METRICS)),
                         "metric": np.repeat(METRICS, days), "p10": bands[0].ravel(), "p50": bands[1].ravel(),
                         "p90": bands[2].ravel()})


def planned_stock(s: Section, budget: Decimal) -> tuple[int, int]:
    """(the stock the plan publishes, the units whose cuts the budget covers after fixed costs): the
    merchant's stock capped at what the budget covers, and at least one item (a budget that covers no cut
    at all leaves no option within budget, which the plan says)."""
    cap = int(max(budget - s.fixed_costs, Decimal(0)) // (s.original_price - s.floor_price))
    return max(min(s.stock, cap), 1), cap


def build_model(s: Section, fans: int, budget: Decimal) -> BargainModel:
    lo, hi = s.helpers_options
    gap_fen = int((s.original_price - s.floor_price) * 100)
    n_values = np.array(sorted({*range(lo, min(hi, gap_fen) + 1), *((s.helpers_needed,) if s.helpers_needed else ())}))
    stock, cap = planned_stock(s, budget)
    subsidy = s.original_price - s.floor_price
    totals, per_n = campaign_totals(s, fans, n_values, stock)
    decision, best = decision_table(s, totals, n_values, subsidy, budget, per_n)
    chosen, overridden = choose(s, decision, best)
    sim = simulate(s, fans, n_values, chosen, stock)
    c = int(np.searchsorted(n_values, chosen))
    orders, followers = sim.totals["orders"][:, c], sim.totals["new_followers"][:, c]
    cost = event_cost(orders, subsidy, s.fixed_costs)
    return BargainModel(
        cuts=cut_schedule(s.original_price, s.floor_price, chosen, s.cut_style, s.seed, s.max_cut_multiple),
        chosen_n=chosen, best_n=best, overridden=overridden, sim=sim, subsidy=subsidy, unit_cost=s.cost_of_goods,
        margin_at_floor=s.floor_price - s.cost_of_goods, stock=stock, stock_cap=cap, cost=cost,
        ledger=ledger(s, orders, followers), budget=budget, decision=decision,
        comparison=comparison_table(s, fans, stock, budget),
        daily=daily_table(s, sim),
        budget_share_within=float(np.mean(cost <= float(budget))),
    )


__all__ = [
    "METRICS",
    "TOTALS",
    "BargainModel",
    "Simulation",
    "build_model",
    "choose",
    "comparison_table",
    "completion_rate",
    "cut_schedule",
    "daily_bands",
    "decision_table",
    "event_cost",
    "expected_helpers_used",
    "helper_tail",
    "launch_profile",
    "ledger",
    "n_bands",
    "planned_stock",
    "simulate",
]
