"""The zero-fan launch model: pure functions of validated params → plain data.

- `mechanic_table`: the fission methods scored on feasibility, influence,
  difficulty, success likelihood and cost (source 002's ranking table), adjusted
  for the merchant's situation, and the one to recommend;
- `simulate`: day by day, seeds (staff shares, partners' audiences, existing
  fans) → shares → views → first-time viewers (saturating a reachable pool) →
  helpers (points) and new participants, who share in turn with fading energy →
  new fans; vectorised over parameter sets, so the same function serves the
  Monte Carlo draws and the sensitivity (tornado) runs;
- `build_model`: points per participant (negative binomial: a few super-sharers
  collect most points) → qualifiers for the reward threshold → reward liability,
  ranking prizes, retention gifts, cost per new fan; P10/P50/P90 of everything.

Money per unit is exact (Decimal params); forecasts of totals are floats.

Speed (the live panel rebuilds the plan on every change): percentiles are taken
in one `np.percentile` call over stacked draws (`bands`, `daily_bands`), and what
a change of reward, cap, costs, dates or wording does not move is kept for the
next plan: the Monte Carlo run (draws, campaign, daily ranges and the threshold
shares asked so far, see `monte_carlo`), the tornado and the mechanic table, each
keyed on exactly the inputs it reads. None of it changes a number: the same
arithmetic runs per element, only fewer times; cached arrays are read-only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from ..diagnosis import ZERO_BUDGET_MAX, ZERO_FANS_MAX
from ..montecarlo import Band, draw_all, generator
from .schema import CRITERIA, MECHANICS, POINTS_MECHANICS, MechanicScores, Section, Weights

# ------------------------------------------------------------------ mechanic choice

# Our default 1–5 scores (source 002 lists the criteria but gives no numbers).
# Difficulty and cost: 5 means hard / expensive. The reasons behind each row:
# friend assistance: source 000's driving school reached 320k views from zero;
# voting: source 000's micro-voting case (380k exposure, 100k fans) but entrants
# must produce something to vote on; referral gift and group buy need a gift or
# a discount per new customer; partner swap (source 004) needs willing partners;
# bargain-for-free gives a product away per completed bargain.
BASE_SCORES: dict[str, dict[str, int]] = {
    "friend_assistance": {"feasibility": 5, "influence": 4, "difficulty": 2, "success": 4, "cost": 2},
    "voting": {"feasibility": 4, "influence": 5, "difficulty": 3, "success": 3, "cost": 2},
    "referral_gift": {"feasibility": 4, "influence": 3, "difficulty": 2, "success": 3, "cost": 3},
    "partner_swap": {"feasibility": 3, "influence": 3, "difficulty": 3, "success": 4, "cost": 1},
    "group_buy": {"feasibility": 3, "influence": 3, "difficulty": 2, "success": 3, "cost": 4},
    "bargain_for_free": {"feasibility": 3, "influence": 4, "difficulty": 3, "success": 2, "cost": 5},
}
LOWER_IS_BETTER = ("difficulty", "cost")
# Margins below this make discount-led mechanics hard to afford; above the upper one they are easy.
THIN_MARGIN = 0.2
WIDE_MARGIN = 0.5


@dataclass(frozen=True)
class _Situation:
    """What of a Section the mechanic table reads (hashable, so the table can be cached)."""

    weights: Weights
    scores: MechanicScores
    partners: bool
    margin: float


@dataclass(frozen=True)
class Adjustment:
    mechanic: str
    criterion: str
    delta: int
    reason: str  # message key under mechanics_table.why_*


def situation_adjustments(s: Section | _Situation, fans: int, budget: Decimal) -> list[Adjustment]:
    """How the merchant's situation moves the default scores (our rules, named so they can be argued with)."""
    adj: list[Adjustment] = []
    if budget < ZERO_BUDGET_MAX:
        for m in ("referral_gift", "bargain_for_free", "group_buy"):
            adj.append(Adjustment(m, "feasibility", -1, "no_budget"))
        adj.append(Adjustment("referral_gift", "cost", +1, "no_budget"))
    if s.partners:
        adj += [Adjustment("partner_swap", "feasibility", +1, "partners"),
                Adjustment("partner_swap", "influence", +1, "partners")]
    else:
        adj.append(Adjustment("partner_swap", "feasibility", -2, "no_partners"))
    if s.margin < THIN_MARGIN:
        adj += [Adjustment(m, "feasibility", -2, "thin_margin") for m in ("group_buy", "bargain_for_free")]
    elif s.margin >= WIDE_MARGIN:
        adj += [Adjustment(m, "feasibility", +1, "wide_margin") for m in ("group_buy", "bargain_for_free")]
    if fans < ZERO_FANS_MAX:
        adj += [Adjustment(m, "success", -1, "no_fans") for m in ("group_buy", "bargain_for_free", "voting")]
    return adj


