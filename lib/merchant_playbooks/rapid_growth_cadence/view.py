"""What the cadence's words share: the catalogue, the merchant's money and dates, the events' names.

`View` is made once per plan from its figures and params; `words.py` and `words_year.py` write the
sections with it, `charts.py` names its lanes with `event_name`. The table formats that name a
figures table's keys are here too, so every table names its events the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .. import i18n
from ..figref import fig, fig_range
from ..figures import Figures
from ..loading import PlaybookParams
from ..plan import Section

NS = "rapid_growth_cadence"

# an event column holds the event's key; the anniversary's name reads the row's brand_years
EVENT = (("event", f"key:{NS}.event"), ("brand_years", "count"))


def event_name(key: str, brand_years: int | None, lang: str) -> str:
    """An event's name (the anniversary's with the brand's age that day)."""
    if key == "anniversary" and brand_years is not None:
        return i18n.t(f"{NS}.event.anniversary", lang, brand_years=brand_years)
    return i18n.t(f"{NS}.event.{key}", lang)


@dataclass
class View:
    figures: Figures
    params: PlaybookParams

    def __post_init__(self) -> None:
        self.s, self.m, self.lang = self.params.section, self.params.merchant, self.params.lang
        self.model: Any = self.figures.model
        self.data = self.figures.data
        events = self.model.events
        self.names = {e.key: event_name(e.key, self.data["brand_years"], self.lang) for e in events}
        self.themes = {e.key: e.theme or self.t(f"event_theme.{e.key}") for e in events}
        self.index = {e.key: i for i, e in enumerate(events)}  # an event's row in the events' tables

    @staticmethod
    def f(key: str, kind: str = "count") -> str:
        """A figure of plan.json, by its path (see `figref`)."""
        return fig(key, kind)

    @staticmethod
    def fr(key: str, kind: str = "count") -> str:
        """A {p10, p50, p90} range of plan.json, by its path: one number when its ends read the same."""
        return fig_range(key, kind)

    def ev(self, key: str, column: str, kind: str = "count") -> str:
        """A cell of the event's row in `tables.event_forecast` (its dates, targets, forecast, stock)."""
        return fig(f"tables.event_forecast.{self.index[key]}.{column}", kind)

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def common(self, key: str, **kw: object) -> str:
        return i18n.t(f"common.{key}", self.lang, **kw)

    def money(self, v: Decimal | float, decimals: int = 0) -> str:
        return i18n.money(v, self.m.currency, self.lang, decimals=decimals)

    @staticmethod
    def count(v: float) -> str:
        return i18n.number(round(v))

    def day(self, d: date) -> str:
        return i18n.short_day(d, self.lang)

    def section(self, key: str, *blocks: object, title: str | None = None) -> Section:
        return Section(key, title or i18n.t(f"common.section.{key}", self.lang), list(blocks))

    def type_text(self, discount: bool) -> str:
        return self.t("discount_yes") if discount else self.t("discount_no")
