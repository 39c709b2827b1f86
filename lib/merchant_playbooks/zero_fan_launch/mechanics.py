"""The zero-fan launch's mechanic choice: the fission methods scored and the one to recommend.

`mechanic_table` scores the methods on feasibility, influence, difficulty, success
likelihood and cost (source 002's ranking table), adjusted for the merchant's
situation (`situation_adjustments`, our rules, named so they can be argued with).
Kept for the next plan per situation (`lru_cache`): a change of reward or dates does not move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from ..diagnosis import ZERO_BUDGET_MAX, ZERO_FANS_MAX
from .schema import CRITERIA, MECHANICS, POINTS_MECHANICS, MechanicScores, Section, Weights

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
