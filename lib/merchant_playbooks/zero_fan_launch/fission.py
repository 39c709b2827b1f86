"""The fission campaign, day by day, and its seeded Monte Carlo run (kept for the next plan).

- `simulate`: seeds (staff shares, partners' audiences, existing fans) → shares →
  views → first-time viewers (saturating a reachable pool) → helpers (points) and
  new participants, who share in turn with fading energy, and helpers who pass it
  on → new fans, over an audience that grows with every sharer's circle; vectorised
  over parameter sets, so the same function serves the Monte Carlo draws and the
  sensitivity (tornado) runs;
- `monte_carlo`: the draws, the campaign and its daily ranges, kept per campaign
  and seed (`campaign_key`) with the threshold shares asked so far; cached arrays
  are read-only, and none of it changes a number;
- `mean_points`, `threshold_share`: points per participant (negative binomial: a
  few super-sharers collect most points) and who reaches a threshold.

Percentiles are taken in one `np.percentile` call over stacked draws (`bands`, `daily_bands`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from ..montecarlo import Band, draw_all, generator
from .schema import Section

DAILY = ("shares", "views", "reached", "helpers", "participants", "new_fans", "k_factor")


@dataclass
class Fission:
    """Day-by-day results for n parameter sets: daily[metric] is (n, days); totals[metric] is (n,)."""

    daily: dict[str, np.ndarray]
    totals: dict[str, np.ndarray]
    points: np.ndarray  # (n,) help points given to participants over the campaign
    audience: np.ndarray  # (n, days) people within reach of the campaign's sharers by each day's end


QUANTILES = (10, 50, 90)


def bands(samples: dict[str, np.ndarray]) -> dict[str, Band]:
    """`Band.of` of several equally long draw arrays, in one percentile call (the same numbers)."""
    if not samples:
        return {}
    q = np.percentile(np.stack([np.asarray(v, dtype=float) for v in samples.values()]), QUANTILES, axis=1)
    return {name: Band(float(q[0, i]), float(q[1, i]), float(q[2, i])) for i, name in enumerate(samples)}


def daily_bands(sim: Fission) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """`bands_by_column` of every daily metric and of fans to date, in one percentile call."""
    series = {**sim.daily, "fans_to_date": np.cumsum(sim.daily["new_fans"], axis=1)}
    q = np.percentile(np.stack(list(series.values())), QUANTILES, axis=1)  # (3, metrics, days)
    return {name: (q[0, i], q[1, i], q[2, i]) for i, name in enumerate(series)}


def seeds(s: Section, fans: int, r: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Staff shares, seed participants and the seed audience per day, each (n, days).

    Seeds = staff × shares each (spread over the staff days) + partners' audience ×
    join rate (on each partner's day) + existing fans × join rate (day 1). The seed
    audience is who those seeds can reach: the fans and the staff's circles on day 1,
    each partner's audience on its day.
    """
    n, days = len(r["views_per_share"]), s.duration_days
    staff_days = min(s.staff_days, days)
    staff_shares = np.zeros((n, days))
    staff_shares[:, :staff_days] = (s.staff * r["shares_per_staff"] / staff_days)[:, None]
    joins = np.zeros((n, days))
    joins[:, 0] += fans * r["fan_join_rate"]
    audience = np.zeros((n, days))
    audience[:, 0] += fans + s.staff * r["circle_size"]
    for i, p in enumerate(s.partners):
        joins[:, s.partner_day(i) - 1] += p.audience * r[f"partner_{i}"]
        audience[:, s.partner_day(i) - 1] += p.audience
    return staff_shares, joins, audience


