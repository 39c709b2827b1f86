"""A platform's product export → the rapid-growth catalogue's columns (as text cells, checked there).

A product list carries title, code, group, price, stock and sales but none of the traffic
signals the "potential" score ranks (dwell time, click-through, consultations, bounce
rate, sales growth; favourites only on Qianniu). Those missing are given one value for
every product, so they rank all products alike and the score comes from the signals the
file has; `filled` says which, for the data notes. Without a code the title is the SKU;
prices are taken without ¥ and thousands separators. Qianniu's and Weidian's lists have
no cost: the consultant adds a 成本价 column (the ladders never price below cost).
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataFileError
from .formats import Format

NEUTRAL = {"dwell_time": "0", "click_through": "0", "consultations": "0", "favourites": "0",
           "sales_growth": "0", "bounce_rate": "0"}


def catalogue_cells(raw: pd.DataFrame, fmt: Format, source: str) -> tuple[pd.DataFrame, list[str]]:
    """The catalogue's columns, and the signals filled in because the export has none."""
    cols = fmt.find(list(raw.columns))
    missing = [f"{ours} ({' or '.join(fmt.columns[ours])})" for ours in ("name", "price", "cost")
               if ours not in cols]
    if missing:
        hint = "; add a 成本价 column with each product's unit cost" if "cost" not in cols else ""
        raise DataFileError(source, [(f"line 1: a {fmt.label} export needs the column(s) {', '.join(missing)}"
                                     f"{hint} (columns found: {', '.join(raw.columns)})")])
    out = pd.DataFrame({ours: raw[theirs] for ours, theirs in cols.items()})
    out["sku"] = out["sku"].where(out["sku"] != "", out["name"]) if "sku" in out.columns else out["name"]
    out["category"] = out["category"].where(out["category"] != "", "—") if "category" in out.columns else "—"
    for col in ("price", "cost"):
        out[col] = out[col].str.replace(r"[,¥￥\s]", "", regex=True)
    if "monthly_sales" not in out.columns:
        out["monthly_sales"] = "0"
    out["monthly_sales"] = out["monthly_sales"].where(out["monthly_sales"] != "", "0")
    filled = [s for s in NEUTRAL if s not in out.columns]
    for s in filled:
        out[s] = NEUTRAL[s]
    out["season"] = "all"
    if "stock" not in out.columns:
        out["stock"] = ""
    return out, filled
