"""The catalogue and the number formats in one merchant's language: what the view's modules share."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .. import i18n
from ..montecarlo import Band
from ..plan import Section

NS = "membership_community"
LEVEL_NAMES = 5  # the template's level names in the catalogue: level_name.1 ... level_name.5


def level_names(lang: str) -> list[str]:
    """The template's level names in the merchant's language (the model names its levels with them)."""
    return [i18n.t(f"{NS}.level_name.{i}", lang) for i in range(1, LEVEL_NAMES + 1)]


@dataclass(frozen=True)
class Voice:
    """The catalogue and the number formats in one merchant's language and currency."""

    lang: str
    currency: str

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def common(self, key: str) -> str:
        return i18n.t(f"common.{key}", self.lang)

    def money(self, v: Decimal | float) -> str:
        return i18n.money(v, self.currency, self.lang)

    def count(self, v: float) -> str:
        return i18n.number(round(v)) if math.isfinite(v) else "—"

    def rng(self, b: Band, fmt: Callable[[float], str]) -> str:
        return f"{fmt(b.p50)} ({fmt(b.p10)} – {fmt(b.p90)})"

    def section(self, key: str, *blocks: object) -> Section:
        return Section(key, self.common(f"section.{key}"), list(blocks))

    def prize(self, lottery, rank: str) -> str:
        """The prize's name as the params give it, else the catalogue's generic name."""
        return getattr(lottery, f"{rank}_prize") or self.t(f"mechanics.default_{rank}_prize")


__all__ = ["LEVEL_NAMES", "NS", "Voice", "level_names"]
