"""Rows of a small frame as plain Python values, fast (the live panel builds a plan per lever move)."""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache

import pandas as pd


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


__all__ = ["records", "rows"]
