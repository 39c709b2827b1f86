"""Who sells: customers, orders and sales by store and by shopping guide, when the history names them.

A shop export's 归属店铺 and 销售导购 (or the project CSV's `store` and `guide` columns)
become a table each in the audience section — only when at least two stores (or guides)
appear: the store split and the guides' attribution the community event builds on.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..plan import Table

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


def split_blocks(orders: pd.DataFrame, t: Callable[..., str]) -> list[tuple[str, pd.DataFrame, Table]]:
    """(table name, table, its block) for each split the history supports."""
    out = []
    for column, name in SPLITS:
        if column not in orders.columns or orders.loc[orders[column] != "", column].nunique() < 2:
            continue
        out.append((name, split(orders, column), Table(name, t(f"audience.{name}_caption"), labels=(
            (column, t(f"col.{column}")), ("customers", t("col.customers")), ("orders", t("col.orders_count")),
            ("revenue", t("col.sales")), ("revenue_share", t("col.revenue_share"))),
            formats=(("customers", "count"), ("orders", "count"), ("revenue", "money"), ("revenue_share", "share")))))
    return out
