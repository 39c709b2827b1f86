"""A platform's order export → one row per paid order, net of refunds, in the project's order columns.

- Rows that repeat an order already read (same order number and item; same order number
  in an order-level export) are counted once and reported; the other rows of an order
  (item-level exports) are folded into it: the order columns are repeated on every item row.
- Unpaid, cancelled and closed orders are left out, each counted; so are fully refunded
  ones (refund at least the paid amount, a refund status of 全额退款, or Weidian's 已退款).
  Partial refunds are taken off the paid amount.
- The order date is the payment time's day (the shop's own clock: Beijing time; a time
  written with an offset is converted), the creation time where no payment time is given.
- The customer is the platform's buyer (Qianniu's member name), else the masked phone
  with the nickname — two buyers with the same nickname and masked phone would be one
  customer: the data notes say how many customers are keyed so.
- 归属店铺 / 销售渠道 / 销售导购 become `store`, `channel` (online | offline) and `guide`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataFileError
from .formats import CANCELLED, CLOSED, PAID, REFUNDED, UNPAID, Format

SHOP_TZ = "Asia/Shanghai"
OFFLINE_WORDS = ("门店", "线下", "收银", "POS", "pos", "导购")
LISTED = 5  # duplicated order numbers and unknown statuses named in the report
REASONS = {UNPAID: "unpaid", CANCELLED: "cancelled", CLOSED: "closed", REFUNDED: "refunded"}


@dataclass
class ExportOrders:
    """Kept orders: order_id, customer_id, order_date (datetime64), amount (float, net), channel, store, guide,
    _line (the file line of the order's first row)."""

    orders: pd.DataFrame
    fmt: Format
    rows_read: int
    excluded: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)  # the first few order numbers seen twice
    unknown_statuses: list[str] = field(default_factory=list)
    refunded: float = 0.0  # taken off the kept orders (partial refunds)


def _fields(raw: pd.DataFrame, fmt: Format, source: str) -> pd.DataFrame:
    cols = fmt.find(list(raw.columns))
    need = [("order_id",), ("status",), ("paid",), ("paid_time", "created"), ("buyer", "phone", "nickname")]
    missing = [" or ".join(fmt.columns[f][0] for f in alts if f in fmt.columns) for alts in need
               if not any(f in cols for f in alts)]
    if missing:
        raise DataFileError(source, [(f"line 1: a {fmt.label} export needs the column(s) {', '.join(missing)} "
                                     f"(columns found: {', '.join(raw.columns)})")])
    df = raw[list(cols.values())].set_axis(list(cols), axis=1)
    df["_line"] = np.arange(len(df)) + 2
    return df


def _fold(df: pd.DataFrame) -> tuple[pd.DataFrame, int, list[str], int]:
    """One row per order: (orders, duplicate rows dropped, the first duplicated order numbers, item rows folded)."""
    key = ["order_id", "item"] if "item" in df.columns else ["order_id"]
    dup = df.duplicated(key, keep="first").to_numpy()
    named = list(dict.fromkeys(df.loc[dup, "order_id"].head(50)))[:LISTED]
    kept = df[~dup]
    orders = kept.drop_duplicates("order_id", keep="first")
    return orders.reset_index(drop=True), int(dup.sum()), named, len(kept) - len(orders)


def _money(df: pd.DataFrame, col: str, source: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df))
    text = df[col].str.replace(r"[,¥￥\s]", "", regex=True)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna().to_numpy() & (text != "").to_numpy()
    if bad.any():
        rows = df[bad].head(20)
        raise DataFileError(source, [f"line {ln}: {col} = {v!r} is not an amount" for ln, v in
                                     zip(rows["_line"], rows[col], strict=True)])
    return values.fillna(0).to_numpy(dtype=float)


