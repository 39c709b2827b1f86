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

Column work runs in pyarrow's kernels on the text cells, and only on the rows still needed
(the orders' first rows, then the kept orders): a 1M-row export takes about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataFileError
from .decoding import arrow_strings
from .formats import CANCELLED, CLOSED, PAID, REFUNDED, UNPAID, Format

SHOP_TZ = "Asia/Shanghai"
OFFLINE_WORDS = ("门店", "线下", "收银", "POS", "pos", "导购")
LISTED = 5  # duplicated order numbers and unknown statuses named in the report
TEXT = pa.large_string()  # what pandas' "str" columns hold
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


def _fields(raw: pd.DataFrame, fmt: Format, source: str) -> dict[str, pa.Array]:
    cols = fmt.find(list(raw.columns))
    need = [("order_id",), ("status",), ("paid",), ("paid_time", "created"), ("buyer", "phone", "nickname")]
    missing = [" or ".join(fmt.columns[f][0] for f in alts if f in fmt.columns) for alts in need
               if not any(f in cols for f in alts)]
    if missing:
        raise DataFileError(source, [(f"line 1: a {fmt.label} export needs the column(s) {', '.join(missing)} "
                                     f"(columns found: {', '.join(raw.columns)})")])
    return {ours: _arrow(raw[theirs]) for ours, theirs in cols.items()}


def _arrow(cells: pd.Series) -> pa.Array:
    """A column of text cells as pyarrow large strings (pandas' own buffers: not copied)."""
    arr = pa.array(cells.astype(str))
    return arr.cast(TEXT) if arr.type != TEXT else arr


def _blank(n: int) -> pa.Array:
    return pa.array(np.full(n, "", dtype=object), TEXT)


def _encode(arr: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """The distinct cells and each cell's index among them (a chunked array's chunks share one dictionary)."""
    enc = pc.dictionary_encode(arr)
    chunks = enc.chunks if isinstance(enc, pa.ChunkedArray) else [enc]
    if not chunks:
        return pa.array([], TEXT), np.zeros(0, dtype=np.int64)
    indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks]).astype(np.int64)
    return chunks[0].dictionary, indices


def _codes(arr: pa.Array) -> np.ndarray:
    return _encode(arr)[1]


def _fold(cols: dict[str, pa.Array]) -> tuple[np.ndarray, int, list[str], int]:
    """The rows that start an order; rows repeating one (same order number and item, or same order number in
    an order-level export): how many, the first few order numbers; and the item rows folded into orders."""
    order = _codes(cols["order_id"])
    key = order * (int(order.max()) + 1) + _codes(cols["item"]) if "item" in cols else order
    dup = pd.Series(key).duplicated().to_numpy()
    first = np.flatnonzero(~pd.Series(order).duplicated().to_numpy())
    named = list(dict.fromkeys(cols["order_id"].take(np.flatnonzero(dup)[:50]).to_pylist()))[:LISTED]
    return first, int(dup.sum()), named, len(order) - int(dup.sum()) - len(first)


def _lookup(arr: pa.Array, fn) -> np.ndarray:
    """`fn` of each distinct cell, spread over the cells (a status column has a handful of values)."""
    dictionary, indices = _encode(arr)
    values = np.array([fn(v) for v in dictionary.to_pylist()] or [None], dtype=object)
    return values[indices]


def _money(cols: dict[str, pa.Array], name: str, rows: np.ndarray, source: str) -> np.ndarray:
    if name not in cols:
        return np.zeros(len(rows))
    text = cols[name].take(rows)
    text = pc.if_else(pc.equal(text, ""), "0", text)
    try:
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # ¥, thousands separators, or not an amount at all
        text = pc.replace_substring_regex(text, r"[,¥￥\s]", "")
        values = pd.to_numeric(text.to_pandas(), errors="coerce")
    bad = np.flatnonzero(values.isna().to_numpy())
    if len(bad):
        cells = cols[name].take(rows[bad[:20]]).to_pylist()
        raise DataFileError(source, [f"line {rows[i] + 2}: {name} = {v!r} is not an amount" for i, v in
                                     zip(bad[:20], cells, strict=True)])
    return values.to_numpy(dtype=float)


