"""The cadence plan's words, second half: channels, the year's calendar, forecast, products to feature,
KPIs to track, risks and the event briefs (one per event, after the spine). See `words.py`."""

from __future__ import annotations

from .. import i18n
from ..plan import Callout, KpiGrid, Para, Rules, Section, Table
from .model import GOALS
from .view import EVENT, NS, View

DATES = ("date", "warmup_start", "sale_start", "sale_end")


def channels(v: View) -> Section:
    t = v.t
    return v.section(
        "channels", Para(t("channels.intro", days=v.f("warmup_days"))),
        Table("warmups", labels=(("event", t("channels.event")), ("warmup_start", t("channels.warmup")),
                                 ("notice", t("channels.notice")), ("sale_start", t("channels.sale")),
                                 ("last_call", t("channels.last_call")), ("channels", t("channels.channels"))),
              formats=(*EVENT, ("warmup_start", "date"), ("notice", "date"), ("sale_start", "date"),
                       ("last_call", "date"), ("channels", f"key:{NS}.channels"))))


def timeline(v: View) -> Section:
    """The calendar and the monthly targets."""
    t = v.t
    return v.section(
        "timeline",
        Table("calendar", t("timeline.calendar_caption"), labels=(
            ("event", t("timeline.event")), ("kind", t("timeline.kind")), ("date", t("timeline.day")),
            ("warmup_start", t("timeline.warmup")), ("sale_start", t("timeline.sale_start")),
            ("sale_end", t("timeline.sale_end")), ("type", t("timeline.type")), ("theme", t("timeline.theme"))),
            formats=(*EVENT, ("kind", f"key:{NS}.kind"), *((c, "date") for c in DATES), ("type", f"key:{NS}"),
                     ("theme", f"key:{NS}.event_theme"))),
        Table("monthly_targets", t("timeline.monthly_caption"),
              labels=(("month", t("timeline.month")), *((g, t(f"goal_name.{g}")) for g in GOALS)),
              formats=(("month", f"key:{NS}.month"), *((g, "count") for g in GOALS))))


def forecast(v: View) -> Section:
    t, f = v.t, v.f
    return v.section(
        "forecast",
        KpiGrid(()),
        Para(t("forecast.text", sales=v.fr("kpis.sales", "money"), run_rate=f("monthly_sales", "money"),
               low=f("baseline_growth.low", "share"), high=f("baseline_growth.high", "share"))),
        Para(t("forecast.months", sum=f("monthly_sales_p50_sum", "money"), p50=f("kpis.sales.p50", "money"))),
        Para(t("forecast.extra", extra=v.fr("economics.net_sales", "money"), cuts=v.fr("economics.discounts", "money"),
               fixed=f("economics.fixed.p50", "money"))),
        Table("event_forecast", t("forecast.caption"), labels=(
            ("event", t("forecast.event")), ("target_sales", t("forecast.target")), ("sales_p10", t("forecast.p10")),
            ("sales_p50", t("forecast.p50")), ("sales_p90", t("forecast.p90")), ("stock_units", t("forecast.stock"))),
            formats=(*EVENT, ("target_sales", "money"), ("sales_p10", "money"), ("sales_p50", "money"),
                     ("sales_p90", "money"), ("stock_units", "count"))))


def decision(v: View) -> Section:
    """Which products to put in front."""
    t = v.t
    return v.section(
        "decision",
        Para(t("decision.text")),
        Table("potential_products", t("decision.caption"), labels=(
            ("name", t("decision.product")), ("category", t("decision.category")), ("score", t("decision.score")),
            ("role", t("decision.role")), ("monthly_sales", t("decision.sales")),
            ("sales_growth", t("decision.growth"))),
            formats=(("score", "number"), ("role", f"key:{NS}.role"), ("monthly_sales", "count"),
                     ("sales_growth", "share"))),
        Para(t("decision.potential_count", count=v.f("potential_count"), hot=v.f("hot_count"))),
        title=t("decision.title"))


