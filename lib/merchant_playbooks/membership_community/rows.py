"""Rows of a small frame as plain Python values, fast (the live panel builds a plan per lever move)."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

import pandas as pd

_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def rows(df: pd.DataFrame) -> list[tuple]:
    """The rows as named tuples of Python values: what `itertuples(index=False)` gives, without its
    cell-by-cell lookups (they add up in the live panel)."""
    row = _row_type(tuple(df.columns))
    return [row._make(values) for values in df.to_numpy(dtype=object).tolist()]


def records(df: pd.DataFrame) -> list[dict]:
    """`df.to_dict(orient="records")`, the same way."""
    columns = list(df.columns)
    return [dict(zip(columns, values, strict=True)) for values in df.to_numpy(dtype=object).tolist()]


@lru_cache(maxsize=32)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", columns)


def fresh(df: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller may change (free under pandas 3's Copy-on-Write, deep under pandas 2)."""
    return df.copy(deep=not _COPY_ON_WRITE)


class Memo:
    """The last `size` results of a pure builder, by key, each handed out through `copy`.

    For the parts of a plan most levers leave alone (the day-by-day timeline moves only with
    the dates): building them again costs a live panel's change about a millisecond.
    """

    def __init__(self, size: int, copy: Callable[[Any], Any]):
        self.size, self.copy = size, copy
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = build()
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return self.copy(item)

    def clear(self) -> None:
        self._items.clear()


__all__ = ["Memo", "fresh", "records", "rows"]
