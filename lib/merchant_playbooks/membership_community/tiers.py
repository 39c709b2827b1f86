"""Member levels: thresholds, who is in each, revenue share, who is within reach of the next level.

Levels come from params (`tiers:`), or from the common Chinese template
(FIELD_NOTES.md: 1 yuan = 1 growth point, levels at 0 / 1k / 3k / 6k / 10k; the
first level pays list price, the next four 98 / 95 / 90 / 88%), or from the
merchant's own spend (thresholds where a given share of the customers who bought
within the window is at or above, rounded to two significant figures).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from .schema import Section, Tier

# (min spend, price rate, yearly perks cost per member) — the template's five levels.
TEMPLATE = (
    (Decimal(0), 1.00, Decimal(0)),
    (Decimal(1000), 0.98, Decimal(10)),
    (Decimal(3000), 0.95, Decimal(30)),
    (Decimal(6000), 0.90, Decimal(60)),
    (Decimal(10000), 0.88, Decimal(120)),
)


@dataclass(frozen=True)
class Level:
    key: str  # level_1 ... (stable, for plan.json)
    name: str
    min_spend: Decimal
    price_rate: float
    perks_cost: Decimal
    perks: str = ""


def nice(value: float) -> Decimal:
    """Round a threshold to two significant figures (1,234 → 1,200), never below 1."""
    if value <= 1:
        return Decimal(1)
    digits = math.floor(math.log10(value)) - 1
    step = 10**digits
    return Decimal(round(value / step) * step)


def levels(section: Section, window_spend: np.ndarray, names: list[str]) -> list[Level]:
    """The levels the plan uses; `names` are the template's names in the merchant's language."""
    if section.tiers:
        return [Level(f"level_{i + 1}", t.name, t.min_spend, t.price_rate, t.perks_cost, t.perks)
                for i, t in enumerate(section.tiers)]
    buying = np.asarray(window_spend, dtype=float)
    buying = buying[buying > 0]
    if section.tier_source == "spend" and len(buying):
        # shares of the customers who bought in the window: those who did not start at the first level anyway
        spend = np.sort(buying)
        mins = [Decimal(0)]
        for share in section.tier_spend_shares:
            q = float(np.quantile(spend, 1 - share))
            mins.append(max(nice(q), mins[-1] + 1))
        rates = [r for _, r, _ in TEMPLATE]
        perks = [p for _, _, p in TEMPLATE]
        k = len(mins)
        return [Level(f"level_{i + 1}", names[i] if i < len(names) else f"L{i + 1}", mins[i],
                      rates[min(i, len(rates) - 1)], perks[min(i, len(perks) - 1)]) for i in range(k)]
    return [Level(f"level_{i + 1}", names[i], m, r, p) for i, (m, r, p) in enumerate(TEMPLATE)]


def assign(window_spend: np.ndarray, lv: list[Level]) -> np.ndarray:
    """Index of each customer's level: the highest whose min_spend the spend reaches."""
    mins = np.array([float(level.min_spend) for level in lv])
    return np.searchsorted(mins, np.asarray(window_spend, dtype=float), side="right") - 1


def tier_table(window_spend: np.ndarray, lv: list[Level], reach_share: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Per level: customers, revenue (spend in the window), shares, and those within reach of the next level.

    A customer is within reach when the spend still missing for the next level is at
    most `reach_share` of that level's threshold (an upgrade nudge can close it).
    """
    spend = np.asarray(window_spend, dtype=float)
    idx = assign(spend, lv)
    n, total = len(spend), float(spend.sum())
    rows = []
    for i, level in enumerate(lv):
        inside = idx == i
        row = {
            "level": level.key,
            "tier": level.name,
            "min_spend": level.min_spend,
            "price_rate": level.price_rate,
            "discount": 1 - level.price_rate,  # the member discount ("5% off")
            "perks_cost": level.perks_cost,
            "customers": int(inside.sum()),
            "customer_share": float(inside.sum() / n) if n else 0.0,
            "revenue": float(spend[inside].sum()),
            "revenue_share": float(spend[inside].sum() / total) if total else 0.0,
            "next_tier": "",
            "near_next": 0,
            "near_next_gap": float("nan"),
        }
        if i + 1 < len(lv):
            nxt = float(lv[i + 1].min_spend)
            gap = nxt - spend[inside]
            near = gap <= reach_share * nxt
            row.update(next_tier=lv[i + 1].name, near_next=int(near.sum()),
                       near_next_gap=float(np.median(gap[near])) if near.any() else float("nan"))
        rows.append(row)
    return pd.DataFrame(rows), idx


def window_spend(orders: pd.DataFrame, index: pd.Index, analysis_date: pd.Timestamp, days: int) -> np.ndarray:
    """Each customer's spend in the `days` up to the analysis date, aligned to `index`."""
    since = analysis_date - pd.Timedelta(days=days - 1)
    recent = orders[orders["order_date"] >= since]
    spend = recent.groupby("customer_id", sort=False)["cents"].sum() / 100.0
    return spend.reindex(index, fill_value=0.0).to_numpy(dtype=float)



def economics(table: pd.DataFrame, spend_next: np.ndarray, value: np.ndarray, idx: np.ndarray, lv: list[Level],
              gross_margin: float, benefit_budget_share: float) -> pd.DataFrame:
    """Per level: CLV, next year's expected spend, the benefits' cost, the budget they deserve and the flags.

    `spend_next` and `value` (CLV, NaN without a model) are per customer, `idx` each customer's level.
    """
    has_clv = bool(np.isfinite(value).any())
    rows = []
    for i, level in enumerate(lv):
        inside = idx == i
        members = int(inside.sum())
        discount_cost = float(np.sum(spend_next[inside]) * (1 - level.price_rate))
        cost = discount_cost + members * float(level.perks_cost)
        worth_base = float(np.nansum(value[inside])) if has_clv else float(np.sum(spend_next[inside]))
        worth = worth_base * gross_margin
        budget = worth_base * benefit_budget_share
        flag = "over_worth" if cost > worth and cost > 0 else ("over_budget" if cost > budget else "ok")
        rows.append({
            "clv_mean": float(np.nanmean(value[inside])) if has_clv and members else float("nan"),
            "clv_total": float(np.nansum(value[inside])) if has_clv else float("nan"),
            "spend_next": float(np.sum(spend_next[inside])),
            "discount_cost": discount_cost,
            "benefit_cost": cost,
            "benefit_cost_per_member": cost / members if members else float("nan"),
            "benefit_budget": budget,
            "worth": worth,
            "flag": flag,
        })
    return pd.concat([table, pd.DataFrame(rows)], axis=1)


__all__ = ["TEMPLATE", "Level", "Tier", "assign", "economics", "levels", "nice", "tier_table", "window_spend"]
