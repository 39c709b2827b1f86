"""The zero-fan launch model: pure functions of validated params → plain data.

The campaign itself is in `fission` (day by day, and its Monte Carlo run), the
mechanic choice in `mechanics`; this module adds what they give up to the plan's
model (`build_model`): qualifiers for the reward threshold (after any cap) →
reward liability, ranking prizes, retention gifts, cost per new fan; the
threshold options, the points brackets, the tornado and the tidy daily ranges.

Money per unit is exact (Decimal params); forecasts of totals are floats.

Speed (the live panel rebuilds the plan on every change): what a change of
reward, cap, costs, dates or wording does not move is kept for the next plan —
the Monte Carlo run (`fission.monte_carlo`), the tornado and the mechanic
table, each keyed on exactly the inputs it reads. None of it changes a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from scipy import stats

from ..economics import Ledger
from ..montecarlo import Band
from .fission import (  # noqa: F401 - the model's public names, importable from here as before
    _RUNS,
    DAILY,
    QUANTILES,
    Fission,
    _cached,
    bands,
    campaign_key,
    daily_bands,
    mean_points,
    monte_carlo,
    simulate,
    threshold_share,
)
from .mechanics import LOWER_IS_BETTER, mechanic_table  # noqa: F401
from .schema import Section


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
    gift_cost_per_new: np.ndarray  # (draws,) retention gifts' cost per new contact; NaN where none is new
    sales: Sales  # sign-ups who pay, and what they pay (zero without a price)
    thresholds: pd.DataFrame
    points_brackets: pd.DataFrame
    tornado: pd.DataFrame
    daily: pd.DataFrame  # tidy: date, day, metric, p10, p50, p90
    budget: Decimal
    daily_bands: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # DAILY and fans_to_date: p10, p50, p90 by day
    ledger: Ledger  # the P&L per draw (`economics`), from the same draws

    def band(self, metric: str) -> Band:
        return Band.of(self.sim.totals[metric])

    def cost_per_fan_band(self) -> Band | None:
        """P10/P50/P90 over the draws that won any fan; None when none did (never NaN)."""
        return finite_band(self.cost_per_fan)

    def gift_cost_per_new_band(self) -> Band | None:
        """P10/P50/P90 over the draws whose gift brought anyone new; None when none did."""
        return finite_band(self.gift_cost_per_new)


def finite_band(values: np.ndarray) -> Band | None:
    ok = values[np.isfinite(values)]
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


def gift_cost_per_new(c: dict[str, np.ndarray], participants: np.ndarray, fan_joins: np.ndarray,
                      r: dict[str, np.ndarray]) -> np.ndarray:
    """The retention gift's total cost per new contact it brings: every participant who adds customer
    service gets it, but existing fans who register were already reachable, so only the others count
    as new (the figure a pull-new rule caps). NaN where the gift brings nobody new."""
    new_contacts = np.maximum(participants - fan_joins, 0.0) * r["add_service_rate"]
    return np.divide(c["retention"], new_contacts, out=np.full_like(participants, np.nan), where=new_contacts > 0)


@dataclass
class Sales:
    """Sign-ups who pay (`price` set): (draws,) arrays; all zero when the campaign sells nothing itself."""

    buyers: np.ndarray
    revenue: np.ndarray  # at list price
    discounts: np.ndarray  # the reward taken off by paying qualifiers
    cogs: np.ndarray

    @property
    def net(self) -> np.ndarray:
        return self.revenue - self.discounts


def sales(s: Section, participants: np.ndarray, share: np.ndarray, r: dict[str, np.ndarray]) -> Sales:
    """Sign-ups → paid → sales: `paid_rate` of participants pay `price`; those over the threshold pay it less
    the reward (paying is independent of the points, so their share among buyers is the threshold share)."""
    if s.price is None:
        zero = np.zeros_like(participants)
        return Sales(zero, zero, zero, zero)
    buyers = participants * r["paid_rate"]
    revenue = buyers * float(s.price)
    discounts = np.minimum(buyers * share * float(s.reward_value), revenue)
    return Sales(buyers, revenue, discounts, revenue * (1 - s.margin))


def ledger(s: Section, sim: Fission, c: dict[str, np.ndarray], sold: Sales) -> Ledger:
    """The campaign's P&L per draw: the rewards (every qualifier's reward counted in full, ranking prizes,
    retention gifts) and the fixed costs buy new fans, worth `fan_value` each if known. With a `price`, the
    sign-ups who pay are its sales and the reward is what paying qualifiers are let off (a discount), so a
    qualifier who never buys costs nothing."""
    later = None if s.fan_value is None else np.full_like(c["fixed"], float(s.fan_value))
    rewards = c["ranking"] + c["retention"] + (0.0 if s.price is not None else c["liability"])
    return Ledger(revenue=sold.revenue, discounts=sold.discounts, cogs=sold.cogs, rewards=rewards,
                  fixed=c["fixed"], results=sim.totals["new_fans"], result="new_follower", later_value=later)


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


def points_brackets(s: Section, sim: Fission, r: dict[str, np.ndarray], share: np.ndarray) -> pd.DataFrame:
    """Expected participants by points bracket at the median draw: where the threshold falls.

    The spread's shape is the median draw's; its totals are the KPIs': the brackets over the
    threshold hold the expected share reaching it (`share`'s median) and all brackets the
    expected participants, so the table adds up to the figures the cover shows."""
    t = s.reward_threshold
    width = max(1, int(np.ceil(t / 5)))
    edges = list(range(0, 2 * t, width)) + [2 * t]
    mean = float(np.median(mean_points(sim)))
    k = float(np.median(r["points_dispersion"]))
    sf = stats.nbinom.sf(np.array(edges) - 1, k, k / (k + mean))  # P(points >= edge), one call for all
    people = float(np.median(sim.totals["participants"]))
    raw = np.append(sf[:-1] - sf[1:], sf[-1])  # each bracket's share of participants
    over = np.array(edges) >= t
    target = float(np.median(share))
    for part, total in ((over, target), (~over, 1.0 - target)):
        have = float(raw[part].sum())
        raw[part] = raw[part] * (total / have) if have > 0 else total / max(int(part.sum()), 1)
    rows = [{"points_from": lo, "points_to": None if hi is None else hi - 1, "share": float(raw[i]),
             "participants": float(raw[i]) * people, "qualifies": bool(over[i])}
            for i, (lo, hi) in enumerate(zip(edges, [*edges[1:], None], strict=True))]
    return pd.DataFrame(rows)


# Rates whose swing the tornado shows (the ones that can move new fans).
TORNADO_RATES = ("shares_per_staff", "fan_join_rate", "views_per_share", "join_rate", "help_rate",
                 "shares_per_participant_day", "fatigue", "shares_per_helper", "circle_size", "reachable_pool",
                 "participant_follow_rate", "helper_follow_rate")


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
    sold = sales(s, participants, share, r)
    money = ledger(s, sim, c, sold)
    lines = money.arrays()  # the cost KPIs read the P&L: one computation
    c["total"], per_fan = lines["cash_out"], lines["cost_per_result"]
    return ZeroFanModel(
        mechanics=mechanics,
        recommended=str(mechanics.iloc[0]["mechanic"]),
        sim=sim,
        rates=r,
        qualifiers=qualifiers,
        share_qualifying=share,
        costs=c,
        cost_per_fan=per_fan,
        gift_cost_per_new=gift_cost_per_new(c, participants, fans * r["fan_join_rate"], r),
        sales=sold,
        thresholds=threshold_table(s, sim, r, shares),
        points_brackets=points_brackets(s, sim, r, share),
        tornado=tornado(s, fans),
        daily=daily_table(s, sim, by_day),
        budget=budget,
        daily_bands=by_day,
        ledger=money,
    )
