"""The calendar's money as a P&L: what the weekly fixtures and events add, and what they cost, per draw.

A year plan's sales are mostly the everyday sales the shop makes anyway; the calendar is worth
what it adds to them. So the ledger (`economics.Ledger`) is the calendar's own, from the same
draws as the KPIs:

- revenue: the extra sales at list price — the year's sales minus its everyday sales (the same
  draw's run-rate × season × growth, before any weekly or event lift), plus the price cuts;
- discounts: the price cuts given away on the events' ladder products (`kpis.discount_cost`);
- cogs: the extra goods at the catalogue's cost — revenue × the catalogue's cost share (cost over
  price, weighted by each product's monthly sales: the products file has every product's cost);
- rewards: none (the schemes give price cuts, counted as discounts; a gift with purchase is a
  draw item already in the ladder);
- fixed: posters, ads and tools, `fixed_cost_per_event` × the discount events;
- results: the extra orders (extra sales paid / average order value), result "order".
"""

from __future__ import annotations

import numpy as np

from ..economics import Ledger
from .model import CadenceModel


def cost_share(model: CadenceModel) -> float:
    """The catalogue's cost over its price, weighted by monthly sales (unweighted without sales)."""
    rows = model.ranked_products
    weights = [float(r["monthly_sales"] or 0) for r in rows]
    if sum(weights) <= 0:
        weights = [1.0] * len(rows)
    price = sum(w * float(r["price"]) for w, r in zip(weights, rows, strict=True))
    cost = sum(w * float(r["cost"]) for w, r in zip(weights, rows, strict=True))
    return cost / price if price > 0 else 0.0


def ledger(model: CadenceModel) -> Ledger:
    d = model.draws
    extra_paid = np.maximum(d["sales"] - d["baseline"], 0.0)
    revenue = extra_paid + d["markdown"]
    return Ledger(
        revenue=revenue,
        discounts=d["markdown"],
        cogs=revenue * cost_share(model),
        rewards=np.zeros_like(revenue),
        fixed=float(model.fixed_cost),
        results=extra_paid / float(model.average_order_value),
        result="order",
    )
