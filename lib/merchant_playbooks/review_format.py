"""The merchant's formats for the review's numbers (`review_text.py` words them)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from . import i18n
from .plan import Plan
from .review_spec import NS, ReviewSpec


def label(plan: Plan, metric: str) -> str:
    """A metric's name in the merchant's language: `review.metric.<playbook>.<name>` when the KPI's own label
    does not fit a day-by-day review (e.g. "Sales over the year"), else the plan's KPI label, else
    `review.metric.<name>`."""
    own = f"{NS}.metric.{plan.playbook}.{metric}"
    if i18n.has(own, plan.language):
        return i18n.t(own, plan.language)
    k = plan.kpis.get(metric)
    if k:
        return k.label
    key = f"{NS}.metric.{metric}"
    return i18n.t(key, plan.language) if i18n.has(key, plan.language) else metric.replace("_", " ")


def num(v: float) -> str:
    return np.format_float_positional(v, trim="-", precision=6)



class Fmt:
    """The merchant's formats for the review's numbers."""

    def __init__(self, plan: Plan, spec: ReviewSpec) -> None:
        self.plan, self.lang = plan, plan.language
        self.kinds = {m.key: m.kind for m in spec.metrics}

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def label(self, metric: str) -> str:
        return label(self.plan, metric)

    def inner(self, metric: str) -> str:
        """The metric's label inside a sentence: lower case in English (Product views → product views)."""
        text = self.label(metric)
        if self.lang == "en" and text[:1].isupper() and not text[1:2].isupper():
            return text[0].lower() + text[1:]
        return text

    def base(self, metrics: tuple[str, ...]) -> str:
        """A funnel step's base: one label, or several added up in brackets."""
        text = self.t("plus").join(self.inner(b) for b in metrics)
        return f"({text})" if len(metrics) > 1 else text

    def value(self, v: float, metric: str) -> str:
        if not math.isfinite(v):
            return "—"
        if self.kinds.get(metric) == "money":
            return i18n.money(float(v), self.plan.currency, self.lang)
        return i18n.number(round(v))

    def money(self, v: float) -> str:
        return i18n.money(float(v), self.plan.currency, self.lang) if math.isfinite(v) else "—"

    def signed(self, v: float, metric: str | None = None, money: bool = False) -> str:
        if not math.isfinite(v):
            return "—"
        text = self.money(abs(v)) if money else self.value(abs(v), metric or "")
        if text in ("0", self.money(0)):
            return text
        return ("+" if v > 0 else "−") + text

    @staticmethod
    def pct(v: float) -> str:
        if not math.isfinite(v):
            return "—"
        text = f"{abs(v) * 100:.0f}%"
        return text if text == "0%" else ("+" if v > 0 else "−") + text

    def day(self, d: date) -> str:
        return i18n.short_day(d, self.lang)

    def days(self, ds: list[date], limit: int = 8) -> str:
        shown = "、".join if self.lang == "zh" else ", ".join
        text = shown(self.day(d) for d in ds[:limit])
        return text + (self.t("and_more", n=len(ds) - limit) if len(ds) > limit else "")

    def ratio(self, v: float) -> str:
        if not math.isfinite(v):
            return "—"
        return i18n.percent(v, 1) if v < 1 else i18n.number(v, 2)

    def rate(self, v: float, share: bool) -> str:
        """A rate as the merchant reads it: a share in percent, anything else to 3 significant digits."""
        if not math.isfinite(v):
            return "—"
        if share:
            return i18n.percent(v, 0 if round(v * 100, 1) == round(v * 100) else 1)
        return np.format_float_positional(float(f"{v:.3g}"), trim="-")

    def band(self, mid: float, low: float, high: float, metric: str) -> str:
        """"P50 (P10 – P90)" of a metric, or the one number when P10 and P90 read the same."""
        lo, hi = self.value(low, metric), self.value(high, metric)
        return self.value(mid, metric) if lo == hi else f"{self.value(mid, metric)} ({lo} – {hi})"

    def range(self, low: float, high: float, share: bool = False) -> str:
        """low – high, or one number when both read the same."""
        a, b = self.rate(low, share), self.rate(high, share)
        return a if a == b else f"{a} – {b}"
