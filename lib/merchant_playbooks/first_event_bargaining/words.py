"""The bargaining plan's words: `Figures` → the title, the KPI labels and every section in the merchant's language.

Reads the figures (`figures.py`) and the catalogue `messages/<lang>/first_event_bargaining.yaml`;
it formats numbers, never works one out. Tables keep their machine values: their keys and
booleans are named at render time through the `key:<prefix>` and `yesno` formats.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from .. import i18n
from ..figures import Figures, Words
from ..montecarlo import Band
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table

if TYPE_CHECKING:
    from ..loading import PlaybookParams

NS = "first_event_bargaining"
SECTIONS = ("goal", "audience", "mechanics", "rewards", "channels", "timeline", "forecast", "decision", "kpis",
            "risks")


class View:
    """What every section's words need: the figures, the params, the language and its formats."""

    def __init__(self, figures: Figures, params: PlaybookParams) -> None:
        self.f, self.s, self.m, self.lang = figures, params.section, params.merchant, params.lang
        self.data, self.bands = figures.data, {k: kpi.band for k, kpi in figures.kpis.items()}

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def common(self, key: str) -> str:
        return i18n.t(f"common.{key}", self.lang)

    def money(self, v: Decimal | float) -> str:
        return i18n.money(v, self.m.currency, self.lang)

    def count(self, v: float) -> str:
        return i18n.number(round(v))

    def range(self, b: Band, fmt: Callable[[float], str]) -> str:
        return f"{fmt(b.p50)} ({fmt(b.p10)} – {fmt(b.p90)})"

    def symbol(self) -> str:
        return i18n.CURRENCY_SYMBOLS.get(self.m.currency, self.m.currency)


def plan_words(figures: Figures, params: PlaybookParams) -> Words:
    """The plan's title, its KPI labels and its own sections (the spine adds platform rules and the review)."""
    v = View(figures, params)
    makers = {"goal": _goal, "audience": _audience, "mechanics": _mechanics, "rewards": _rewards,
              "channels": _channels, "timeline": _timeline, "forecast": _forecast, "decision": _decision,
              "kpis": _kpis, "risks": _risks}
    sections = {key: Section(key, v.common(f"section.{key}"), makers[key](v)) for key in SECTIONS}
    return Words(title=v.t("title", product=v.s.product),
                 kpi_labels={key: v.t(f"kpi.{key}") for key in figures.kpis}, sections=sections)


def _goal(v: View) -> list:
    s = v.s
    return [Para(v.t("goal.text", fans=v.count(v.m.fans), days=s.duration_days,
                     followers=v.count(v.bands["new_followers"].p50), orders=v.count(v.bands["orders"].p50),
                     product=s.product, floor=v.money(s.floor_price))),
            Para(v.t("goal.why")),
            KpiGrid(v.f.headline)]


def _audience(v: View) -> list:
    b, d = v.bands, v.data
    return [Bullets((
        v.t("audience.reached", reached=v.count(d["fans_reached"].p50), fans=v.count(v.m.fans)),
        v.t("audience.initiators", attempts=v.range(b["attempts"], v.count)),
        v.t("audience.helpers", helpers=v.range(b["helpers"], v.count), per=f"{d['helpers_per_bargain']:.1f}"),
        v.t("audience.new", new_share=i18n.percent(d["new_share"].p50, 0)),
    ))]


def _mechanics(v: View) -> list:
    s, lang = v.s, v.lang
    follow_rule = "rule_follow_forced" if s.forced_follow else "rule_follow_optional"
    symbol = v.symbol()
    return [
        Para(v.t("mechanics.how", product=s.product, n=s.helpers_needed, floor=v.money(s.floor_price))),
        Rules(v.t("mechanics.rules_title"), (
            v.t("mechanics.rule_dates", start=i18n.day(s.start_date, lang), end=i18n.day(s.end_date, lang),
                product=s.product, original=v.money(s.original_price)),
            v.t("mechanics.rule_helpers", n=s.helpers_needed, floor=v.money(s.floor_price)),
            v.t("mechanics.rule_once"),
            v.t("mechanics.rule_stock", stock=i18n.number(s.stock)),
            v.t(f"mechanics.{follow_rule}"),
            v.t("mechanics.rule_pay", floor=v.money(s.floor_price)),
        )),
        Table("cut_schedule", v.t("mechanics.cut_caption", style=v.t(f"mechanics.style_{s.cut_style}")),
              labels=(("helper", v.t("chart.helper")), ("cut", v.t("chart.cut", symbol=symbol)),
                      ("price_after", v.t("chart.price_after", symbol=symbol))),
              formats=(("helper", "count"), ("cut", "money"), ("price_after", "money"))),
    ]


