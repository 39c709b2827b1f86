"""What the panel's levers never change, worked out once per orders file: history, RFM, CLV, levels.

Reading and checking the orders (every cell stripped and parsed) and fitting the
two CLV models take most of a plan's time, yet depend only on the file and on
`analysis_date`, `clv_months` and `annual_discount`; the RFM segments and the
win-back list add only `winback_p_alive` and `winback_count`, the spend counted
towards a level only `tier_window_days`, the level table only the levels,
`reach_share`, `gross_margin` and `benefit_budget_share`. Small LRU caches keep
each step, keyed on the file's resolved path with its size, modification time and
inode (a file rewritten or replaced under the same name is read again) and on
exactly those params. The steps are the pure functions `build_model` always
called, so a plan is the same plan with or without the cache.

Callers get copies: a plan may change its own tables without touching the next
one's. Under pandas 3 (Copy-on-Write: a frame derived from another never writes
into it, and its arrays come out read-only) a shallow copy is that copy and costs
nothing; under pandas 2 the copies are deep. A file the checks refuse raises
`DataFileError` every time (errors are not cached); the notes and exclusions its
checks found travel with the history, so every plan shows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataFileError
from ..schema import PositiveRange
from . import clv as clv_mod
from . import rfm
from .orders import OrderHistory, order_value_range, read_orders
from .tiers import Level, economics, tier_table, window_spend
from .winback import winback_list

CLV_COLUMNS = ("p_alive", "purchases_next", "spend_next", "clv")
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


@dataclass(frozen=True)
class FileKey:
    """An orders file as it is now: another size, time or inode means other contents; read as `fmt`."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    fmt: str = "auto"  # the params' orders_format


@dataclass(frozen=True)
class CustomerBase:
    """The checked history up to the analysis date, its customers' RFM, CLV and spend in the level window."""

    key: tuple  # what it was worked out from (for the level table)
    history: OrderHistory
    analysis_date: date
    # index customer_id: RFM, window_spend, then p_alive, purchases_next, spend_next, clv when CLV was fitted
    customers: pd.DataFrame
    segments: pd.DataFrame  # rfm.segment_table with mean CLV and P(alive)
    winback: pd.DataFrame
    clv: clv_mod.ClvModel | None
    clv_problem: str  # why CLV could not be fitted ("" when it was)
    order_values: dict[str, PositiveRange]  # channel -> the history's mean order value ± 20%


def file_key(path: Path | str, fmt: str = "auto") -> FileKey | None:
    """The cache key of a file as it is now; None when it cannot be looked at."""
    try:
        resolved = Path(path).resolve()
        st = os.stat(resolved)
    except OSError:
        return None
    return FileKey(str(resolved), st.st_size, st.st_mtime_ns, st.st_ino, fmt)


def customer_base(path: Path | str, source: str | None, analysis_date: date | None, clv_months: int,
                  annual_discount: float, tier_window_days: int, winback_p_alive: float,
                  winback_count: int, fmt: str = "auto") -> CustomerBase:
    """What a plan starts from, as a fresh copy; each step computed once per file version and params."""
    key = file_key(path, fmt)
    if key is None:
        read_orders(path, source, fmt)  # raises DataFileError naming the problem
        key = file_key(path, fmt)  # it appeared in between
    valued = _valued(key, source, analysis_date, clv_months, annual_discount)
    customers = _copy(valued.customers)
    customers.insert(len(customers.columns) - (len(CLV_COLUMNS) if valued.clv is not None else 0), "window_spend",
                     _window(key, source, analysis_date, tier_window_days).copy())
    winback = _winback(key, source, analysis_date, clv_months, annual_discount, winback_p_alive, winback_count)
    return CustomerBase(
        (key, source, analysis_date, clv_months, annual_discount, tier_window_days), _copy_history(valued.history),
        valued.analysis_date, customers, _copy(valued.segments), _copy(winback),
        None if valued.clv is None else replace(valued.clv, customers=_copy(valued.clv.customers)),
        valued.clv_problem, dict(valued.order_values))


def level_table(base: CustomerBase, lv: list[Level], reach_share: float, gross_margin: float,
                benefit_budget_share: float) -> tuple[pd.DataFrame, pd.Series]:
    """`tiers.tier_table` with `tiers.economics` for these customers, and each customer's level key
    (a column on the customers' index: assigning it costs no conversion of 20k strings).

    Most levers (the community, the dates) change neither the levels nor their economics: once per
    levels and shares.
    """
    table, level_keys = _level_table(base.key, tuple(lv), reach_share, gross_margin, benefit_budget_share)
    return _copy(table), _copy(level_keys)