def _dates(cols: dict[str, pa.Array], rows: np.ndarray, source: str) -> tuple[np.ndarray, int]:
    """The payment day (creation day where no payment time), and how many came from the creation time."""
    blank = _blank(len(rows))
    paid = cols["paid_time"].take(rows) if "paid_time" in cols else blank
    created = cols["created"].take(rows) if "created" in cols else blank
    from_created = pc.and_(pc.equal(paid, ""), pc.not_equal(created, ""))
    text = pc.if_else(pc.equal(paid, ""), created, paid)
    when = pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    days = when.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    retry = np.flatnonzero(np.isnat(days))
    if len(retry):  # 2026/3/1 12:34, a time with an offset, and what is not a time at all
        other = pd.to_datetime(text.take(retry).to_pandas(), format="mixed", errors="coerce", utc=True)
        local = other.dt.tz_convert(SHOP_TZ).where(text.take(retry).to_pandas().str.contains(r"(?:Z|[+-]\d\d:?\d\d)$"),
                                                  other.dt.tz_convert("UTC"))
        days[retry] = local.dt.tz_localize(None).to_numpy().astype("datetime64[D]")
        bad = retry[np.isnat(days[retry])]
        if len(bad):
            cells = text.take(bad[:20]).to_pylist()
            raise DataFileError(source, [(f"line {rows[i] + 2}: payment time = {v!r} is not a date and time "
                                          "(expected e.g. 2026-03-01 12:34:56)") for i, v in zip(bad, cells)])
    return days.astype("datetime64[us]"), pc.sum(from_created).as_py() or 0


def _status(cols: dict[str, pa.Array], fmt: Format, rows: np.ndarray, paid: np.ndarray, refund: np.ndarray
            ) -> tuple[np.ndarray, list[str]]:
    status = cols["status"].take(rows)
    cls = _lookup(status, lambda s: fmt.statuses.get(s, "unknown"))
    unknown = [s for s in pc.unique(status).to_pylist() if s not in fmt.statuses][:LISTED]
    if "refund_status" in cols:
        cls[_lookup(cols["refund_status"].take(rows), lambda s: "全额退款" in s).astype(bool) & (cls != UNPAID)] = REFUNDED
    was_paid = (cls == PAID) | (cls == CLOSED)
    cls[was_paid & (refund > 0) & (refund >= paid)] = REFUNDED  # a refund closes an order on some platforms
    return cls, unknown


def _customers(cols: dict[str, pa.Array], rows: np.ndarray) -> tuple[pa.Array, int]:
    """The buyer id, else masked phone + nickname; and how many customers are keyed by phone + nickname."""
    blank = _blank(len(rows))
    buyer, phone, nick = (cols[c].take(rows) if c in cols else blank for c in ("buyer", "phone", "nickname"))
    fallback = pc.if_else(pc.and_(pc.equal(phone, ""), pc.equal(nick, "")), "",
                          pc.binary_join_element_wise(phone, nick, pa.scalar("/", TEXT)))
    by_fallback = pc.equal(buyer, "")
    key = pc.if_else(by_fallback, fallback, buyer)
    return key, pc.count_distinct(pc.filter(key, by_fallback)).as_py()


def _channel(cols: dict[str, pa.Array], fmt: Format, rows: np.ndarray) -> np.ndarray:
    default = "" if fmt.platform == "youzan" else "online"
    if "channel" not in cols:
        return np.full(len(rows), default, dtype=object)
    return _lookup(cols["channel"].take(rows), lambda s: "offline" if any(w in s for w in OFFLINE_WORDS)
                   else "online" if s else default)


@arrow_strings
def export_orders(raw: pd.DataFrame, fmt: Format, source: str) -> ExportOrders:
    """The export's paid orders net of refunds, with what was left out and why."""
    if raw.empty:
        raise DataFileError(source, ["has a header but no orders"])
    cols = _fields(raw, fmt, source)
    first, dups, named, folded = _fold(cols)
    paid, refund = _money(cols, "paid", first, source), _money(cols, "refund", first, source)
    cls, unknown = _status(cols, fmt, first, paid, refund)
    excluded = {REASONS[c]: int((cls == c).sum()) for c in (UNPAID, CANCELLED, CLOSED, REFUNDED)}
    excluded["unknown_status"] = int((cls == "unknown").sum())
    keep = cls == PAID
    if not keep.any():
        left = ", ".join(f"{k} {v}" for k, v in excluded.items() if v)
        raise DataFileError(source, [(f"has {len(first)} orders and none of them is paid ({left}): "
                                     "there is nothing to plan from")])
    rows, paid, refund = first[keep], paid[keep], refund[keep]
    dates, from_created = _dates(cols, rows, source)
    customer, by_phone = _customers(cols, rows)
    blank = _blank(len(rows))
    text = pa.table({"order_id": cols["order_id"].take(rows), "customer_id": customer,
                     "store": cols["store"].take(rows) if "store" in cols else blank,
                     "guide": cols["guide"].take(rows) if "guide" in cols else blank}).to_pandas()
    orders = text.assign(order_date=dates, amount=np.round(paid - refund, 2), channel=_channel(cols, fmt, rows),
                         _line=rows + 2)
    notes = {"duplicate_orders": dups, "items_folded": folded, "partly_refunded": int((refund > 0).sum()),
             "date_from_created": from_created, "key_phone_nickname": by_phone}
    return ExportOrders(orders, fmt, len(raw), {k: v for k, v in excluded.items() if v},
                        {k: v for k, v in notes.items() if v}, named, unknown, float(refund.sum()))
