"""The bargaining model: pure functions of validated params → plain data.

- `cut_schedule`: how much each helper cuts, in exact money that adds up to the cent;
- `simulate`: day by day, views → bargain attempts → helpers → completions →
  orders (capped by stock) → new followers, for every N in the decision range at
  once and for every Monte Carlo draw at once (arrays of draws × N);
- `build_model`: everything the plan shows, including the N trade-off and the
  group-buy and referral-gift alternatives on the same budget.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from scipy import special

from ..montecarlo import Band, draw_all, generator
from ..schema import Range
from .schema import Section

CENT = Decimal("0.01")
# Launch profile: most seed views come in the first days, with a last-call bump.
LAUNCH_DECAY = 0.82
LAST_CALL_BOOST = 1.6
# Asking for more helpers puts people off starting: attempts scale by
# (REFERENCE_HELPERS / N) ** difficulty_elasticity, so N = 10 is the baseline.
REFERENCE_HELPERS = 10


# ------------------------------------------------------------------ cut schedule


def cut_schedule(
    original: Decimal,
    floor: Decimal,
    helpers: int,
    style: str = "decreasing",
    seed: int = 0,
    max_multiple: float = 4.0,
) -> list[Decimal]:
    """The amount each of `helpers` friends cuts, largest first, summing exactly to original − floor.

    Works in fen (cents): every helper cuts at least 0.01; "decreasing" splits the
    rest by weights N, N−1 … 1 and scatters leftover fen to the first helpers;
    "random" draws double-average cuts (each ~ U(1 fen, 2 × remaining ÷ helpers left),
    the last takes the rest), sorts them largest first and caps any cut at
    `max_multiple` × the average.
    """
    gap = int(((original - floor) / CENT).to_integral_value())
    if helpers < 1:
        raise ValueError("helpers must be at least 1")
    if gap < helpers:
        raise ValueError(f"a gap of {gap} fen cannot give {helpers} helpers at least 1 fen each")
    if style == "decreasing":
        fen = _decreasing_fen(gap, helpers)
    elif style == "random":
        fen = _random_fen(gap, helpers, seed, max_multiple)
    else:
        raise ValueError(f"unknown cut style {style!r}")
    assert sum(fen) == gap
    return [Decimal(f) * CENT for f in fen]


def _decreasing_fen(gap: int, n: int) -> list[int]:
    rest = gap - n
    weights = np.arange(n, 0, -1, dtype=np.int64)
    total = int(weights.sum())
    share = [rest * int(w) // total for w in weights]
    leftover = rest - sum(share)
    return [1 + s + (1 if i < leftover else 0) for i, s in enumerate(share)]


def _random_fen(gap: int, n: int, seed: int, max_multiple: float) -> list[int]:
    rng = np.random.default_rng(seed)
    remaining, cuts = gap, []
    for left in range(n, 1, -1):
        upper = max(1, (2 * remaining) // left)
        # leave at least 1 fen for each later helper
        upper = min(upper, remaining - (left - 1))
        cut = int(rng.integers(1, upper + 1))
        cuts.append(cut)
        remaining -= cut
    cuts.append(remaining)
    cuts.sort(reverse=True)
    cap = max(1, int(np.ceil(max_multiple * gap / n)))
    # move any excess above the cap to the smallest cuts, one fen at a time in bulk
    excess = sum(max(0, c - cap) for c in cuts)
    cuts = [min(c, cap) for c in cuts]
    i = n - 1
    while excess:
        room = cap - cuts[i]
        give = min(room, excess)
        cuts[i] += give
        excess -= give
        i = i - 1 if i > 0 else n - 1
    cuts.sort(reverse=True)
    return cuts


# ------------------------------------------------------------------ completion


def helper_tail(mean: np.ndarray, dispersion: np.ndarray, n_max: int) -> np.ndarray:
    """P(helpers ≥ j) for j = 0 … n_max, per draw: shape (draws, n_max + 1).

    Helpers per initiator are negative binomial with the draw's mean and
    dispersion k (variance = mean + mean²/k): a few initiators bring many friends.
    """
    # From the pmf in log space, log C(j+k-1, j) + k log p + j log(1-p), summed up: about
    # 10x faster than scipy.stats.nbinom.sf on draws × N and equal to ~1e-15 (the live panel's budget).
    k = dispersion[:, None]
    p = k / (k + mean[:, None])
    j = np.arange(n_max)[None, :]
    log_pmf = special.gammaln(j + k) - special.gammaln(k) - special.gammaln(j + 1) + k * np.log(p) + j * np.log1p(-p)
    below = np.cumsum(np.exp(log_pmf), axis=1)  # P(helpers <= j)
    return np.concatenate([np.ones((len(k), 1)), np.clip(1.0 - below, 0.0, 1.0)], axis=1)


def completion_rate(tail: np.ndarray, n: np.ndarray | int) -> np.ndarray:
    """P(helpers ≥ N): the share of initiators who reach the floor price."""
    return tail[:, np.atleast_1d(n)]


def expected_helpers_used(tail: np.ndarray, n: np.ndarray) -> np.ndarray:
    """E[min(helpers, N)]: friends stop being able to help once the floor is reached."""
    cum = np.concatenate([np.zeros((tail.shape[0], 1)), np.cumsum(tail[:, 1:], axis=1)], axis=1)
    return cum[:, np.atleast_1d(n)]


# ------------------------------------------------------------------ the campaign

METRICS = ("views", "attempts", "helpers", "completions", "orders", "new_followers")


def launch_profile(days: int) -> np.ndarray:
    w = LAUNCH_DECAY ** np.arange(days, dtype=float)
    if days > 1:
        w[-1] *= LAST_CALL_BOOST
    return w / w.sum()


@dataclass
class Simulation:
    n_values: np.ndarray  # the N compared
    totals: dict[str, np.ndarray]  # metric -> (draws, len(n_values))
    daily: dict[str, np.ndarray]  # metric -> (draws, days), for the chosen N
    completion: np.ndarray  # (draws, len(n_values))
    sold_out_day: np.ndarray  # (draws,) first day stock ran out, -1 if never
    rates: dict[str, np.ndarray]
    daily_bands: np.ndarray | None = None  # (3, metrics, days): P10/P50/P90 of `daily`, worked out with the run
    # per N, worked out with the run: P10/P50/P90 of new followers (3, N) and the medians of completion
    # and orders (2, N), which the decision table reads for every change
    n_bands: tuple[np.ndarray, np.ndarray] | None = None


def simulate(s: Section, fans: int, n_values: np.ndarray, chosen: int) -> Simulation:
    """Vectorised over draws and N: day by day, with helpers' own bargains feeding the next day.

    Two runs of one campaign function: every N for the totals (the decision table), and
    the chosen N alone for its daily series and sell-out day. Both are cached on what
    they depend on, so a live panel that moves the helpers needed, a price, the budget
    or the dates re-runs only the one-column pass (arrays are read-only to keep the
    cache honest). Same numbers as one pass: each column's arithmetic is its own.
    """
    key = _campaign_key(s, fans)
    n_values = np.asarray(n_values)
    totals, _, completion, _, rates, per_n = _campaign(key, tuple(int(n) for n in n_values), False)
    _, daily, _, sold_out, _, bands = _campaign(key, (int(chosen),), True)
    return Simulation(n_values, dict(totals), dict(daily), completion, sold_out, dict(rates),  # cache-owned arrays
                      bands, per_n)


def _campaign_key(s: Section, fans: int) -> tuple:
    """Everything a campaign run depends on, hashable."""
    ranges = tuple((name, r.low, r.high) for name, r in sorted(s.uncertain().items()))
    return (s.seed, s.simulations, ranges, int(fans), s.external_views, s.duration_days, s.stock, s.forced_follow)


@functools.lru_cache(maxsize=8)
def _campaign(key: tuple, n_values: tuple[int, ...], keep_days: bool) -> tuple:
    """(totals, daily, completion, sold-out day, rates, bands) for the N in `n_values`: with `keep_days`
    the daily series and their bands (`Simulation.daily_bands`), without them no daily series and the
    bands of each N (`Simulation.n_bands`)."""
    seed, sims, ranges, fans, external_views, days, stock, forced_follow = key
    r = _campaign_draws(seed, sims, ranges)
    n_values = np.asarray(n_values)
    k = len(n_values)
    tail = helper_tail(r["helpers_mean"], r["helpers_dispersion"], int(n_values.max()))
    complete = completion_rate(tail, n_values)  # (sims, k)
    used = expected_helpers_used(tail, n_values)  # (sims, k)
    follow = np.ones(sims) if forced_follow else r["follow_rate"]
    appeal = (REFERENCE_HELPERS / n_values[None, :]) ** r["difficulty_elasticity"][:, None]  # (sims, k)

    seed_views = (fans * r["reach_rate"] * r["views_per_fan"] + external_views)[:, None] * launch_profile(days)
    # A day's bargains: its seed views × attempt rate, plus yesterday's helpers (who saw the
    # product page) × helper attempt rate, all scaled by the N's appeal. Helpers, completions,
    # orders and followers are fixed multiples of the day's bargains, so only bargains and
    # views are carried day by day (half the array work: the live panel's budget is 50 ms).
    start = appeal * r["attempt_rate"][:, None]  # bargains per seed view
    spread = appeal * used * r["helper_attempt_rate"][:, None]  # bargains per bargain yesterday
    per_order = complete * r["order_rate"][:, None]  # orders per bargain
    attempts_total, views_total = np.zeros((sims, k)), np.zeros((sims, k))
    daily_attempts, daily_views = (np.zeros((sims, days)), np.zeros((sims, days))) if keep_days else (None, None)
    ordered = np.zeros((sims, k))
    sold_out = np.full(sims, -1)
    yesterday = np.zeros((sims, k))  # yesterday's bargains
    share = np.empty((sims, k))
    for d in range(days):
        seed_day = seed_views[:, d : d + 1]
        views = seed_day + used * yesterday
        attempts = start * seed_day + spread * yesterday
        wanted = attempts * per_order
        # once stock runs out the event closes: the day runs only for the share still in stock
        left = np.maximum(stock - ordered, 0)
        share.fill(1.0)
        np.divide(left, wanted, out=share, where=wanted > left)
        attempts *= share
        views *= share
        ordered += wanted * share
        attempts_total += attempts
        views_total += views
        if keep_days:
            daily_attempts[:, d] = attempts[:, 0]
            daily_views[:, d] = views[:, 0]
            sold_out[(ordered[:, 0] >= stock - 1e-9) & (sold_out < 0)] = d
        yesterday = attempts
    to_followers = (r["new_share"] * follow)[:, None]

    def by_metric(attempts: np.ndarray, views: np.ndarray, col: slice | int) -> dict[str, np.ndarray]:
        u, done, order = used[:, col], complete[:, col], per_order[:, col]
        if isinstance(col, int):  # a daily series of one N: columns are days
            u, done, order = u[:, None], done[:, None], order[:, None]
        return {"views": views, "attempts": attempts, "helpers": attempts * u, "completions": attempts * done,
                "orders": attempts * order, "new_followers": attempts * (1 + u) * to_followers}

    totals = by_metric(attempts_total, views_total, slice(None))
    daily = by_metric(daily_attempts, daily_views, 0) if keep_days else {}
    # what the plan's daily table or decision table reads for every change
    bands = daily_bands(daily) if keep_days else n_bands(totals, complete)
    for arr in (*totals.values(), *daily.values(), complete, sold_out, *r.values(),
                *([bands] if keep_days else bands)):
        arr.flags.writeable = False
    return totals, daily, complete, sold_out, r, bands


@functools.lru_cache(maxsize=8)
def _campaign_draws(seed: int, sims: int, ranges: tuple) -> dict[str, np.ndarray]:
    """The campaign's draws of its uncertain rates (read-only): both passes of a run, and runs that
    differ only in fans, views, days, stock or the follow rule, draw the same values from the seed.
    They are the runs' `rates` too, so keeping them costs no memory the run cache does not hold."""
    r = draw_all(generator(seed), {name: Range(low=low, high=high) for name, low, high in ranges}, sims)
    for arr in r.values():
        arr.flags.writeable = False
    return r


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