def kpis(v: View) -> Section:
    t = v.t
    return v.section("kpis", Table(
        "kpis", labels=(("kpi", t("kpis.kpi")), ("target", t("kpis.target")), ("how", t("kpis.how"))),
        formats=(("kpi", f"key:{NS}.kpis"), ("target", f"key:{NS}.kpi_target"), ("how", f"key:{NS}.kpi_how"),
                 ("per_month_money", "money"), ("per_month_count", "count"))))


def risks(v: View) -> Section:
    """Risks and the backup plan: the risks table, a backup event, the ladder products that may run out."""
    t, lang = v.t, v.lang
    blocks: list[object] = [Table(
        "risks", labels=(("risk", i18n.t("common.table.risk", lang)), ("trigger", i18n.t("common.table.trigger", lang)),
                         ("backup", i18n.t("common.table.backup", lang))),
        formats=(("risk", f"key:{NS}.risks"), ("trigger", f"key:{NS}.risks"), ("backup", f"key:{NS}.risks"),
                 ("count", "count"), ("start", "date"), ("end", "date")))]
    backup = v.data["backup_product"]
    if backup is not None:
        blocks.append(Callout(t("risks.backup_event", product=backup["name"],
                                price=v.f("backup_product.price", "money_exact"))))
    if len(v.figures.tables["stock_risks"]):
        blocks.append(Table("stock_risks", t("risks.stock_caption"), labels=(
            ("event", t("risks.event")), ("product", t("risks.product")), ("on_hand", t("risks.on_hand")),
            ("needed", t("risks.needed")), ("chance", t("risks.chance"))),
            formats=(*EVENT, ("on_hand", "count"), ("needed", "count"), ("chance", "share"))))
    return v.section("risks", *blocks)


LADDER_FORMATS = (("step", f"key:{NS}.step"), ("tag", f"key:{NS}.role"), ("price", "money"), ("event_price", "money"),
                  ("margin", "money"), ("units_p50", "count"), ("stock_needed", "count"), ("stock_on_hand", "count"))


def event_briefs(v: View) -> Section:
    """One brief per event: its dates, mechanics, targets and stock, then its products and prices."""
    t, f, ev = v.t, v.f, v.ev
    scheme_kw = {"threshold": f("spend_threshold", "money_exact"), "off": f("spend_off", "money_exact")}
    blocks: list[object] = []
    for e in v.model.events:
        if e.discount:
            gift = v.data["gifts"][e.key] or "—"
            mech = t("brief.mechanics", schemes=" ".join(t(f"scheme.{x}", gift=gift, **scheme_kw) for x in e.schemes))
        else:
            mech = t("brief.theme_mechanics")
        count_products = v.model.event_rows[e.key]["ladder_products"]
        stock = (t("brief.stock", units=ev(e.key, "stock_units"), count=ev(e.key, "ladder_products"))
                 if count_products else t("brief.no_stock"))
        blocks.append(Rules(t("brief.heading", name=v.names[e.key], day=ev(e.key, "date", "date"),
                              type=v.type_text(e.discount)), (
            t("brief.theme", theme=v.themes[e.key]),
            t("brief.dates_one" if e.sale_days == 1 else "brief.dates", warmup=ev(e.key, "warmup_start", "date"),
              start=ev(e.key, "sale_start", "date"), end=ev(e.key, "sale_end", "date"), days=ev(e.key, "sale_days")),
            mech,
            t("brief.target", sales=ev(e.key, "target_sales", "money"), members=ev(e.key, "target_members"),
              p50=ev(e.key, "sales_p50", "money"), p10=ev(e.key, "sales_p10", "money"),
              p90=ev(e.key, "sales_p90", "money")),
            stock,
        )))
        if count_products:
            blocks.append(Table(f"ladder_{e.key}", t("brief.ladder_caption", name=v.names[e.key]), labels=(
                ("step", t("brief.step")), ("product", t("brief.product")), ("tag", t("brief.tag")),
                ("price", t("brief.price")), ("event_price", t("brief.event_price")), ("margin", t("brief.margin")),
                ("units_p50", t("brief.units")), ("stock_needed", t("brief.stock_needed")),
                ("stock_on_hand", t("brief.on_hand"))), formats=LADDER_FORMATS))
    return v.section("events", *blocks, title=t("brief.title"))
