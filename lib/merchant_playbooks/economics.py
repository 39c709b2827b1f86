"""The event's money as a P&L: what comes in, what goes out, what is kept — per simulated draw.

A playbook's figures fill a `Ledger` with one array per line (one value per Monte Carlo draw,
all from the same draws), and `economics()` reads it as P10/P50/P90 ranges for `plan.json`
`economics`. Every identity holds draw by draw, before any percentile is taken:

    net_sales    = revenue - discounts           (what customers pay)
    gross_profit = net_sales - cogs
    cash_out     = cogs + rewards + fixed        (all costs)
    net          = net_sales - cash_out  = revenue - discounts - cogs - rewards - fixed
    roi          = net / cash_out
    cost_per_result = cash_out / results         (e.g. per new follower, per order, per member)
    break_even   = results needed for net to reach 0 at this draw's margin per result

`revenue` is the sales at list price, `discounts` the price given away (cuts, coupons, member
prices), `rewards` what gifts and prizes cost the merchant, `cogs` the cost of the goods sold,
`fixed` the event's fixed costs. No words here: `economics_text` names the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .montecarlo import Band

LINES = ("revenue", "discounts", "net_sales", "cogs", "gross_profit", "rewards", "fixed", "cash_out", "net")
RATIOS = ("roi", "cost_per_result", "break_even")


@dataclass
class Ledger:
    revenue: np.ndarray
    discounts: np.ndarray
    cogs: np.ndarray
    rewards: np.ndarray
    fixed: np.ndarray | float
    results: np.ndarray  # how many of the plan's result the draw gives (the cost per result divides by it)
    result: str  # the result's key: new_follower | order | member | signup | buyer | ... (named by the catalogue)
    later_value: np.ndarray | None = None  # what each result is worth after the event (e.g. a fan's CLV), if known

    def arrays(self) -> dict[str, np.ndarray]:
        n = np.asarray(self.revenue, dtype=float).shape
        a = {k: np.broadcast_to(np.asarray(getattr(self, k), dtype=float), n)
             for k in ("revenue", "discounts", "cogs", "rewards", "fixed", "results")}
        a["net_sales"] = a["revenue"] - a["discounts"]
        a["gross_profit"] = a["net_sales"] - a["cogs"]
        a["cash_out"] = a["cogs"] + a["rewards"] + a["fixed"]
        a["net"] = a["net_sales"] - a["cash_out"]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            a["roi"] = np.where(a["cash_out"] > 0, a["net"] / a["cash_out"], np.nan)
            a["cost_per_result"] = np.where(a["results"] > 0, a["cash_out"] / a["results"], np.nan)
            margin = np.where(a["results"] > 0, a["gross_profit"] / a["results"], np.nan)  # kept per result
            a["break_even"] = np.where(margin > 0, (a["rewards"] + a["fixed"]) / margin, np.nan)
        return a


def _band(values: np.ndarray) -> Band:
    finite = values[np.isfinite(values)]
    if finite.size < max(1, values.size // 2):  # undefined in most draws (no results, no margin)
        return Band(float("nan"), float("nan"), float("nan"))
    return Band.of(finite)


def economics(ledger: Ledger) -> dict:
    """plan.json `economics`: each line and ratio as `{p10, p50, p90}`, the share of draws that pay
    back, and the verdict's key with what would change it."""
    a = ledger.arrays()
    out: dict = {k: _band(a[k]).to_dict(2) for k in LINES + RATIOS}
    out["result"] = ledger.result
    out["pays_back_share"] = round(float(np.mean(a["net"] >= 0)), 4)
    out["verdict"] = verdict(a, ledger)
    return out


def verdict(a: dict[str, np.ndarray], ledger: Ledger) -> dict:
    """pays_back (net ≥ 0 in 9 of 10 draws) | may_pay_back (in the expected case) | pays_back_later (the
    event loses money but its results are worth more afterwards) | does_not_pay_back; with the lever."""
    share = float(np.mean(a["net"] >= 0))
    p50_net = float(np.median(a["net"]))
    if share >= 0.9:
        key = "pays_back"
    elif p50_net >= 0:
        key = "may_pay_back"
    elif ledger.later_value is not None and float(np.median(a["net"] + ledger.later_value * a["results"])) >= 0:
        key = "pays_back_later"
    else:
        key = "does_not_pay_back"
    gap = max(0.0, -float(np.percentile(a["net"], 10)))  # what the low case is short of breaking even
    return {"key": key, "shortfall_p10": round(gap, 2)}
