"""The bargaining campaign, simulated: completion under the cap at N, and day by day
views → bargain attempts → helpers → completions → orders (capped by stock) → new followers,
for every N in the decision range at once and for every Monte Carlo draw at once (arrays of draws × N).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import special

from ..montecarlo import draw_all, generator
from ..schema import Range
from .schema import Section

# Launch profile: most seed views come in the first days, with a last-call bump.
LAUNCH_DECAY = 0.82
LAST_CALL_BOOST = 1.6
# Asking for more helpers puts people off starting: attempts scale by
# (REFERENCE_HELPERS / N) ** difficulty_elasticity, so N = 10 is the baseline.
REFERENCE_HELPERS = 10


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


def simulate(s: Section, fans: int, n_values: np.ndarray, chosen: int, stock: int | None = None) -> Simulation:
    """Vectorised over draws and N: day by day, with helpers' own bargains feeding the next day.

    Two runs of one campaign function: every N for the totals (the decision table), and
    the chosen N alone for its daily series and sell-out day. Both are cached on what
    they depend on, so a live panel that moves the helpers needed, a price, the budget
    or the dates re-runs only the one-column pass (arrays are read-only to keep the
    cache honest). Same numbers as one pass: each column's arithmetic is its own.
    `stock` is the stock the plan publishes (default: the section's).
    """
    key = _campaign_key(s, fans, s.stock if stock is None else stock)
    n_values = np.asarray(n_values)
    totals, _, completion, _, rates, per_n = _campaign(key, tuple(int(n) for n in n_values), False)
    _, daily, _, sold_out, _, bands = _campaign(key, (int(chosen),), True)
    return Simulation(n_values, dict(totals), dict(daily), completion, sold_out, dict(rates),  # cache-owned arrays
                      bands, per_n)


def campaign_totals(s: Section, fans: int, n_values: np.ndarray, stock: int) -> tuple[dict, tuple]:
    """Every N's totals (metric -> (draws, N)) and bands (`Simulation.n_bands`): what the decision reads
    before a number is chosen (the same cached run `simulate` reads)."""
    run = _campaign(_campaign_key(s, fans, stock), tuple(int(n) for n in np.asarray(n_values)), False)
    return run[0], run[5]


def _campaign_key(s: Section, fans: int, stock: int) -> tuple:
    """Everything a campaign run depends on, hashable."""
    ranges = tuple((name, r.low, r.high) for name, r in sorted(s.uncertain().items()))
    return (s.seed, s.simulations, ranges, int(fans), s.external_views, s.duration_days, int(stock), s.forced_follow)


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



def n_bands(totals: dict[str, np.ndarray], completion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every N's P10/P50/P90 of new followers (3, N) and medians of completion and orders (2, N)."""
    return (np.percentile(totals["new_followers"], [10, 50, 90], axis=0),
            np.median(np.stack([completion, totals["orders"]]), axis=1))



def daily_bands(daily: dict[str, np.ndarray]) -> np.ndarray:
    """P10/P50/P90 of each metric on each day, in one call: shape (3, metrics, days)."""
    return np.percentile(np.stack([daily[m] for m in METRICS]), [10, 50, 90], axis=1)

