"""The bargaining plan's words: `Figures` → the title, the KPI labels and every section in the merchant's language.

Reads the figures (`figures.py`) and the catalogue `messages/<lang>/first_event_bargaining.yaml`;
every number is a reference to its figure in plan.json (`figref`), never formatted or worked out here. Tables keep their machine values: their keys and
booleans are named at render time through the `key:<prefix>` and `yesno` formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import i18n
from ..figref import fig, fig_range
from ..figures import Figures, Words
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table

if TYPE_CHECKING:
    from ..loading import PlaybookParams

NS = "first_event_bargaining"
SECTIONS = ("goal", "audience", "mechanics", "rewards", "channels", "timeline", "forecast", "decision", "kpis",
            "risks")


class View:
    """What every section's words need: the figures, the params, the language. Every number in the words is
    a reference to its figure in plan.json (`fig`, `fig_range`), shown by the renderer; none is formatted here."""

    def __init__(self, figures: Figures, params: PlaybookParams) -> None:
        self.f, self.s, self.m, self.lang = figures, params.section, params.merchant, params.lang
        self.data = figures.data
        self.stage = params.diagnosis.stage if params.diagnosis is not None else "few_fans"

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def common(self, key: str) -> str:
        return i18n.t(f"common.{key}", self.lang)

    def symbol(self) -> str:
        return i18n.CURRENCY_SYMBOLS.get(self.m.currency, self.m.currency)

    def join(self, *keys: str, **kw: object) -> str:
        """The sentences at `keys`, one after the other (each formatted with the same `kw`)."""
        return self.t("join").join(self.t(k, **kw) for k in keys)


def plan_words(figures: Figures, params: PlaybookParams) -> Words:
    """The plan's title, its KPI labels and its own sections (the spine adds platform rules and the review)."""
    v = View(figures, params)
    makers = {"goal": _goal, "audience": _audience, "mechanics": _mechanics, "rewards": _rewards,
              "channels": _channels, "timeline": _timeline, "forecast": _forecast, "decision": _decision,
              "kpis": _kpis, "risks": _risks}
    sections = {key: Section(key, v.common(f"section.{key}"), makers[key](v)) for key in SECTIONS}
    warnings = []
    if figures.data["decision"]["basis"] == "none_within":
        warnings.append({"code": "bargain_over_budget", "level": "warning",
                         "message": v.t("decision.none", lo=fig("helpers_options.0"), hi=fig("helpers_options.1"),
                                        chosen=fig("decision.chosen_helpers"))})
    return Words(title=v.t("title", product=v.s.product),
                 kpi_labels={key: v.t(f"kpi.{key}") for key in figures.kpis}, sections=sections, warnings=warnings)


MONEY, PRICE = "money", "money_exact"
FLOOR, HELPERS, STOCK = fig("floor_price", PRICE), fig("helpers_needed"), fig("stock")


def _goal(v: View) -> list:
    why = "goal.why_few_fans" if v.stage in ("zero", "few_fans") else "goal.why_more_fans"
    return [Para(v.t("goal.text", fans=fig("fans"), days=fig("duration_days", "days"),
                     followers=fig("kpis.new_followers.p50"), orders=fig("kpis.orders.p50"), product=v.s.product,
                     floor=FLOOR)),
            Para(v.t(why, fans=fig("fans"), per=fig("helpers_per_bargain", "number"),
                     new_share=fig("new_share.p50", "share"))),
            KpiGrid(v.f.headline)]


def _audience(v: View) -> list:
    return [Bullets((
        v.t("audience.reached", reached=fig("fans_reached.p50"), fans=fig("fans")),
        v.t("audience.initiators", attempts=fig_range("kpis.attempts")),
        v.t("audience.helpers", helpers=fig_range("kpis.helpers"), per=fig("helpers_per_bargain", "number")),
        v.t("audience.new", new_share=fig("new_share.p50", "share")),
    ))]


def _mechanics(v: View) -> list:
    s = v.s
    follow_rule = "rule_follow_forced" if s.forced_follow else "rule_follow_optional"
    share_rule = "rule_share_links" if "external_link" in s.share_via else "rule_share_cards"
    symbol = v.symbol()
    return [
        Para(v.t("mechanics.how", product=s.product, n=HELPERS, floor=FLOOR)),
        Rules(v.t("mechanics.rules_title"), (
            v.t("mechanics.rule_dates", start=fig("start_date", "date"), end=fig("end_date", "date"),
                product=s.product, original=fig("original_price", PRICE)),
            v.t("mechanics.rule_helpers", n=HELPERS, floor=FLOOR),
            v.t("mechanics.rule_cuts", first=fig("first_cut", PRICE)),
            v.t(f"mechanics.{share_rule}"),
            v.t("mechanics.rule_once"),
            v.t("mechanics.rule_stock", stock=STOCK),
            v.t("mechanics.rule_stock_closes" if s.close_when_sold_out else "mechanics.rule_stock_runs", stock=STOCK),
            v.t(f"mechanics.{follow_rule}"),
            v.t("mechanics.rule_pay", floor=FLOOR),
        )),
        Table("cut_schedule", v.t("mechanics.cut_caption", style=v.t(f"mechanics.style_{s.cut_style}")),
              labels=(("helper", v.t("chart.helper")), ("cut", v.t("chart.cut", symbol=symbol)),
                      ("price_after", v.t("chart.price_after", symbol=symbol))),
              formats=(("helper", "count"), ("cut", "money"), ("price_after", "money"))),
    ]


