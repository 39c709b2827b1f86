"""`playbooks inspect FILE`: what a data file is and what a plan would take from it.

The format detected (or forced), the encoding, the rows read and kept, the rows left out by
reason, the date span, customers and revenue (or products and prices), and which
playbooks can use it — through the same readers the plans use, so the numbers are the plan's.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import i18n
from .membership_community.orders import history_from_cells
from .rapid_growth_cadence.products import read_catalogue
from .shop_exports import customers as customer_list
from .shop_exports import detect_any
from .shop_exports.decoding import read_cells
from .shop_exports.products import catalogue_cells

ENCODINGS = {"utf-8": "UTF-8 text", "utf-8-sig": "UTF-8 text with a byte-order mark", "gb18030": "GBK/GB18030 text",
             "xlsx": "xlsx workbook"}
REASONS = {"unpaid": "unpaid", "cancelled": "cancelled", "closed": "closed", "refunded": "fully refunded",
           "unknown_status": "with a status this project does not know", "after_analysis_date": "after the date"}


def _n(v: float) -> str:
    return i18n.number(v)


def _money(v: float | Decimal) -> str:
    return i18n.money(Decimal(str(v)).quantize(Decimal("0.01")), "CNY", "en")


def inspect_file(path: Path, fmt: str = "auto", shown: str | None = None) -> str:
    """The report's lines; a file that cannot be read raises `DataFileError` naming it."""
    shown = shown or str(path)
    raw, encoding = read_cells(path, shown, header="a header row", not_found="file not found")
    kind, platform = detect_any(list(raw.columns), shown, fmt)
    how = "forced by --format" if fmt != "auto" else "detected from the header row"
    label = platform.label if platform else {"orders": "the project's orders CSV",
                                             "products": "the project's catalogue CSV"}[kind]
    head = [f"{shown}: {label} ({how}), {ENCODINGS[encoding]}"]
    if kind == "orders":
        return "\n".join(head + _orders(raw, shown, fmt, path))
    if kind == "products":
        return "\n".join(head + _products(raw, platform, shown, fmt, path))
    return "\n".join(head + _customers(customer_list.summarise(raw, platform, shown)))


def _orders(raw: pd.DataFrame, shown: str, fmt: str, path: Path) -> list[str]:
    history, export = history_from_cells(raw, shown, fmt)
    orders = history.orders
    found = len(orders) + sum(history.excluded.values())
    read = [f"  rows read: {_n(history.rows_read)}"]
    if export is not None and export.notes.get("items_folded"):
        read.append(f"{_n(export.notes['items_folded'])} item rows folded into their orders")
    if export is not None and export.notes.get("duplicate_orders"):
        read.append(f"{_n(export.notes['duplicate_orders'])} rows repeat an order already read, counted once "
                    f"({', '.join(export.duplicates)}{', ...' if export.notes['duplicate_orders'] > 3 else ''})")
    lines = ["; ".join(read), f"  orders: {_n(found)}; kept: {_n(len(orders))} paid"]
    left = [f"{_n(v)} {REASONS.get(k, k)}" for k, v in history.excluded.items()]
    lines.append(f"  left out: {', '.join(left) if left else 'none'}")
    if export is not None and export.unknown_statuses:
        lines.append(f"  statuses not known: {', '.join(export.unknown_statuses)}")
    lines.append(f"  dates: {history.first_date.date()} to {history.last_date.date()}"
                 + (" (payment day)" if export is not None else ""))
    customers = f"  customers: {_n(history.customers)}"
    keyed = history.notes.get("key_phone_nickname", 0)
    if keyed:
        customers += (f" ({_n(keyed)} keyed by masked phone + nickname: two buyers with the same nickname and "
                      "masked phone would count as one)")
    lines.append(customers)
    revenue = f"  revenue: {_money(history.revenue)}" + (" net of refunds" if export is not None else "")
    if export is not None and export.refunded:
        revenue += (f" ({_money(export.refunded)} refunded on {_n(export.notes.get('partly_refunded', 0))} partly "
                    "refunded orders)")
    lines.append(revenue)
    lines += _splits(orders)
    section = f"orders_format: {export.fmt.platform}" if fmt != "auto" and export is not None else ""
    lines.append(f"  playbooks: membership_community (orders_file: {path}{'; ' + section if section else ''})")
    return lines


def _splits(orders: pd.DataFrame) -> list[str]:
    lines = []
    total = float(orders["amount"].sum()) or 1.0
    channel = orders.groupby("channel")["amount"].sum()
    if (channel.index != "").any():
        lines.append("  channels: " + ", ".join(f"{k or 'not given'} {v / total:.0%}" for k, v in channel.items()))
    for col, what in (("store", "stores"), ("guide", "guides")):
        named = orders[orders[col] != ""]
        if len(named):
            sums = named.groupby(col)["amount"].sum().sort_values(ascending=False)
            shown = ", ".join(f"{k} {_money(v)}" for k, v in sums.head(5).items())
            more = f", and {len(sums) - 5} more" if len(sums) > 5 else ""
            lines.append(f"  {what}: {_n(len(sums))} ({shown}{more}); {_n(len(orders) - len(named))} orders "
                         "without one")
    return lines


def _products(raw: pd.DataFrame, platform, shown: str, fmt: str, path: Path) -> list[str]:
    df = read_catalogue(path, shown, fmt)
    filled = catalogue_cells(raw, platform, shown)[1] if platform is not None else []
    prices = df["price"].astype(float)
    lines = [f"  rows read: {_n(len(raw))}; products: {_n(len(df))} in {_n(df['category'].nunique())} categories",
             (f"  prices: {_money(prices.min())} to {_money(prices.max())}; a month's sales at list prices "
             f"{_money(float((prices * df['monthly_sales']).sum()))}")]
    if filled:
        lines.append(f"  not in the export, the same for every product (no weight in the potential score): "
                     f"{', '.join(filled)}")
    lines.append(f"  playbooks: rapid_growth_cadence (catalogue: {path})")
    return lines


def _customers(c: customer_list.CustomerList) -> list[str]:
    lines = [(f"  rows read: {_n(c.customers)} customers; {_n(c.buyers)} have bought, {_n(c.repeat_buyers)} more "
             f"than once ({c.repeat_buyers / max(c.buyers, 1):.0%})"),
             f"  spend: {_money(c.spend)} in all (the shop's own totals)"]
    if c.first_seen is not None and c.last_order is not None:
        lines.append(f"  dates: first customer {c.first_seen.date()}, last purchase {c.last_order.date()}")
    if c.levels:
        lines.append("  levels: " + ", ".join(f"{k} {_n(v)}" for k, v in c.levels.items()))
    lines.append(f"  playbooks: none directly (membership_community plans from the order export); for the merchant "
                 f"section: fans: {c.customers}, repeat_rate: {c.repeat_buyers / max(c.buyers, 1):.2f}")
    return lines