def _dates(df: pd.DataFrame, source: str) -> tuple[pd.Series, int]:
    """The payment day (creation day where no payment time), and how many came from the creation time."""
    paid = df["paid_time"] if "paid_time" in df.columns else pd.Series("", index=df.index)
    created = df["created"] if "created" in df.columns else pd.Series("", index=df.index)
    from_created = (paid == "").to_numpy()
    text = paid.where(~from_created, created)
    when = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    retry = when.isna() & (text != "")
    if retry.any():  # 2026/3/1 12:34 and other spellings
        when[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce", utc=True)
    bad = when.isna().to_numpy()
    if bad.any():
        rows = df[bad].head(20)
        raise DataFileError(source, [f"line {ln}: payment time = {v!r} is not a date and time "
                                     "(expected e.g. 2026-03-01 12:34:56)" for ln, v in
                                     zip(rows["_line"], text[bad].head(20), strict=True)])
    # naive times are the shop's clock; utc=True read them as UTC, so they come back unchanged
    local = when.dt.tz_convert(SHOP_TZ) if _has_offsets(text) else when
    return local.dt.tz_localize(None).dt.normalize(), int((from_created & (created != "").to_numpy()).sum())


def _has_offsets(text: pd.Series) -> bool:
    return bool(text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).any())


def _status(df: pd.DataFrame, fmt: Format, paid: np.ndarray, refund: np.ndarray) -> tuple[np.ndarray, list[str]]:
    status = df["status"]
    cls = status.map(fmt.statuses).fillna("unknown").to_numpy(dtype=object)
    unknown = list(dict.fromkeys(status[cls == "unknown"]))[:LISTED]
    if "refund_status" in df.columns:
        cls[(df["refund_status"].str.contains("全额退款")).to_numpy() & (cls != UNPAID)] = REFUNDED
    was_paid = (cls == PAID) | (cls == CLOSED)
    cls[was_paid & (refund > 0) & (refund >= paid)] = REFUNDED  # a refund closes an order on some platforms
    return cls, unknown


def _customers(df: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """The buyer id, else masked phone + nickname; and which orders are keyed by phone + nickname."""
    empty = pd.Series("", index=df.index)
    buyer = df["buyer"] if "buyer" in df.columns else empty
    phone, nick = (df[c] if c in df.columns else empty for c in ("phone", "nickname"))
    fallback = (phone + "/" + nick).where((phone != "") | (nick != ""), "")
    by_fallback = (buyer == "").to_numpy()
    return buyer.where(~by_fallback, fallback), by_fallback


def _channel(df: pd.DataFrame, fmt: Format) -> pd.Series:
    default = "" if fmt.platform == "youzan" else "online"
    if "channel" not in df.columns:
        return pd.Series(default, index=df.index)
    text = df["channel"]
    offline = text.str.contains("|".join(OFFLINE_WORDS), regex=True)
    return pd.Series(np.where(offline, "offline", np.where(text == "", default, "online")), index=df.index)


def export_orders(raw: pd.DataFrame, fmt: Format, source: str) -> ExportOrders:
    """The export's paid orders net of refunds, with what was left out and why."""
    if raw.empty:
        raise DataFileError(source, ["has a header but no orders"])
    df, dups, named, folded = _fold(_fields(raw, fmt, source))
    paid, refund = _money(df, "paid", source), _money(df, "refund", source)
    cls, unknown = _status(df, fmt, paid, refund)
    excluded = {REASONS[c]: int((cls == c).sum()) for c in (UNPAID, CANCELLED, CLOSED, REFUNDED)}
    excluded["unknown_status"] = int((cls == "unknown").sum())
    keep = cls == PAID
    if not keep.any():
        left = ", ".join(f"{k} {v}" for k, v in excluded.items() if v)
        raise DataFileError(source, [(f"has {len(df)} orders and none of them is paid ({left}): "
                                     "there is nothing to plan from")])
    df, paid, refund = df[keep].reset_index(drop=True), paid[keep], refund[keep]
    dates, from_created = _dates(df, source)
    customer, by_phone = _customers(df)
    empty = pd.Series("", index=df.index)
    orders = pd.DataFrame({
        "order_id": df["order_id"], "customer_id": customer, "order_date": dates,
        "amount": np.round(paid - refund, 2), "channel": _channel(df, fmt),
        "store": df.get("store", empty), "guide": df.get("guide", empty), "_line": df["_line"]})
    notes = {"duplicate_orders": dups, "items_folded": folded, "partly_refunded": int((refund > 0).sum()),
             "date_from_created": from_created, "key_phone_nickname": int(customer[by_phone].nunique())}
    return ExportOrders(orders, fmt, len(raw), {k: v for k, v in excluded.items() if v},
                        {k: v for k, v in notes.items() if v}, named, unknown, float(refund.sum()))