def _rewards(v: View) -> list:
    """What the event gives away against the budget, each figure a reference; and the warnings on it."""
    d, t = v.data, v.t
    cost = "rewards.unit_cost_assumed" if d["unit_cost_assumed"] else "rewards.unit_cost"
    stock = "rewards.stock_capped" if d["stock"] < d["stock_available"] else "rewards.stock"
    lines = (t("rewards.subsidy", value=fig("subsidy_per_order", PRICE)),
             t(cost, value=fig("unit_cost", PRICE)),
             t("rewards.margin", value=fig("margin_at_floor", PRICE)),
             t(stock, stock=STOCK, available=fig("stock_available"), cap=fig("stock_cap_within_budget")),
             t("rewards.cost", value=fig_range("kpis.cost", MONEY), budget=fig("budget", MONEY)),
             t("rewards.within", value=fig("budget_share_within", "share")),
             t("rewards.per_follower", value=fig_range("kpis.cost_per_follower", MONEY)))
    blocks: list = [Para(t("rewards.caption")), Bullets(lines)]
    if d["margin_at_floor"] < 0:
        blocks.append(Callout(t("rewards.below_cost", floor=FLOOR, cost=fig("unit_cost", PRICE),
                                loss=fig("loss_per_order", PRICE)), "danger"))
    if v.f.kpis["cost"].band.p90 > float(v.m.budget):
        blocks.append(Callout(t("rewards.over_budget", cost=fig("kpis.cost.p90", MONEY), budget=fig("budget", MONEY),
                                fixed=fig("fixed_costs", MONEY)), "warning"))
    return blocks


def _channels(v: View) -> list:
    names = f"key:{NS}.channels"
    days = v.s.duration_days
    parts = ("channels.intro_warmup" if v.s.warmup_days else "channels.intro_no_warmup", "channels.intro_launch",
             *(("channels.intro_mid",) if days >= 5 else ()), *(("channels.intro_last",) if days >= 3 else ()),
             "channels.intro_links" if "external_link" in v.s.share_via else "channels.intro_cards")
    return [Para(v.join(*parts, warmup=fig("warmup_days", "days"))),
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
    if d["sold_out_early_share"] > 0:
        sold = v.t("forecast.sold_out_early", stock=STOCK, share=fig("sold_out_early_share", "share"),
                   day=fig("sold_out_day", "days"), days=fig("duration_days", "days"))
    elif d["sold_out_share"] > 0:
        sold = v.t("forecast.sold_out_last", stock=STOCK, share=fig("sold_out_share", "share"))
    else:
        sold = v.t("forecast.not_sold_out", stock=STOCK)
    rule = "forecast.stock_closes" if d["stock_rule"] == "closes_when_sold_out" else "forecast.stock_runs"
    if v.f.kpis["unfilled_orders"].band.p50 < 0.5:  # the stock typically lasts: no count of the disappointed to quote
        rule += "_lasts"
    blocks = [KpiGrid(()), Para(sold), Para(v.t(rule, unfilled=fig_range("kpis.unfilled_orders")))]
    if d["views_given"]:
        blocks.append(Para(v.t("forecast.views_given", views=fig("product_views"))))
    return blocks


def _verdict(v: View) -> Callout:
    """Why the plan asks for this many helpers: the best within budget, the consultant's override, or the
    cheapest when none fits."""
    dec, t = v.data["decision"], v.t
    span = {"lo": fig("helpers_options.0"), "hi": fig("helpers_options.1"), "chosen": fig("decision.chosen_helpers")}
    if dec["basis"] == "best_within_budget":
        return Callout(t("decision.best", followers=fig("kpis.new_followers.p50"), **span))
    if dec["basis"] == "none_within":
        return Callout(t("decision.none", **span), "warning")
    reason = fig("decision.override_reason", "text")
    best = dec["best_within_budget"]
    if best is None:
        return Callout(t("decision.override_none", reason=reason, **span), "warning")
    i = next(i for i, o in enumerate(dec["options"]) if o["helpers"] == best)
    return Callout(t("decision.override", reason=reason, best=fig(f"decision.options.{i}.helpers"),
                     followers=fig(f"decision.options.{i}.new_followers_p50"), **span), "warning")


def _decision(v: View) -> list:
    """How many helpers, and which mechanic: the verdict, the trade-off and the two tables."""
    t = v.t
    followers = (("new_followers_p50", t("decision.followers_p50")), ("new_followers_p10", t("decision.followers_p10")),
                 ("new_followers_p90", t("decision.followers_p90")))
    counts = tuple((c, "count") for c in ("new_followers_p50", "new_followers_p10", "new_followers_p90", "orders_p50"))
    return [_verdict(v), Para(t("decision.tradeoff")),
            Table("decision", t("decision.n_caption"), labels=(
                ("helpers_needed", t("decision.helpers_needed")), ("completion_rate", t("decision.completion_rate")),
                ("orders_p50", t("decision.orders_p50")), *followers, ("cost_p90", t("decision.cost_p90")),
                ("cost_per_follower_p50", t("decision.cost_per_follower")),
                ("within_budget", t("decision.within_budget")), ("chosen", t("decision.chosen"))),
                formats=(("helpers_needed", "count"), ("completion_rate", "share"), *counts, ("cost_p90", "money"),
                         ("cost_per_follower_p50", "money"), ("within_budget", "yesno"), ("chosen", "yesno"))),
            Table("comparison", t("decision.compare_caption"), labels=(
                ("mechanic", t("decision.mechanic")), *followers, ("orders_p50", t("decision.orders_p50")),
                ("cost_p50", t("decision.cost_p50")), ("cost_per_follower_p50", t("decision.cost_per_follower"))),
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
