"""Who to win back: high-value customers likely to have stopped buying."""

from __future__ import annotations

import pandas as pd


def winback_list(customers: pd.DataFrame, p_alive_below: float, count: int) -> pd.DataFrame:
    """High-value customers likely to have stopped buying, most value at stake first.

    High value: spend in the top fifth. At risk: P(alive) below `p_alive_below` (params: winback_p_alive; without a
    fitted model: the RFM segments at_risk, cant_lose_them and about_to_sleep). Value at stake:
    past spend × (1 − P(alive)).
    """
    spend = customers["spend"]
    high = spend >= spend.quantile(0.8)
    if customers["p_alive"].notna().any():
        risk = customers["p_alive"] < p_alive_below
        stake = spend * (1 - customers["p_alive"])
    else:
        risk = customers["segment"].astype(str).isin(("at_risk", "cant_lose_them", "about_to_sleep"))
        stake = spend
    out = customers[high & risk].assign(value_at_stake=stake[high & risk])
    out = out.sort_values(["value_at_stake", "spend"], ascending=False, kind="stable").head(count)
    out = out.reset_index()[["customer_id", "segment", "last_order", "orders", "spend", "p_alive", "clv",
                             "value_at_stake"]]
    out["segment"] = out["segment"].astype(str)
    out["last_order"] = pd.to_datetime(out["last_order"]).dt.date
    return out


__all__ = ["winback_list"]
