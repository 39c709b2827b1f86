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

from ..montecarlo import Band
from .campaign import (
    METRICS,
    Simulation,
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
from .schema import Section

# ------------------------------------------------------------------ economics and the decision


@dataclass
class BargainModel:
    cuts: list[Decimal]
    chosen_n: int
    best_n: int | None
    sim: Simulation
    subsidy: Decimal  # original − floor, per order
    margin_at_floor: Decimal  # floor − unit cost, per order (negative: sold below cost)
    cost: np.ndarray  # (draws,) total cost at the chosen N
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



def decision_table(s: Section, sim: Simulation, subsidy: Decimal, budget: Decimal) -> tuple[pd.DataFrame, int | None]:
    # every N's percentiles in one call per quantity (followers' and the medians kept with the run), and
    # the table built column by column (one call per N, then rows of dicts, were most of the table's time)
    orders = sim.totals["orders"]
    cost = event_cost(orders, subsidy, s.fixed_costs)
    (f10, f50, f90), (completion, orders50) = sim.n_bands or n_bands(sim.totals, sim.completion)
    c50, c90 = np.percentile(cost, [50, 90], axis=0)
    per_follower = np.full(len(f50), float("nan"))
    np.divide(c50, f50, out=per_follower, where=f50 > 0)
    within = c90 <= float(budget)
    n_values = np.asarray(sim.n_values, dtype=np.int64)
    table = pd.DataFrame({
        "helpers_needed": n_values,
        "completion_rate": completion,
        "orders_p50": orders50,
        "new_followers_p10": f10,
        "new_followers_p50": f50,
        "new_followers_p90": f90,
        "cost_p50": c50,
        "cost_p90": c90,
        "cost_per_follower_p50": per_follower,
        "within_budget": within,
    })
    fits = np.flatnonzero(within)
    best = int(n_values[fits[np.argmax(f50[fits])]]) if len(fits) else None  # the first N with the most followers
    return table, best


def daily_table(s: Section, sim: Simulation) -> pd.DataFrame:
    """Tidy daily bands: date, day, metric, p10, p50, p90 (metric by metric, day by day)."""
    days = s.duration_days
    bands = sim.daily_bands if sim.daily_bands is not None else daily_bands(sim.daily)  # (3, metrics, days)
    dates = [s.start_date + timedelta(days=d) for d in range(days)]
    return pd.DataFrame({"date": dates * len(METRICS), "day": np.tile(np.arange(1, days + 1), len(METRICS)),
                         "metric": np.repeat(METRICS, days), "p10": bands[0].ravel(), "p50": bands[1].ravel(),
                         "p90": bands[2].ravel()})



def build_model(s: Section, fans: int, budget: Decimal) -> BargainModel:
    lo, hi = s.helpers_options
    gap_fen = int((s.original_price - s.floor_price) * 100)
    n_values = np.array(sorted({*range(lo, min(hi, gap_fen) + 1), s.helpers_needed}))
    sim = simulate(s, fans, n_values, s.helpers_needed)
    subsidy = s.original_price - s.floor_price
    decision, best = decision_table(s, sim, subsidy, budget)
    c = int(np.searchsorted(n_values, s.helpers_needed))
    cost = event_cost(sim.totals["orders"][:, c], subsidy, s.fixed_costs)
    comparison = comparison_table(s, fans, sim.totals["new_followers"][:, c], sim.totals["orders"][:, c], subsidy,
                                  budget)
    return BargainModel(
        cuts=cut_schedule(s.original_price, s.floor_price, s.helpers_needed, s.cut_style, s.seed, s.max_cut_multiple),
        chosen_n=s.helpers_needed,
        best_n=best,
        sim=sim,
        subsidy=subsidy,
        margin_at_floor=s.floor_price - s.unit_cost,
        cost=cost,
        budget=budget,
        decision=decision,
        comparison=comparison,
        daily=daily_table(s, sim),
        budget_share_within=float(np.mean(cost <= float(budget))),
    )


__all__ = ["METRICS", "BargainModel", "Simulation", "build_model", "comparison_table", "completion_rate",
           "cut_schedule", "daily_bands", "decision_table", "event_cost", "expected_helpers_used", "helper_tail",
           "launch_profile", "n_bands", "simulate"]
