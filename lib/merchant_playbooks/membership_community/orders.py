"""The merchant's order history: read a CSV, check every row, and say what was set aside.

Columns (header names, any case; order free):
- `customer_id` — who bought (any text: member number, phone hash, WeChat id);
- `order_date` — the day of the order, `YYYY-MM-DD` (a time after the date is allowed);
- `amount` — what the customer paid, in the merchant's currency, at most 2 decimals, not negative;
- optional `channel` — `online` or `offline`; optional `store` — which store took the order;
- optional `order_id` — when present, two rows with the same `order_id` are duplicates.

A file with problems is refused with a `DataFileError` listing each one by line
and column (the header is line 1). Nothing is dropped silently: orders the plan
leaves out (after the analysis date) are counted in `OrderHistory.excluded` and
shown in the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..csvfile import read_csv_cells
from ..errors import DataFileError
from ..schema import PositiveRange

REQUIRED = ("customer_id", "order_date", "amount")
OPTIONAL = ("channel", "store", "order_id")
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
                            dict(self.notes))


def _line(i: int) -> int:
    return i + 2  # data row i (0-based) sits on file line i + 2: the header is line 1


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def read_orders(path: Path | str, source: str | None = None) -> OrderHistory:
    """Read and check an orders CSV; raise `DataFileError` naming each bad row and column."""
    path = Path(path)
    source = source or str(path)
    raw = read_csv_cells(path, source, header="customer_id,order_date,amount",
                         not_found="file not found (membership_community.orders_file names it, relative to the "
                                   "params file)")
    return check_orders(raw, source)


def check_orders(raw: pd.DataFrame, source: str = "<orders>") -> OrderHistory:
    """Check a table of text cells (as read from CSV) and convert it; every problem is reported."""
    raw = raw.rename(columns={c: str(c).strip().lower() for c in raw.columns})
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        found = ", ".join(map(str, raw.columns)) or "none"
        raise DataFileError(source, [f"line 1: missing column {c!r} (columns found: {found}; "
                                     f"required: {', '.join(REQUIRED)})" for c in missing])
    n = len(raw)
    if n == 0:
        raise DataFileError(source, ["has a header but no orders"])
    problems: list[tuple[int, str]] = []  # (row, message) sorted by row later

    def report(mask: np.ndarray, column: str, values: pd.Series, expected: str) -> None:
        for i in np.flatnonzero(mask)[: MAX_LISTED + 1]:
            problems.append((int(i), f"line {_line(int(i))}: {column} = {_show(str(values.iloc[i]))} {expected}"))

    cust = raw["customer_id"].astype(str).str.strip()
    report((cust == "").to_numpy(), "customer_id", cust, "is empty; every order needs a customer")

    date_text = raw["order_date"].astype(str).str.strip()
    dates = pd.to_datetime(date_text, format="ISO8601", errors="coerce")
    bad_date = dates.isna().to_numpy()
    report(bad_date, "order_date", date_text, "is not a date (expected YYYY-MM-DD)")

    amount_text = raw["amount"].astype(str).str.strip().str.replace(",", "", regex=False)
    amount = pd.to_numeric(amount_text, errors="coerce")
    non_numeric = amount.isna().to_numpy() | ~np.isfinite(amount.fillna(0).to_numpy())
    report(non_numeric, "amount", raw["amount"], "is not a number")
    values = amount.fillna(0).to_numpy(dtype=float)
    report(~non_numeric & (values < 0), "amount", raw["amount"],
           "is negative; record refunds by correcting the original order, not as a negative row")
    too_large = ~non_numeric & (values >= MAX_AMOUNT)
    report(too_large, "amount", raw["amount"], f"is too large for one order (at most {MAX_AMOUNT - 0.01:.2f})")
    usable = np.where(non_numeric | too_large, 0, values)
    cents_f = np.round(usable * 100)
    report(~non_numeric & ~too_large & (values >= 0) & (np.abs(usable * 100 - cents_f) > 1e-6), "amount",
           raw["amount"], "has more than 2 decimal places")

    channel = pd.Series("", index=raw.index)
    if "channel" in raw.columns:
        channel = raw["channel"].astype(str).str.strip().str.lower()
        report(~channel.isin(("", *CHANNELS)).to_numpy(), "channel", raw["channel"],
               "must be online or offline (or left empty)")
    store = raw["store"].astype(str).str.strip() if "store" in raw.columns else pd.Series("", index=raw.index)

    if "order_id" in raw.columns:
        oid = raw["order_id"].astype(str).str.strip()
        dup = (oid != "") & oid.duplicated(keep="first")
        firsts = pd.Series(np.arange(n), index=raw.index).groupby(oid).transform("first")
        what = "order_id"
    else:
        norm = pd.DataFrame({"c": cust, "d": date_text,
                             "a": amount_text, "ch": channel, "s": store})
        dup = norm.duplicated(keep="first")
        firsts = pd.Series(np.arange(n), index=raw.index).groupby(
            [norm[c] for c in norm.columns], sort=False).transform("first")
        what = "every column"
    for i in np.flatnonzero(dup.to_numpy())[: MAX_LISTED + 1]:
        message = (f"line {_line(int(i))}: duplicate row: same {what} as line {_line(int(firsts.iloc[i]))}; "
                   + ("remove one" if what == "order_id" else
                      "remove one, or add an order_id column if both orders are real"))
        problems.append((int(i), message))

    if problems:
        total = len(problems)
        problems.sort(key=lambda p: p[0])
        listed = [msg for _, msg in problems[:MAX_LISTED]]
        if total > MAX_LISTED:
            listed.append(f"... and more problems after these {MAX_LISTED}; fix these and check again")
        raise DataFileError(source, listed)

    cents = cents_f.astype(np.int64)
    orders = pd.DataFrame({
        "customer_id": cust.to_numpy(dtype=object),
        "order_date": (dates.dt.tz_localize(None) if dates.dt.tz is not None else dates).dt.normalize(),
        "amount": cents / 100.0,
        "cents": cents,
        "channel": channel.to_numpy(dtype=object),
        "store": store.to_numpy(dtype=object),
    })
    notes = {}
    zero = int((cents == 0).sum())
    if zero:
        notes["zero_amount"] = zero
    if "channel" in raw.columns:
        blank = int((channel == "").sum())
        if blank:
            notes["no_channel"] = blank
    return OrderHistory(orders, source, n, {}, notes)


def order_value_range(orders: pd.DataFrame, channel: str) -> PositiveRange:
    """The history's mean order value on a channel (all orders if it has none), ± 20%."""
    subset = orders[orders["channel"] == channel]
    mean = float((subset if len(subset) else orders)["amount"].mean())
    mean = max(mean, 0.01)
    return PositiveRange(low=mean * (1 - ORDER_VALUE_SPREAD), high=mean * (1 + ORDER_VALUE_SPREAD))


__all__ = ["CHANNELS", "OrderHistory", "check_orders", "order_value_range", "read_orders"]
