"""RFM: recency, frequency and monetary scores 1–5 per customer, and the named segments.

Scores are quintiles of each measure's rank, ties broken by first appearance
(customers in the order they first appear in the history), as `pd.qcut(x.rank(method="first"), 5)` does
(FIELD_NOTES.md); recency is reversed, so the most recent buyers score 5. A
history of fewer than five customers still scores: each rank falls in the
quintile its position gives (a lone customer is in the lowest bin: R 5, F 1, M 1).

Segments and their score ranges are those of the R package `rfm` 0.3.0
(`rfm_segment` examples): each customer takes the first segment in this order
whose three ranges contain its scores; a customer no range fits is "others".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (segment key, (R low, R high), (F low, F high), (M low, M high)) in rfm 0.3.0's order.
SEGMENTS: tuple[tuple[str, tuple[int, int], tuple[int, int], tuple[int, int]], ...] = (
    ("champions", (5, 5), (5, 5), (5, 5)),
    ("potential_loyalist", (3, 5), (3, 5), (2, 5)),
    ("loyal_customers", (2, 4), (2, 4), (2, 4)),
    ("promising", (3, 4), (1, 3), (3, 5)),
    ("new_customers", (4, 5), (1, 3), (1, 5)),
    ("cant_lose_them", (1, 2), (3, 4), (4, 5)),
    ("at_risk", (1, 2), (2, 5), (4, 5)),
    ("need_attention", (1, 3), (3, 5), (3, 5)),
    ("about_to_sleep", (2, 3), (1, 3), (1, 4)),
    ("lost", (1, 1), (1, 5), (1, 5)),
)
OTHERS = "others"
SEGMENT_ORDER = tuple(s[0] for s in SEGMENTS) + (OTHERS,)


def customer_codes(orders: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each order's customer as a number, customers numbered in order of first appearance.

    First appearance, not sorted ids: sorting a million text ids costs seconds, and the
    file's order is as deterministic (same file, same scores).
    """
    ids = orders["customer_id"]
    return pd.factorize(ids.to_numpy(dtype=object) if ids.dtype != object else ids.to_numpy(), sort=False)


def customer_table(orders: pd.DataFrame, analysis_date: pd.Timestamp) -> pd.DataFrame:
    """One row per customer (index customer_id, in order of first appearance): first and last order, orders, spend, recency_days.

    Vectorised with one factorize and bincounts, so a million orders take well under a second.
    """
    codes, uniques = customer_codes(orders)
    n = len(uniques)
    days = orders["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    last = np.full(n, np.iinfo(np.int64).min)
    first = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(last, codes, days)
    np.minimum.at(first, codes, days)
    count = np.bincount(codes, minlength=n)
    cents = np.bincount(codes, weights=orders["cents"].to_numpy(dtype=np.float64), minlength=n)
    today = np.datetime64(pd.Timestamp(analysis_date).date(), "D").astype(np.int64)
    return pd.DataFrame(
        {
            "first_order": first.astype("datetime64[D]"),
            "last_order": last.astype("datetime64[D]"),
            "orders": count,
            "spend": cents / 100.0,
            "recency_days": today - last,
        },
        index=pd.Index(uniques, name="customer_id"),
    )


def quintile_scores(values: np.ndarray, reverse: bool = False, bins: int = 5) -> np.ndarray:
    """1..bins by quintile of rank (ties broken by position); `reverse` gives the smallest values the top score.

    Same bins as `pd.qcut(pd.Series(values).rank(method="first"), bins, labels=False) + 1` wherever
    qcut can cut (two or more values): rank r of n falls in bin k when edge(k−1) < r ≤ edge(k), with
    edges 1 + (n − 1)·k/bins.
    """
    values = np.asarray(values)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    ranks = np.empty(n, dtype=np.float64)
    ranks[np.argsort(values, kind="stable")] = np.arange(1, n + 1)
    inner = 1 + (n - 1) * np.arange(1, bins) / bins
    # qcut's edges come from quantiles with float error; nudge so r exactly on an edge stays below it
    score = np.searchsorted(inner + 1e-9 * max(n, 1), ranks, side="left") + 1
    score = score.astype(np.int8)
    return (bins + 1 - score).astype(np.int8) if reverse else score


def score(customers: pd.DataFrame) -> pd.DataFrame:
    """Add recency_score (reversed), frequency_score, monetary_score, rfm_score ("545") and segment."""
    out = customers.copy()
    r = quintile_scores(out["recency_days"].to_numpy(), reverse=True)
    f = quintile_scores(out["orders"].to_numpy())
    m = quintile_scores(out["spend"].to_numpy())
    out["recency_score"], out["frequency_score"], out["monetary_score"] = r, f, m
    out["rfm_score"] = (r.astype(np.int16) * 100 + f.astype(np.int16) * 10 + m).astype(np.int16)
    out["segment"] = pd.Categorical(segment_of(r, f, m), categories=SEGMENT_ORDER)
    return out


def segment_of(r: np.ndarray, f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The first rfm 0.3.0 segment whose ranges contain (r, f, m); "others" when none does."""
    # a 5×5×5 lookup table: 125 cells decided once, then one fancy-index for every customer
    lookup = np.full((6, 6, 6), OTHERS, dtype=object)
    for rr in range(1, 6):
        for ff in range(1, 6):
            for mm in range(1, 6):
                for key, (r0, r1), (f0, f1), (m0, m1) in SEGMENTS:
                    if r0 <= rr <= r1 and f0 <= ff <= f1 and m0 <= mm <= m1:
                        lookup[rr, ff, mm] = key
                        break
    return lookup[np.asarray(r, dtype=int), np.asarray(f, dtype=int), np.asarray(m, dtype=int)]


def segment_table(scored: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Per segment: customers, share, revenue, revenue share, mean recency, orders and spend (+ extra means)."""
    g = scored.groupby("segment", observed=False)
    table = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["spend"].sum(),
        "recency_days": g["recency_days"].mean(),
        "orders": g["orders"].mean(),
        "spend": g["spend"].mean(),
    })
    for col, name in (extra or {}).items():
        table[name] = g[col].mean()
    table["customer_share"] = table["customers"] / max(len(scored), 1)
    total = scored["spend"].sum()
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    table = table[table["customers"] > 0].reset_index()
    table["segment"] = table["segment"].astype(str)
    return table


__all__ = ["OTHERS", "SEGMENTS", "SEGMENT_ORDER", "customer_table", "quintile_scores", "score", "segment_of",
           "segment_table"]
