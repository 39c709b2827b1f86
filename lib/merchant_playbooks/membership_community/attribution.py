"""Who sells: customers, orders and sales by store and by shopping guide, when the history names them.

A shop export's 归属店铺 and 销售导购 (or the project CSV's `store` and `guide` columns)
become a table each in the audience section — only when at least two stores (or guides)
appear: the store split and the guides' attribution the community event builds on.
Numbers only here; the audience section's words (`words.py`) name the columns.
"""

from __future__ import annotations

import pandas as pd

SPLITS = (("store", "stores"), ("guide", "guides"))


def split(orders: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per store (or guide), most sales first: customers, orders, revenue, share of all revenue."""
    named = orders[orders[column] != ""]
    g = named.groupby(column, sort=True)
    table = pd.DataFrame({"customers": g["customer_id"].nunique(), "orders": g.size(),
                          "revenue": g["cents"].sum() / 100})
    total = float(orders["cents"].sum()) / 100
    table["revenue_share"] = table["revenue"] / total if total else 0.0
    return table.sort_values("revenue", ascending=False, kind="stable").reset_index()


def splits(orders: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Table name -> its split, for each split the history supports (two or more stores or guides)."""
    return {name: split(orders, column) for column, name in SPLITS
            if column in orders.columns and orders.loc[orders[column] != "", column].nunique() >= 2}