def clear() -> None:
    """Forget every file (for tests; a changed file has a new key anyway)."""
    for cached in (_read, _fitted, _valued, _window, _winback, _level_table):
        cached.cache_clear()


# ---------------------------------------------------------------- the steps, each cached


@dataclass(frozen=True)
class _Fitted:
    history: OrderHistory
    analysis_date: date
    scored: pd.DataFrame
    summary: pd.DataFrame
    purchases: clv_mod.BgNbd | None
    spend: clv_mod.GammaGamma | None
    problem: str
    order_values: dict[str, PositiveRange]


@dataclass(frozen=True)
class _Valued:
    history: OrderHistory
    analysis_date: date
    customers: pd.DataFrame  # RFM (+ CLV columns when fitted); no window_spend yet
    segments: pd.DataFrame
    clv: clv_mod.ClvModel | None
    clv_problem: str
    order_values: dict[str, PositiveRange]


# a panel works on one merchant's file: two versions of it are plenty (a long history is large)
@lru_cache(maxsize=2)
def _read(key: FileKey, source: str | None) -> OrderHistory:
    return read_orders(key.path, source, key.fmt)


@lru_cache(maxsize=2)
def _fitted(key: FileKey, source: str | None, analysis_date: date | None) -> _Fitted:
    history = _read(key, source)
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


@lru_cache(maxsize=4)
def _valued(key: FileKey, source: str | None, analysis_date: date | None, clv_months: int,
            annual_discount: float) -> _Valued:
    f = _fitted(key, source, analysis_date)
    if f.purchases is None:
        # no model: no CLV, no P(alive) (build_model puts a run-rate in spend_next)
        segments = rfm.segment_table(f.scored.assign(clv=np.nan, p_alive=np.nan), {"clv": "clv", "p_alive": "p_alive"})
        return _Valued(f.history, f.analysis_date, f.scored, segments, None, f.problem, f.order_values)
    fitted = clv_mod.customer_value(f.summary, clv_months, annual_discount, f.purchases, f.spend)
    customers = f.scored.join(fitted.customers[list(CLV_COLUMNS)])
    segments = rfm.segment_table(customers, {"clv": "clv", "p_alive": "p_alive"})
    return _Valued(f.history, f.analysis_date, customers, segments, fitted, "", f.order_values)


@lru_cache(maxsize=8)
def _window(key: FileKey, source: str | None, analysis_date: date | None, days: int) -> np.ndarray:
    f = _fitted(key, source, analysis_date)
    return window_spend(f.history.orders, f.scored.index, pd.Timestamp(f.analysis_date), days)


@lru_cache(maxsize=4)
def _winback(key: FileKey, source: str | None, analysis_date: date | None, clv_months: int,
             annual_discount: float, p_alive_below: float, count: int) -> pd.DataFrame:
    v = _valued(key, source, analysis_date, clv_months, annual_discount)
    customers = v.customers if v.clv is not None else v.customers.assign(p_alive=np.nan, clv=np.nan)
    return winback_list(customers, p_alive_below, count)


@lru_cache(maxsize=16)
def _level_table(base_key: tuple, lv: tuple[Level, ...], reach_share: float, gross_margin: float,
                 benefit_budget_share: float) -> tuple[pd.DataFrame, pd.Series]:
    key, source, analysis_date, clv_months, annual_discount, days = base_key
    valued = _valued(key, source, analysis_date, clv_months, annual_discount)
    window = _window(key, source, analysis_date, days)
    if valued.clv is not None:
        spend_next = valued.customers["spend_next"].to_numpy(dtype=float)
        value = valued.customers["clv"].to_numpy(dtype=float)
    else:  # as build_model fills them in without a model: a year's run-rate, no CLV
        spend_next = window * (clv_months / 12)
        value = np.full(len(window), np.nan)
    table, idx = tier_table(window, list(lv), reach_share)
    table = economics(table, spend_next, value, idx, list(lv), gross_margin, benefit_budget_share)
    keys = np.array([level.key for level in lv], dtype=object)[idx]
    return table, pd.Series(keys, index=valued.customers.index, name="level")


def _copy(df: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    return df.copy(deep=not _COPY_ON_WRITE)


def _copy_history(h: OrderHistory) -> OrderHistory:
    return OrderHistory(_copy(h.orders), h.source, h.rows_read, dict(h.excluded), dict(h.notes), h.format)


__all__ = ["CLV_COLUMNS", "CustomerBase", "FileKey", "clear", "customer_base", "file_key", "level_table"]