def _rewards(v: View) -> list:
    """The cost, item by item (a value or a range, each in its own kind), and the warnings on it."""
    fmt = {"money": v.money, "count": v.count, "share": lambda x: i18n.percent(x, 0)}
    lines = []
    for item, value, p10, p90, kind in v.f.tables["economics"][["item", "value", "p10", "p90", "kind"]].itertuples(
            index=False):
        shown = fmt[kind](value) if pd.isna(p10) else v.range(Band(p10, value, p90), fmt[kind])
        lines.append(v.t("rewards.line", item=v.t(f"rewards.{item}"), value=shown))
    blocks: list = [Para(v.t("rewards.caption")), Bullets(tuple(lines))]
    s, d, cost = v.s, v.data, v.bands["cost"]
    if d["margin_at_floor"] < 0:
        blocks.append(Callout(v.t("rewards.below_cost", floor=v.money(s.floor_price), cost=v.money(s.unit_cost),
                                  loss=v.money(-d["margin_at_floor"])), "danger"))
    if cost.p90 > float(v.m.budget):
        blocks.append(Callout(v.t("rewards.over_budget", cost=v.money(cost.p90), budget=v.money(v.m.budget),
                                  stock_cap=i18n.number(d["stock_cap_within_budget"])), "warning"))
    return blocks


def _channels(v: View) -> list:
    names = f"key:{NS}.channels"
    return [Para(v.t("channels.intro", warmup=v.s.warmup_days)),
            Table("channels", labels=(("date", v.common("table.date")), ("channel", v.common("table.channel")),
                                      ("message", v.common("table.message"))),
                  formats=(("date", "date"), ("channel", names), ("message", names)))]


def _timeline(v: View) -> list:
    steps = f"key:{NS}.timeline"
    return [Table("timeline", labels=(
        ("date", v.common("table.date")), ("weekday", v.common("table.weekday")),
        ("phase", v.common("table.phase")), ("action", v.common("table.action")),
        ("views", v.t("timeline.views")), ("attempts", v.t("timeline.attempts")), ("orders", v.t("timeline.orders")),
        ("new_followers", v.t("timeline.followers"))),
        formats=(("date", "date"), ("weekday", "key:common.weekday"), ("phase", steps), ("action", steps),
                 ("views", "count"), ("attempts", "count"), ("orders", "count"), ("new_followers", "count")))]


def _forecast(v: View) -> list:
    d = v.data
    if d["sold_out_share"] > 0:
        sold = v.t("forecast.sold_out", share=i18n.percent(d["sold_out_share"], 0), day=d["sold_out_day"])
    else:
        sold = v.t("forecast.not_sold_out", share=i18n.percent(d["stock_lasts_share"], 0))
    return [KpiGrid(()), Para(sold)]


def _decision(v: View) -> list:
    """How many helpers, and which mechanic: the verdict, the trade-off and the two tables."""
    s, d, t = v.s, v.data, v.t
    lo, hi = s.helpers_options
    if d["best_helpers_needed"] is None:
        verdict = Callout(t("decision.none", lo=lo, hi=hi), "warning")
    elif d["best_helpers_needed"] == s.helpers_needed:
        verdict = Callout(t("decision.same", chosen=s.helpers_needed))
    else:
        verdict = Callout(t("decision.best", best=d["best_helpers_needed"], chosen=s.helpers_needed,
                            followers=v.count(d["best_new_followers"])))
    followers = (("new_followers_p50", t("decision.followers_p50")), ("new_followers_p10", t("decision.followers_p10")),
                 ("new_followers_p90", t("decision.followers_p90")))
    counts = tuple((c, "count") for c in ("new_followers_p50", "new_followers_p10", "new_followers_p90", "orders_p50"))
    return [verdict, Para(t("decision.tradeoff")),
            Table("decision", t("decision.n_caption"), labels=(
                ("helpers_needed", t("decision.helpers_needed")), ("completion_rate", t("decision.completion_rate")),
                ("orders_p50", t("decision.orders_p50")), *followers, ("cost_p90", t("decision.cost_p90")),
                ("cost_per_follower_p50", t("decision.cost_per_follower")),
                ("within_budget", t("decision.within_budget"))),
                formats=(("helpers_needed", "count"), ("completion_rate", "share"), *counts, ("cost_p90", "money"),
                         ("cost_per_follower_p50", "money"), ("within_budget", "yesno"))),
            Table("comparison", t("decision.compare_caption"), labels=(
                ("mechanic", t("decision.mechanic")), *followers, ("orders_p50", t("decision.orders_p50")),
                ("cost_p50", t("kpi.cost")), ("cost_per_follower_p50", t("decision.cost_per_follower"))),
                formats=(("mechanic", f"key:{NS}.decision"), *counts, ("cost_p50", "money"),
                         ("cost_per_follower_p50", "money")))]


def _kpis(v: View) -> list:
    return [Table("kpis", labels=(("kpi", v.common("kpi.name")), ("target", v.t("kpis.target")),
                                  ("warn", v.t("kpis.warn")), ("how", v.common("kpi.how"))),
                  formats=(("kpi", f"key:{NS}.kpi"), ("target", "count"), ("warn", "count"), ("how", f"key:{NS}.kpis")))]


def _risks(v: View) -> list:
    risks = f"key:{NS}.risks"
    return [Table("risks", labels=(("risk", v.common("table.risk")), ("trigger", v.common("table.trigger")),
                                   ("backup", v.common("table.backup"))),
                  formats=(("risk", risks), ("trigger", risks), ("backup", risks)))]


__all__ = ["plan_words"]
