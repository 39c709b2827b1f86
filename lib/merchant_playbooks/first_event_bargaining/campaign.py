"""The bargaining campaign, simulated: completion under the cap at N, and day by day
views → bargain attempts → helpers → completions → orders (the floor-price orders capped by stock;
bargains go on to the end date unless the merchant closes at the sell-out) → new followers,
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
#: what the totals hold besides the daily metrics: finishers who found the floor-price stock gone
TOTALS = (*METRICS, "unfilled_orders")


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
    return (s.seed, s.simulations, ranges, int(fans), s.external_views, s.product_views, s.duration_days, int(stock),
            s.forced_follow, s.close_when_sold_out)


def _days(seed_views: np.ndarray, start: np.ndarray, spread: np.ndarray, used: np.ndarray, per_order: np.ndarray,
          stock: float | None, keep_days: bool) -> tuple:
    """Day by day: (attempts, views, wanted orders) totals (draws, N) and, with `keep_days`, the first N's
    daily attempts, views and wanted orders (draws, days). With `stock` the event closes after the day its
    floor-price stock is gone (`close_when_sold_out`): no views or bargains from the next day on."""
    sims, k = start.shape
    days = seed_views.shape[1]
    attempts_total, views_total, wanted_total = np.zeros((sims, k)), np.zeros((sims, k)), np.zeros((sims, k))
    daily = tuple(np.zeros((sims, days)) for _ in range(3)) if keep_days else None
    yesterday = np.zeros((sims, k))  # yesterday's bargains
    is_open = np.ones((sims, k))
    for d in range(days):
        seed_day = seed_views[:, d : d + 1] * is_open
        # a day's views: its seed views plus yesterday's helpers (who saw the product page); its bargains:
        # seed views × attempt rate plus yesterday's helpers × helper attempt rate, scaled by the N's appeal
        views = seed_day + used * yesterday
        attempts = start * seed_day + spread * yesterday
        wanted = attempts * per_order  # finishers who would pay at the floor
        attempts_total += attempts
        views_total += views
        wanted_total += wanted
        if keep_days:
            for series, today in zip(daily, (attempts, views, wanted), strict=True):
                series[:, d] = today[:, 0]
        if stock is not None:
            is_open = (wanted_total < stock - 1e-9).astype(float)
        yesterday = attempts * is_open  # a closed event takes no new bargains from its helpers either
    return attempts_total, views_total, wanted_total, daily


@functools.lru_cache(maxsize=8)
def _campaign(key: tuple, n_values: tuple[int, ...], keep_days: bool) -> tuple:
    """(totals, daily, completion, sold-out day, rates, bands) for the N in `n_values`: with `keep_days`
    the daily series and their bands (`Simulation.daily_bands`), without them no daily series and the
    bands of each N (`Simulation.n_bands`).

    How the stock closes the event: as in the mini-program bargain tools, the stock caps the orders at the
    floor price (first come, first served); people keep starting and helping bargains to the end date, and
    those who reach the floor after it is gone find it sold out (`unfilled_orders`). With
    `close_when_sold_out` the merchant ends the event the day the stock is gone instead.
    Views: with `product_views` the page's total views are the input and the helpers' views are part of
    them (the day-by-day run is linear in its seed views, so it is scaled to that total)."""
    seed, sims, ranges, fans, external_views, product_views, days, stock, forced_follow, close = key
    r = _campaign_draws(seed, sims, ranges)
    n_values = np.asarray(n_values)
    k = len(n_values)
    tail = helper_tail(r["helpers_mean"], r["helpers_dispersion"], int(n_values.max()))
    complete = completion_rate(tail, n_values)  # (sims, k)
    used = expected_helpers_used(tail, n_values)  # (sims, k)
    follow = np.ones(sims) if forced_follow else r["follow_rate"]
    appeal = (REFERENCE_HELPERS / n_values[None, :]) ** r["difficulty_elasticity"][:, None]  # (sims, k)

    profile = launch_profile(days)
    seed_views = (np.ones(sims) if product_views else fans * r["reach_rate"] * r["views_per_fan"] + external_views)
    seed_views = np.broadcast_to(seed_views[:, None] * profile, (sims, days))
    start = appeal * r["attempt_rate"][:, None]  # bargains per seed view
    spread = appeal * used * r["helper_attempt_rate"][:, None]  # bargains per bargain yesterday
    per_order = complete * r["order_rate"][:, None]  # finishers who would pay, per bargain
    run = (start, spread, used, per_order)
    scale = np.ones((sims, k))
    if product_views:  # the run per unit of seed views, scaled to the given total (per draw and N)
        _, unit_views, _, _ = _days(seed_views, *run, None, False)
        scale = product_views / unit_views
    if close:  # closing at the sell-out is not linear: run again on the scaled seed views
        attempts_total, views_total, wanted_total, daily = _days(seed_views * scale[:, :1], *run, stock, keep_days) \
            if k == 1 or not product_views else _close_each(seed_views, scale, run, stock, keep_days)
    else:
        attempts_total, views_total, wanted_total, daily = _days(seed_views, *run, None, keep_days)
        if product_views:
            attempts_total, views_total, wanted_total = attempts_total * scale, views_total * scale, wanted_total * scale
            if keep_days:
                daily = tuple(series * scale[:, :1] for series in daily)
    orders_total = np.minimum(wanted_total, stock)
    if keep_days:
        daily_attempts, daily_views, daily_wanted = daily
        filled = np.minimum(np.cumsum(daily_wanted, axis=1), stock)
        daily_orders = np.diff(filled, axis=1, prepend=0.0)
        gone = filled >= stock - 1e-9
        sold_out = np.where(gone.any(axis=1), gone.argmax(axis=1), -1)
    else:
        sold_out = np.full(sims, -1)
    to_followers = (r["new_share"] * follow)[:, None]

    def by_metric(attempts: np.ndarray, views: np.ndarray, orders: np.ndarray, col: slice | int) -> dict:
        u, done = used[:, col], complete[:, col]
        if isinstance(col, int):  # a daily series of one N: columns are days
            u, done = u[:, None], done[:, None]
        return {"views": views, "attempts": attempts, "helpers": attempts * u, "completions": attempts * done,
                "orders": orders, "new_followers": attempts * (1 + u) * to_followers}

    totals = {**by_metric(attempts_total, views_total, orders_total, slice(None)),
              "unfilled_orders": wanted_total - orders_total}
    daily = by_metric(daily_attempts, daily_views, daily_orders, 0) if keep_days else {}
    # what the plan's daily table or decision table reads for every change
    bands = daily_bands(daily) if keep_days else n_bands(totals, complete)
    for arr in (*totals.values(), *daily.values(), complete, sold_out, *r.values(),
                *([bands] if keep_days else bands)):
        arr.flags.writeable = False
    return totals, daily, complete, sold_out, r, bands


def _close_each(seed_views: np.ndarray, scale: np.ndarray, run: tuple, stock: int, keep_days: bool) -> tuple:
    """`_days` closing at the sell-out when each N has its own seed scale (product_views): N by N."""
    parts = [_days(seed_views * scale[:, c : c + 1], *(a[:, c : c + 1] for a in run), stock, keep_days and c == 0)
             for c in range(scale.shape[1])]
    totals = tuple(np.concatenate([p[i] for p in parts], axis=1) for i in range(3))
    return (*totals, parts[0][3])


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