def mechanic_table(s: Section, fans: int, budget: Decimal) -> pd.DataFrame:
    """One row per mechanic: adjusted 1–5 scores, the weighted score (1–5), rank, and what moved it."""
    # only these inputs move the table (see situation_adjustments); a fresh copy, so callers may change it
    return _mechanic_table(_Situation(s.weights, s.scores, bool(s.partners), s.margin), fans, budget).copy()


@lru_cache(maxsize=64)
def _mechanic_table(s: _Situation, fans: int, budget: Decimal) -> pd.DataFrame:
    weights = s.weights.as_dict()
    total_w = sum(weights.values())
    adjustments = situation_adjustments(s, fans, budget)
    rows = []
    for m in MECHANICS:
        override = getattr(s.scores, m)
        scores = {c: getattr(override, c) or BASE_SCORES[m][c] for c in CRITERIA}
        reasons: list[str] = []
        for a in adjustments:
            if a.mechanic == m:
                scores[a.criterion] = int(np.clip(scores[a.criterion] + a.delta, 1, 5))
                if a.reason not in reasons:
                    reasons.append(a.reason)
        goodness = {c: (6 - v if c in LOWER_IS_BETTER else v) for c, v in scores.items()}
        score = sum(weights[c] * goodness[c] for c in CRITERIA) / total_w
        rows.append({"mechanic": m, **scores, "score": round(score, 4), "adjusted_by": tuple(reasons),
                     "simulated": m in POINTS_MECHANICS})
    table = pd.DataFrame(rows)
    # ties keep the table's order (the sources' own favourites first)
    table["rank"] = table["score"].rank(ascending=False, method="first").astype(int)
    return table.sort_values("rank").reset_index(drop=True)


# ------------------------------------------------------------------ the fission campaign

DAILY = ("shares", "views", "reached", "helpers", "participants", "new_fans", "k_factor")


@dataclass
class Fission:
    """Day-by-day results for n parameter sets: daily[metric] is (n, days); totals[metric] is (n,)."""

    daily: dict[str, np.ndarray]
    totals: dict[str, np.ndarray]
    points: np.ndarray  # (n,) help points given to participants over the campaign


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


