"""The zero-fan launch view's helpers: the catalogue and number formats of one plan, a table's columns as rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .. import i18n
from ..montecarlo import Band

NS = "zero_fan_launch"


class Say:
    """The catalogue and the number formats of one plan (language and currency)."""

    def __init__(self, lang: str, currency: str) -> None:
        self.lang, self.currency = lang, currency

    def __call__(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def common(self, key: str) -> str:
        return i18n.t(f"common.{key}", self.lang)

    def money(self, v: Decimal | float) -> str:
        # whole amounts without cents; small forecasts (cost per fan) with them
        whole = float(v) == int(v) or abs(float(v)) >= 100
        return i18n.money(v, self.currency, self.lang, decimals=0 if whole else 2)

    def count(self, v: float) -> str:
        return i18n.number(round(v))

    def share(self, v: float) -> str:
        return i18n.percent(v, 1)

    def rng(self, b: Band, fmt: Callable[[float], str]) -> str:
        if not math.isfinite(b.p50):  # undefined (cost per fan with no fans)
            return "—"
        if fmt(b.p10) == fmt(b.p90):  # no uncertainty left to show
            return fmt(b.p50)
        return self("range", p50=fmt(b.p50), p10=fmt(b.p10), p90=fmt(b.p90))


def columns(df: Any, *names: str) -> Any:
    """The rows of these columns of a table, as plain Python values (faster than `itertuples`)."""
    return zip(*(df[name].tolist() for name in names), strict=True)
