"""What the panel's levers never change, worked out once per orders file: the history, RFM and CLV.

Reading and checking the orders (every cell stripped and parsed) and fitting the
two CLV models take most of a plan's time, yet depend only on the file and on
`analysis_date`, `clv_months` and `annual_discount`. Small LRU caches keep them,
keyed on the file's resolved path and its size, modification time and inode (a
file rewritten or replaced under the same name is read again) and on those
params. Nothing else is cached, so a plan is the plan `build_model` always made.

Callers get copies: a plan may change its own tables without touching the next
one's. A file the checks refuse raises `DataFileError` every time (errors are not
cached); the notes and exclusions a file's checks found travel with the history.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..errors import DataFileError
from ..schema import PositiveRange
from . import clv as clv_mod
from . import rfm
from .orders import OrderHistory, order_value_range, read_orders

CLV_COLUMNS = ("p_alive", "purchases_next", "spend_next", "clv")


@dataclass(frozen=True)
class FileKey:
    """An orders file as it is now: another size, time or inode means other contents."""

    path: str
    size: int
    mtime_ns: int
    inode: int


@dataclass(frozen=True)
class CustomerBase:
    """The checked history up to the analysis date, its customers' RFM and (when it fits) CLV."""

    history: OrderHistory
    analysis_date: date
    customers: pd.DataFrame  # index customer_id: RFM scores, then p_alive, purchases_next, spend_next, clv if fitted
    clv: clv_mod.ClvModel | None
    clv_problem: str  # why CLV could not be fitted ("" when it was)
    order_values: dict[str, PositiveRange]  # channel -> the history's mean order value ± 20%


def file_key(path: Path | str) -> FileKey | None:
    """The cache key of an existing file; None when it cannot be looked at (`read_orders` then says why)."""
    try:
        resolved = Path(path).resolve()
        st = os.stat(resolved)
    except OSError:
        return None
    return FileKey(str(resolved), st.st_size, st.st_mtime_ns, st.st_ino)


def order_history(path: Path | str, source: str | None = None) -> OrderHistory:
    """`read_orders`, read once per file version."""
    key = file_key(path)
    if key is None:
        return read_orders(path, source)
    return _copy_history(_read(key, source))


def customer_base(path: Path | str, source: str | None, analysis_date: date | None, clv_months: int,
                  annual_discount: float) -> CustomerBase:
    """The history, customers and CLV a plan starts from (a fresh copy; computed once per file and params)."""
    key = file_key(path)
    base = _valued(key, source, analysis_date, clv_months, annual_discount) if key is not None else \
        _value(_fit(order_history(path, source), analysis_date), clv_months, annual_discount)
    return replace(base, history=_copy_history(base.history), customers=base.customers.copy(),
                   clv=None if base.clv is None else replace(base.clv, customers=base.clv.customers.copy()),
                   order_values=dict(base.order_values))


def clear() -> None:
    """Forget every file (tests; a long-lived kernel never needs it: a changed file has a new key)."""
    for cached in (_read, _fitted, _valued):
        cached.cache_clear()


# ---------------------------------------------------------------- the cached steps


@lru_cache(maxsize=4)
def _read(key: FileKey, source: str | None) -> OrderHistory:
    return read_orders(key.path, source)


@lru_cache(maxsize=8)
def _fitted(key: FileKey, source: str | None, analysis_date: date | None) -> _Fitted:
    return _fit(_read(key, source), analysis_date)


@lru_cache(maxsize=8)
def _valued(key: FileKey, source: str | None, analysis_date: date | None, clv_months: int,
            annual_discount: float) -> CustomerBase:
    return _value(_fitted(key, source, analysis_date), clv_months, annual_discount)


@dataclass(frozen=True)
class _Fitted:
    history: OrderHistory
    analysis_date: date
    scored: pd.DataFrame
    summary: pd.DataFrame | None
    purchases: clv_mod.BgNbd | None
    spend: clv_mod.GammaGamma | None
    problem: str
    order_values: dict[str, PositiveRange]


def _fit(history: OrderHistory, analysis_date: date | None) -> _Fitted:
    ad = analysis_date or (history.last_date + pd.Timedelta(days=1)).date()
    stamp = pd.Timestamp(ad)
    history = history.until(stamp)
    orders = history.orders
    if orders.empty:
        raise DataFileError(history.source, [f"has no orders on or before the analysis date {ad.isoformat()}"])
    scored = rfm.score(rfm.customer_table(orders, stamp))
    summary = clv_mod.summarise(orders, stamp)
    purchases = spend = None
    problem = ""
    try:  # in customer_value's order, so the first model that cannot fit is the one named
        purchases = clv_mod.fit_bgnbd(*(summary[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))
        spend = clv_mod.fit_gamma_gamma(*(summary[c].to_numpy(dtype=float) for c in ("x", "m")))
    except clv_mod.FitError as exc:
        purchases = spend = None
        problem = str(exc)
    values = {channel: order_value_range(orders, channel) for channel in ("offline", "online")}
    return _Fitted(history, ad, scored, summary, purchases, spend, problem, values)


def _value(f: _Fitted, clv_months: int, annual_discount: float) -> CustomerBase:
    if f.purchases is None:
        return CustomerBase(f.history, f.analysis_date, f.scored, None, f.problem, f.order_values)
    fitted = clv_mod.customer_value(f.summary, clv_months, annual_discount, f.purchases, f.spend)
    customers = f.scored.join(fitted.customers[list(CLV_COLUMNS)])
    return CustomerBase(f.history, f.analysis_date, customers, fitted, "", f.order_values)


def _copy_history(h: OrderHistory) -> OrderHistory:
    return OrderHistory(h.orders.copy(), h.source, h.rows_read, dict(h.excluded), dict(h.notes))


__all__ = ["CustomerBase", "FileKey", "clear", "customer_base", "file_key", "order_history"]