def seeds(s: Section, fans: int, r: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Staff shares and seed participants per day, each (n, days).

    Seeds = staff × shares each (spread over the staff days) + partners' audience ×
    join rate (on each partner's day) + existing fans × join rate (day 1).
    """
    n, days = len(r["views_per_share"]), s.duration_days
    staff_days = min(s.staff_days, days)
    staff_shares = np.zeros((n, days))
    staff_shares[:, :staff_days] = (s.staff * r["shares_per_staff"] / staff_days)[:, None]
    joins = np.zeros((n, days))
    joins[:, 0] += fans * r["fan_join_rate"]
    for i, p in enumerate(s.partners):
        joins[:, s.partner_day(i) - 1] += p.audience * r[f"partner_{i}"]
    return staff_shares, joins


def simulate(s: Section, fans: int, r: dict[str, np.ndarray]) -> Fission:
    """Generations day by day, vectorised over parameter sets (one value of each rate per set).

    Each day, everyone who registered before today shares at a rate that fades by
    `fatigue` per campaign day; staff share their own entries on the first days
    (friends help them too, but staff are left out of the ranking and rewards). Views reach
    first-time viewers from a pool that saturates (coverage 1 − e^(−views/pool)),
    so a campaign slows as it runs out of new people. A first-time viewer gives
    a point (help or vote) with `help_rate` and registers with `join_rate`;
    registrants share the next day. Points only count on participants' shares.
    The recursion is monotone: more seeds never give fewer participants or fans.
    """
    staff_shares, seed_joins = seeds(s, fans, r)
    n, days = staff_shares.shape
    pool = r["reachable_pool"]
    daily = {m: np.zeros((n, days)) for m in DAILY}
    cum_views = np.zeros(n)
    participants = np.zeros(n)
    points = np.zeros(n)
    share_rate = r["shares_per_participant_day"]
    for d in range(days):
        part_shares = share_rate * r["fatigue"] ** d * participants
        shares = staff_shares[:, d] + part_shares
        views = shares * r["views_per_share"]
        # first-time viewers: the drop in the unreached share of the pool
        reached = pool * (np.exp(-cum_views / pool) - np.exp(-(cum_views + views) / pool))
        cum_views = cum_views + views
        from_participants = np.divide(part_shares, shares, out=np.zeros(n), where=shares > 0)
        helpers = reached * r["help_rate"]
        joins = reached * r["join_rate"]
        points = points + helpers * from_participants
        new = joins + seed_joins[:, d]
        # K today: new participants that yesterday's participants' shares brought, per participant
        k = np.divide(joins * from_participants, participants, out=np.zeros(n), where=participants > 0)
        fans_today = new * r["participant_follow_rate"] + helpers * (1 - r["join_rate"]) * r["helper_follow_rate"]
        participants = participants + new
        for name, arr in zip(DAILY, (shares, views, reached, helpers, new, fans_today, k), strict=True):
            daily[name][:, d] = arr
    totals = {m: daily[m].sum(axis=1) for m in DAILY if m != "k_factor"}
    return Fission(daily, totals, points)


# ------------------------------------------------------------------ the Monte Carlo run, kept for the next plan

RUN_CACHE_SIZE = 8  # a 4,000-draw run is ~4 MB


def campaign_key(s: Section, fans: int) -> tuple:
    """Everything `seeds` and `simulate` read: sections with the same key run the same campaign."""
    return (fans, s.duration_days, s.staff_days, s.staff,
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
        for a in (*r.values(), *sim.daily.values(), *sim.totals.values(), sim.points,
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


def ranking_prize_cost(s: Section, participants: np.ndarray) -> np.ndarray:
    """Prizes handed out for the ranking: a block of ranks only pays for ranks somebody holds."""
    cost = np.zeros_like(participants)
    for prize in s.ranking_prizes:
        lo, hi = prize.ranks
        winners = np.clip(np.floor(participants + 1e-9) - (lo - 1), 0, hi - lo + 1)
        cost = cost + winners * float(prize.value)
    return cost


@dataclass
class ZeroFanModel:
    mechanics: pd.DataFrame
    recommended: str
    sim: Fission
    rates: dict[str, np.ndarray]
    qualifiers: np.ndarray  # (draws,) reaching the threshold, after any cap
    share_qualifying: np.ndarray  # (draws,)
    costs: dict[str, np.ndarray]  # liability, ranking, retention, fixed, cash, total: (draws,)
    cost_per_fan: np.ndarray  # (draws,) NaN where a draw has no new fans
    thresholds: pd.DataFrame
    points_brackets: pd.DataFrame
    tornado: pd.DataFrame
    daily: pd.DataFrame  # tidy: date, day, metric, p10, p50, p90
    budget: Decimal
    daily_bands: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # DAILY and fans_to_date: p10, p50, p90 by day

    def band(self, metric: str) -> Band:
        return Band.of(self.sim.totals[metric])

    def cost_per_fan_band(self) -> Band | None:
        """P10/P50/P90 over the draws that won any fan; None when none did (never NaN)."""
        ok = self.cost_per_fan[np.isfinite(self.cost_per_fan)]
        return Band.of(ok) if ok.size else None


def costs(s: Section, participants: np.ndarray, qualifiers: np.ndarray, r: dict[str, np.ndarray]) -> dict:
    c = {
        "liability": qualifiers * float(s.reward_value),
        "ranking": ranking_prize_cost(s, participants),
        "retention": participants * r["add_service_rate"] * float(s.retention_gift_cost),
        "fixed": np.full_like(participants, float(s.fixed_costs)),
    }
    # the reward is a discount on the product: revenue given up, not cash paid out
    c["cash"] = c["ranking"] + c["retention"] + c["fixed"]
    c["total"] = c["cash"] + c["liability"]
    return c


def capped(qualifiers: np.ndarray, cap: int | None) -> np.ndarray:
    return qualifiers if cap is None else np.minimum(qualifiers, cap)


def threshold_options(s: Section) -> np.ndarray:
    """The thresholds the decision table compares, the chosen one among them, ascending."""
    return np.array(sorted({*s.threshold_options, s.reward_threshold}))


def threshold_table(s: Section, sim: Fission, r: dict[str, np.ndarray],
                    shares: np.ndarray | None = None) -> pd.DataFrame:
    """Share, qualifiers and liability for each threshold option (`shares`: `threshold_share` of the options)."""
    options = threshold_options(s)
    if shares is None:
        shares = threshold_share(mean_points(sim), r["points_dispersion"], options)
    q = capped(sim.totals["participants"][:, None] * shares, s.reward_cap)  # (draws, options)
    liability = np.percentile(q * float(s.reward_value), QUANTILES, axis=0)
    return pd.DataFrame({
        "threshold": [int(t) for t in options],
        "share_p50": [float(v) for v in np.median(shares, axis=0)],
        "qualifiers_p50": [float(v) for v in np.median(q, axis=0)],
        "qualifiers_p90": [float(v) for v in np.percentile(q, 90, axis=0)],
        "liability_p50": [float(v) for v in liability[1]],
        "liability_p90": [float(v) for v in liability[2]],
        "chosen": [bool(t == s.reward_threshold) for t in options],
    })


def points_brackets(s: Section, sim: Fission, r: dict[str, np.ndarray]) -> pd.DataFrame:
    """Expected participants by points bracket at the median draw: where the threshold falls."""
    t = s.reward_threshold
    width = max(1, int(np.ceil(t / 5)))
    edges = list(range(0, 2 * t, width)) + [2 * t]
    mean = float(np.median(mean_points(sim)))
    k = float(np.median(r["points_dispersion"]))
    sf = stats.nbinom.sf(np.array(edges) - 1, k, k / (k + mean))  # P(points >= edge), one call for all
    people = float(np.median(sim.totals["participants"]))
    rows = []
    for i, (lo, hi) in enumerate(zip(edges, [*edges[1:], None], strict=True)):
        share = float(sf[i] - (sf[i + 1] if hi is not None else 0.0))
        rows.append({"points_from": lo, "points_to": None if hi is None else hi - 1, "share": share,
                     "participants": share * people, "qualifies": lo >= t})
    return pd.DataFrame(rows)


# Rates whose swing the tornado shows (the ones that can move new fans).
TORNADO_RATES = ("shares_per_staff", "fan_join_rate", "views_per_share", "join_rate", "help_rate",
                 "shares_per_participant_day", "fatigue", "reachable_pool", "participant_follow_rate",
                 "helper_follow_rate")


def tornado(s: Section, fans: int) -> pd.DataFrame:
    """New fans with every rate at its centre, then each rate alone at its low and high end."""
    return _cached(("tornado", campaign_key(s, fans)), lambda: _tornado(s, fans)).copy()


def _tornado(s: Section, fans: int) -> pd.DataFrame:
    ranges = s.uncertain()
    names = [n for n in ranges if n in TORNADO_RATES or n.startswith("partner_")]
    sets = 1 + 2 * len(names)
    r = {n: np.full(sets, ranges[n].centre) for n in ranges}
    for i, n in enumerate(names):
        r[n][1 + 2 * i] = ranges[n].low
        r[n][2 + 2 * i] = ranges[n].high
    fans_out = simulate(s, fans, r).totals["new_fans"].tolist()
    base = fans_out[0]
    at_low, at_high = fans_out[1::2], fans_out[2::2]
    swing = [abs(high - low) for low, high in zip(at_low, at_high, strict=True)]
    # a rate with nothing to act on (fans who register, with no fans) is noise, unless nothing moves at all
    keep = [i for i, sw in enumerate(swing) if sw > 0] or list(range(len(names)))
    keep.sort(key=lambda i: -swing[i])  # widest swing first, ties in the rates' order
    return pd.DataFrame({
        "rate": [names[i] for i in keep],
        "low": [float(ranges[names[i]].low) for i in keep],
        "high": [float(ranges[names[i]].high) for i in keep],
        "base": [base] * len(keep),
        "fans_at_low": [at_low[i] for i in keep],
        "fans_at_high": [at_high[i] for i in keep],
        "swing": [swing[i] for i in keep],
    })


def daily_table(s: Section, sim: Fission, by_day: dict | None = None) -> pd.DataFrame:
    """Tidy P10/P50/P90 per day and metric (`by_day`: the `daily_bands` already taken)."""
    by_day = by_day or daily_bands(sim)
    days = s.duration_days
    dates = [s.start_date + timedelta(days=d) for d in range(days)]
    return pd.DataFrame({
        "date": dates * len(DAILY),
        "day": list(range(1, days + 1)) * len(DAILY),
        "metric": [metric for metric in DAILY for _ in range(days)],
        **{name: np.concatenate([by_day[metric][i] for metric in DAILY])
           for i, name in enumerate(("p10", "p50", "p90"))},
    })


def build_model(s: Section, fans: int, budget: Decimal) -> ZeroFanModel:
    mechanics = mechanic_table(s, fans, budget)
    run = monte_carlo(s, fans)
    r, sim, by_day = dict(run.rates), run.sim, run.by_day
    participants = sim.totals["participants"]
    options = threshold_options(s)
    shares = run.threshold_shares(options)
    share = shares[:, int(np.searchsorted(options, s.reward_threshold))]
    qualifiers = capped(participants * share, s.reward_cap)
    c = costs(s, participants, qualifiers, r)
    new_fans = sim.totals["new_fans"]
    per_fan = np.full_like(new_fans, np.nan)
    np.divide(c["total"], new_fans, out=per_fan, where=new_fans > 0)
    return ZeroFanModel(
        mechanics=mechanics,
        recommended=str(mechanics.iloc[0]["mechanic"]),
        sim=sim,
        rates=r,
        qualifiers=qualifiers,
        share_qualifying=share,
        costs=c,
        cost_per_fan=per_fan,
        thresholds=threshold_table(s, sim, r, shares),
        points_brackets=points_brackets(s, sim, r),
        tornado=tornado(s, fans),
        daily=daily_table(s, sim, by_day),
        budget=budget,
        daily_bands=by_day,
    )
