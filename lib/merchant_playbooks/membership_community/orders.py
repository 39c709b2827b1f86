"""The merchant's order history: read a CSV, check every row, and say what was set aside.

Columns (header names, any case; order free):
- `customer_id` — who bought (any text: member number, phone hash, WeChat id);
- `order_date` — the day of the order, `YYYY-MM-DD` (a time after the date is allowed);
- `amount` — what the customer paid, in the merchant's currency, at most 2 decimals, not negative;
- optional `channel` — `online` or `offline`; optional `store` — which store took the order;
- optional `guide` — the shopping guide credited with the order;
- optional `order_id` — when present, two rows with the same `order_id` are duplicates.

A file with problems is refused with a `DataFileError` listing each one by line
and column (the header is line 1). Nothing is dropped silently: orders the plan
leaves out (after the analysis date) are counted in `OrderHistory.excluded` and
shown in the plan.

A shop's own order export (Youzan, Qianniu/Taobao, Weidian, CSV or xlsx, any of their
encodings) is read as downloaded: `shop_exports` keeps the paid orders net of refunds and
counts what it left out (unpaid, cancelled, closed, fully refunded) in `excluded`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .. import shop_exports
from ..csvfile import read_csv_cells
from ..errors import DataFileError
from ..schema import PositiveRange
from ..shop_exports.decoding import arrow_strings

REQUIRED = ("customer_id", "order_date", "amount")
OPTIONAL = ("channel", "store", "guide", "order_id")
CHANNELS = ("online", "offline")
MAX_LISTED = 20  # problems listed one by one before "... and N more"
MAX_AMOUNT = 10**10  # as params' money (12 digits, 2 of them decimals); above it cents overflow int64 sums
ORDER_VALUE_SPREAD = 0.2  # default order-value range: the history's mean ± 20%


@dataclass
class OrderHistory:
    """Checked orders: customer_id (str), order_date (datetime64), amount (float), cents (int64),
    channel ("online" | "offline" | ""), store (str)."""

    orders: pd.DataFrame
    source: str
    rows_read: int
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> orders left out
    notes: dict[str, int] = field(default_factory=dict)  # kept, but worth saying (zero amounts, no channel)
    format: str = ""  # the shop export it was read from ("" for the project's own CSV)

    @property
    def customers(self) -> int:
        return int(self.orders["customer_id"].nunique())

    @property
    def revenue(self) -> Decimal:
        """Exact sum of the amounts (from integer cents)."""
        return Decimal(int(self.orders["cents"].sum())) / 100

    @property
    def first_date(self) -> pd.Timestamp:
        return self.orders["order_date"].min()

    @property
    def last_date(self) -> pd.Timestamp:
        return self.orders["order_date"].max()

    def until(self, analysis_date: pd.Timestamp) -> OrderHistory:
        """The orders on or before the analysis date; later ones are counted as excluded."""
        keep = self.orders["order_date"] <= analysis_date
        later = int((~keep).sum())
        if not later:
            return self
        excluded = dict(self.excluded)
        excluded["after_analysis_date"] = excluded.get("after_analysis_date", 0) + later
        return OrderHistory(self.orders[keep].reset_index(drop=True), self.source, self.rows_read, excluded,
                            dict(self.notes), self.format)


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def read_orders(path: Path | str, source: str | None = None, fmt: str = "auto") -> OrderHistory:
    """Read and check an orders file; raise `DataFileError` naming each bad row and column.

    The project's own CSV, or a shop's order export (Youzan, Qianniu, Weidian; see
    shop_exports/): detected from the header unless `fmt` (the params' `orders_format`) says.
    """
    path = Path(path)
    source = source or str(path)
    raw = read_csv_cells(path, source, header="customer_id,order_date,amount",
                         not_found="file not found (membership_community.orders_file names it, relative to the "
                                   "params file)")
    return history_from_cells(raw, source, fmt)[0]


def history_from_cells(raw: pd.DataFrame, source: str, fmt: str = "auto",
                       ) -> tuple[OrderHistory, shop_exports.ExportOrders | None]:
    """The checked history from a file's cells, and the shop export's own findings (None for the project CSV)."""
    platform = shop_exports.detect(list(raw.columns), source, "orders", fmt)
    if platform is None:
        return check_orders(raw, source), None
    export = shop_exports.export_orders(raw, platform, source)
    history = check_orders(export.orders, source)
    history.rows_read = export.rows_read
    history.excluded = {**export.excluded, **history.excluded}
    history.notes = {**export.notes, **history.notes}
    history.format = platform.label
    return history, export


class _Problems:
    """Problems found so far, by row; a row's file line comes from `_line` when the cells carry it."""

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines
        self.found: list[tuple[int, str]] = []

    def report(self, mask: np.ndarray, column: str, values: pd.Series, expected: str) -> None:
        for i in np.flatnonzero(mask)[: MAX_LISTED + 1]:
            self.add(int(i), f"{column} = {_show(str(values.iloc[i]))} {expected}")

    def add(self, i: int, message: str) -> None:
        self.found.append((i, f"line {self.lines[i]}: {message}"))

    def raise_any(self, source: str) -> None:
        if not self.found:
            return
        self.found.sort(key=lambda p: p[0])
        listed = [msg for _, msg in self.found[:MAX_LISTED]]
        if len(self.found) > MAX_LISTED:
            listed.append(f"... and more problems after these {MAX_LISTED}; fix these and check again")
        raise DataFileError(source, listed)


def _dates(raw: pd.DataFrame, p: _Problems) -> tuple[pd.Series, pd.Series]:
    """The order days (datetime64, no time) and the text they were read from."""
    if pd.api.types.is_datetime64_any_dtype(raw["order_date"]):  # a shop export's, already checked
        return raw["order_date"], raw["order_date"]
    date_text = raw["order_date"].astype(str).str.strip()
    dates = pd.to_datetime(date_text, format="ISO8601", errors="coerce")
    p.report(dates.isna().to_numpy(), "order_date", date_text, "is not a date (expected YYYY-MM-DD)")
    dates = dates.dt.tz_localize(None) if dates.dt.tz is not None else dates
    return dates.dt.normalize(), date_text


def _cents(raw: pd.DataFrame, p: _Problems) -> tuple[np.ndarray, pd.Series]:
    """Each amount in integer cents (0 where it is wrong: reported), and the text it was read from."""
    if pd.api.types.is_numeric_dtype(raw["amount"]):
        amount_text = amount = raw["amount"]
    else:
        amount_text = raw["amount"].astype(str).str.strip().str.replace(",", "", regex=False)
        amount = pd.to_numeric(amount_text, errors="coerce")
    non_numeric = amount.isna().to_numpy() | ~np.isfinite(amount.fillna(0).to_numpy())
    p.report(non_numeric, "amount", raw["amount"], "is not a number")
    values = amount.fillna(0).to_numpy(dtype=float)
    p.report(~non_numeric & (values < 0), "amount", raw["amount"],
             "is negative; record refunds by correcting the original order, not as a negative row")
    too_large = ~non_numeric & (values >= MAX_AMOUNT)
    p.report(too_large, "amount", raw["amount"], f"is too large for one order (at most {MAX_AMOUNT - 0.01:.2f})")
    usable = np.where(non_numeric | too_large, 0, values)
    cents_f = np.round(usable * 100)
    p.report(~non_numeric & ~too_large & (values >= 0) & (np.abs(usable * 100 - cents_f) > 1e-6), "amount",
             raw["amount"], "has more than 2 decimal places")
    return cents_f.astype(np.int64), amount_text


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    return raw[column].astype(str).str.strip() if column in raw.columns else pd.Series("", index=raw.index)


def _duplicates(raw: pd.DataFrame, norm: Callable[[], pd.DataFrame], p: _Problems) -> None:
    """Two rows with the same order_id (or, without one, the same every column) are one order twice."""
    n = len(raw)
    if "order_id" in raw.columns:
        oid = _text(raw, "order_id")
        dup = (oid != "") & oid.duplicated(keep="first")
        if not dup.any():
            return
        firsts = pd.Series(np.arange(n), index=raw.index).groupby(oid).transform("first")
        what = "order_id"
    else:
        cells = norm()
        dup = cells.duplicated(keep="first")
        firsts = pd.Series(np.arange(n), index=raw.index).groupby(
            [cells[c] for c in cells.columns], sort=False).transform("first")
        what = "every column"
    for i in np.flatnonzero(dup.to_numpy())[: MAX_LISTED + 1]:
        p.add(int(i), f"duplicate row: same {what} as line {p.lines[int(firsts.iloc[i])]}; "
                      + ("remove one" if what == "order_id" else
                         "remove one, or add an order_id column if both orders are real"))


@arrow_strings  # written for pyarrow strings, whatever the process default
def check_orders(raw: pd.DataFrame, source: str = "<orders>") -> OrderHistory:
    """Check a table of text cells (as read from CSV) and convert it; every problem is reported.

    A shop export's orders (shop_exports.export_orders) come with their dates and amounts
    already typed and each row's file line in `_line`.
    """
    raw = raw.rename(columns={c: str(c).strip().lower() for c in raw.columns})
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        found = ", ".join(map(str, raw.columns)) or "none"
        raise DataFileError(source, [f"line 1: missing column {c!r} (columns found: {found}; "
                                     f"required: {', '.join(REQUIRED)})" for c in missing])
    if len(raw) == 0:
        raise DataFileError(source, ["has a header but no orders"])
    p = _Problems(raw["_line"].to_numpy() if "_line" in raw.columns else np.arange(len(raw)) + 2)
    cust = _text(raw, "customer_id")
    p.report((cust == "").to_numpy(), "customer_id", cust, "is empty; every order needs a customer")
    dates, date_text = _dates(raw, p)
    cents, amount_text = _cents(raw, p)
    channel = _text(raw, "channel").str.lower()
    if "channel" in raw.columns:
        p.report(~channel.isin(("", *CHANNELS)).to_numpy(), "channel", raw["channel"],
                 "must be online or offline (or left empty)")
    store, guide = _text(raw, "store"), _text(raw, "guide")
    _duplicates(raw, lambda: pd.DataFrame({"c": cust, "d": date_text, "a": amount_text, "ch": channel, "s": store}),
                p)
    p.raise_any(source)
    orders = pd.DataFrame({
        "customer_id": cust.array, "order_date": dates.array, "amount": cents / 100.0, "cents": cents,
        "channel": channel.array, "store": store.array, "guide": guide.array})
    notes = {"zero_amount": int((cents == 0).sum())}
    if "channel" in raw.columns:
        notes["no_channel"] = int((channel == "").sum())
    return OrderHistory(orders, source, len(raw), {}, {k: v for k, v in notes.items() if v})


def order_value_range(orders: pd.DataFrame, channel: str) -> PositiveRange:
    """The history's mean order value on a channel (all orders if it has none), ± 20%."""
    subset = orders[orders["channel"] == channel]
    mean = float((subset if len(subset) else orders)["amount"].mean())
    mean = max(mean, 0.01)
    return PositiveRange(low=mean * (1 - ORDER_VALUE_SPREAD), high=mean * (1 + ORDER_VALUE_SPREAD))


__all__ = ["CHANNELS", "OrderHistory", "check_orders", "history_from_cells", "order_value_range", "read_orders"]