def n_bands(totals: dict[str, np.ndarray], completion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every N's P10/P50/P90 of new followers (3, N) and medians of completion and orders (2, N)."""
    return (np.percentile(totals["new_followers"], [10, 50, 90], axis=0),
            np.median(np.stack([completion, totals["orders"]]), axis=1))


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


def comparison_table(s: Section, fans: int, bargain_followers: np.ndarray, bargain_orders: np.ndarray,
                     subsidy: Decimal, budget: Decimal) -> pd.DataFrame:
    """Bargaining against a group buy and a referral gift with the same audience and budget."""
    sims = s.simulations
    r, g, ref = _comparison_draws(_comparison_key(s))
    follow = np.ones(sims) if s.forced_follow else r["follow_rate"]
    seed_views = fans * r["reach_rate"] * r["views_per_fan"] + s.external_views
    starters = seed_views * r["attempt_rate"]  # at the baseline difficulty
    spend = max(float(budget - s.fixed_costs), 0.0)

    def capped(orders: np.ndarray, unit_cost: float, followers: np.ndarray) -> tuple[np.ndarray, ...]:
        orders = np.minimum(orders, s.stock)
        cost = orders * unit_cost
        scale = np.where(cost > spend, np.divide(spend, cost, out=np.zeros_like(cost), where=cost > 0), 1.0)
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
    # referral gift: each friend who buys through a customer's link earns the customer a gift
    buyers = starters * ref["referrals_mean"]
    r_orders, r_cost, r_follow = capped(buyers, float(s.referral_gift.gift_cost), buyers * r["new_share"] * follow)
    b_orders, b_cost, b_follow = capped(bargain_orders, float(subsidy), bargain_followers)

    # the three mechanics' followers and costs in one percentile call, their orders in one median call
    mechanics = ("bargain", "group_buy", "referral_gift")
    (f10, _), (f50, c50), (f90, _) = np.percentile(
        np.stack([np.stack([b_follow, g_follow, r_follow]), np.stack([b_cost, g_cost, r_cost])]),
        [10, 50, 90], axis=2)
    orders50 = np.median(np.stack([b_orders, g_orders, r_orders]), axis=1)
    per_follower = [float(c50[i] / f50[i]) if f50[i] > 0 else float("nan") for i in range(len(mechanics))]
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


def daily_table(s: Section, sim: Simulation) -> pd.DataFrame:
    """Tidy daily bands: date, day, metric, p10, p50, p90 (metric by metric, day by day)."""
    days = s.duration_days
    bands = sim.daily_bands if sim.daily_bands is not None else daily_bands(sim.daily)  # (3, metrics, days)
    dates = [s.start_date + timedelta(days=d) for d in range(days)]
    return pd.DataFrame({"date": dates * len(METRICS), "day": np.tile(np.arange(1, days + 1), len(METRICS)),
                         "metric": np.repeat(METRICS, days), "p10": bands[0].ravel(), "p50": bands[1].ravel(),
                         "p90": bands[2].ravel()})


def daily_bands(daily: dict[str, np.ndarray]) -> np.ndarray:
    """P10/P50/P90 of each metric on each day, in one call: shape (3, metrics, days)."""
    return np.percentile(np.stack([daily[m] for m in METRICS]), [10, 50, 90], axis=1)


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