def simulate(s: Section, fans: int, r: dict[str, np.ndarray]) -> Fission:
    """A branching process day by day over an audience that grows, vectorised over parameter sets.

    The reachable audience starts with the seeds (fans, the staff's circles, each
    partner's audience on its day) and grows by the circle of every new sharer — a
    participant, or a helper who passes the campaign on — less the overlap with
    people already within reach, which rises as the audience nears `reachable_pool`
    (saturation). Each participant shares from the day after they register, at
    `shares_per_participant_day`, fading by `fatigue` per day since they joined (so
    every generation starts fresh and the campaign lives as long as it keeps
    recruiting); helpers pass it on with `shares_per_helper` the next day; both share
    in proportion to the part of the audience within reach that has not seen the
    campaign yet (nobody keeps asking friends who all saw it), so views stop growing
    once the audience is used up; staff share
    their own entries on the first days (friends help them too, but staff are left out
    of the ranking and rewards). A day's views fall on the audience within reach:
    first-time viewers are its unreached part × (1 − e^(−views/audience)). A
    first-time viewer gives `points_per_helper` points (helps or votes) with
    `help_rate` and registers with `join_rate`; points count on participants' and
    helpers' shares, not staff's. With `forced_follow` every helper follows.
    """
    staff_shares, seed_joins, seed_audience = seeds(s, fans, r)
    n, days = staff_shares.shape
    pool = r["reachable_pool"]
    daily = {m: np.zeros((n, days)) for m in DAILY}
    audience_by_day = np.zeros((n, days))
    audience = np.zeros(n)  # people within reach so far
    cum_reached = np.zeros(n)
    participants = np.zeros(n)
    active = np.zeros(n)  # participants' sharing energy, each cohort faded by its days since joining
    points = np.zeros(n)
    new = np.zeros(n)  # yesterday's new participants
    helpers = np.zeros(n)  # yesterday's helpers
    helper_share_rate = r["shares_per_helper"]
    helper_follow = np.ones(n) if s.forced_follow else r["helper_follow_rate"]
    for d in range(days):
        # the circles of yesterday's new sharers and today's seeds, less their overlap with who is within reach
        circles = (new + helpers * np.minimum(helper_share_rate, 1.0)) * r["circle_size"] + seed_audience[:, d]
        audience = audience + circles * np.clip(1 - audience / pool, 0.0, 1.0)
        audience = np.minimum(audience, pool)
        active = active * r["fatigue"] + new
        unreached = np.maximum(audience - cum_reached, 0.0)
        # people ask again only while their friends have not all seen it: sharing falls as the audience is used up
        fresh = np.divide(unreached, audience, out=np.zeros(n), where=audience > 0)
        part_shares = (r["shares_per_participant_day"] * active + helpers * helper_share_rate) * fresh
        shares = staff_shares[:, d] + part_shares
        views = shares * r["views_per_share"]
        coverage = -np.expm1(-np.divide(views, audience, out=np.zeros(n), where=audience > 0))
        reached = unreached * coverage
        cum_reached = cum_reached + reached
        from_participants = np.divide(part_shares, shares, out=np.zeros(n), where=shares > 0)
        helpers = reached * r["help_rate"]
        joins = reached * r["join_rate"]
        points = points + helpers * r["points_per_helper"] * from_participants
        # K today: new participants that participants' and helpers' shares brought, per participant
        k = np.divide(joins * from_participants, participants, out=np.zeros(n), where=participants > 0)
        new = joins + seed_joins[:, d]
        fans_today = new * r["participant_follow_rate"] + helpers * (1 - r["join_rate"]) * helper_follow
        participants = participants + new
        audience_by_day[:, d] = audience
        for name, arr in zip(DAILY, (shares, views, reached, helpers, new, fans_today, k), strict=True):
            daily[name][:, d] = arr
    totals = {m: daily[m].sum(axis=1) for m in DAILY if m != "k_factor"}
    return Fission(daily, totals, points, audience_by_day)


# ------------------------------------------------------------------ the Monte Carlo run, kept for the next plan

RUN_CACHE_SIZE = 8  # a 4,000-draw run is ~4 MB


def campaign_key(s: Section, fans: int) -> tuple:
    """Everything `seeds` and `simulate` read: sections with the same key run the same campaign."""
    return (fans, s.duration_days, s.staff_days, s.staff, s.forced_follow,
            tuple((p.audience, s.partner_day(i)) for i, p in enumerate(s.partners)),
            tuple((name, r.low, r.high) for name, r in s.uncertain().items()))


@dataclass
class Run:
    """One seeded Monte Carlo run of a campaign: the draws, the campaign and its daily ranges (read-only)."""

    rates: dict[str, np.ndarray]
    sim: Fission
    by_day: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    shares: dict[int, np.ndarray] = field(default_factory=dict)  # threshold → P(points ≥ it) per draw

    def threshold_shares(self, thresholds: np.ndarray) -> np.ndarray:
        """`threshold_share` for these thresholds, (draws, thresholds); each threshold computed once per run."""
        missing = [int(t) for t in thresholds if int(t) not in self.shares]
        if missing:
            cols = threshold_share(mean_points(self.sim), self.rates["points_dispersion"], np.array(missing))
            for i, t in enumerate(missing):
                self.shares[t] = _read_only(cols[:, i].copy())
        return np.column_stack([self.shares[int(t)] for t in thresholds])


_RUNS: OrderedDict[Hashable, object] = OrderedDict()


def _cached(key: Hashable, make: Callable[[], object]) -> object:
    """`make()`, or what it made for the same key (the last RUN_CACHE_SIZE keys are kept)."""
    if key in _RUNS:
        _RUNS.move_to_end(key)
        return _RUNS[key]
    value = _RUNS[key] = make()
    while len(_RUNS) > RUN_CACHE_SIZE:
        _RUNS.popitem(last=False)
    return value


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def monte_carlo(s: Section, fans: int) -> Run:
    """The seeded draws and the campaign they give, shared by every plan with the same campaign and seed."""

    def run() -> Run:
        r = draw_all(generator(s.seed), s.uncertain(), s.simulations)
        sim = simulate(s, fans, r)
        by_day = daily_bands(sim)
        for a in (*r.values(), *sim.daily.values(), *sim.totals.values(), sim.points, sim.audience,
                  *(b for bands3 in by_day.values() for b in bands3)):
            _read_only(a)
        return Run(r, sim, by_day)

    return _cached(("run", s.seed, s.simulations, campaign_key(s, fans)), run)


# ------------------------------------------------------------------ points, rewards, costs


def mean_points(sim: Fission) -> np.ndarray:
    """Average points per participant (0 where nobody registered)."""
    p = sim.totals["participants"]
    return np.divide(sim.points, p, out=np.zeros_like(p), where=p > 0)


def threshold_share(mean: np.ndarray, dispersion: np.ndarray, thresholds: np.ndarray | int) -> np.ndarray:
    """P(points ≥ threshold) per parameter set, for each threshold: shape (n, len(thresholds)).

    Points per participant are negative binomial (variance = mean + mean²/k). A
    probability, so never above 1; zero when the mean is zero.
    """
    t = np.atleast_1d(np.asarray(thresholds))[None, :]
    k = dispersion[:, None]
    p = k / (k + np.maximum(mean, 0.0)[:, None])
    return np.clip(stats.nbinom.sf(t - 1, k, p), 0.0, 1.0)
