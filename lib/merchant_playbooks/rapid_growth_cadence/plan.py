"""The cadence plan: the year's calendar laid out on the playbook spine, in the merchant's language."""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pandas as pd

from .. import i18n
from ..compliance import compliance_section
from ..loading import PlaybookParams
from ..montecarlo import Band
from ..plan import Bullets, Callout, Kpi, KpiGrid, Para, Plan, Rules, Section, Table, new_plan
from .calendar import Event
from .compliance import uses
from .model import GOALS, CadenceModel, build_model
from .review import add_review
from .stock import frames

NS = "rapid_growth_cadence"


def build_plan(params: PlaybookParams) -> Plan:
    s, m, lang = params.section, params.merchant, params.lang
    model = build_model(s, m.monthly_sales, params.data_path(s.catalogue), s.catalogue)

    def t(key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", lang, **kw)

    def money(v: Decimal | float, decimals: int = 0) -> str:
        return i18n.money(v, m.currency, lang, decimals=decimals)

    def count(v: float) -> str:
        return i18n.number(round(v))

    def day(d: date) -> str:
        return i18n.short_day(d, lang)

    def band_text(b: Band, fmt) -> str:
        return f"{fmt(b.p10)} – {fmt(b.p90)}"

    names = {e.key: event_name(e, s.anniversary, lang) for e in model.events}
    themes = {e.key: e.theme or t(f"event_theme.{e.key}") for e in model.events}
    start = min([date(s.year, 1, 1), *(e.warmup_start for e in model.events)])
    plan = new_plan(params, t("title", year=s.year), start, date(s.year, 12, 31), s.seed, s.simulations)
    plan.model = model
    event_rows = model.event_rows  # plain rows: a catalogue and a year are small, pandas would cost more

    # -- KPIs
    kinds = {"sales": "money", "traffic": "count", "products": "count", "members": "count"}
    for goal in GOALS:
        plan.kpis[goal] = Kpi(goal, t(f"kpi.{goal}"), model.annual[goal], kinds[goal])
    reach = model.reach["sales"]
    plan.kpis["reach_sales"] = Kpi("reach_sales", t("kpi.reach_sales"), Band(reach, reach, reach), "share")
    n_disc = len(model.discount_events)
    plan.kpis["discount_events"] = Kpi("discount_events", t("kpi.discount_events"),
                                       Band(n_disc, n_disc, n_disc), "count")
    plan.kpis["discount_cost"] = Kpi("discount_cost", t("kpi.discount_cost"), model.discount_cost, "money")
    plan.headline = ("sales", "reach_sales", "members", "traffic", "discount_events")

    def sec(key: str, *blocks: object, title: str | None = None) -> None:
        plan.sections[key] = Section(key, title or i18n.t(f"common.section.{key}", lang), list(blocks))

    # -- stage and goal
    targets = s.targets
    plan.tables["targets"] = table([
        {"goal": t(f"goal_name.{g}"), "key": g, "target": getattr(targets, g), "forecast_p50": model.annual[g].p50,
         "range": band_text(model.annual[g], money if g == "sales" else count), "reach": model.reach[g]}
        for g in GOALS])
    verdict = (Callout(t("goal.ambitious", share=i18n.percent(reach, 0)), "warning") if reach < 0.5
               else Callout(t("goal.comfortable", share=i18n.percent(reach, 0))))
    sec("goal",
        Para(t("goal.text", year=s.year, merchant=m.name, sales=money(targets.sales), traffic=count(targets.traffic),
               products=count(targets.products), members=count(targets.members), events=len(model.events),
               discounts=n_disc)),
        Para(t("goal.why")),
        KpiGrid(plan.headline),
        Table("targets", t("goal.table_caption"), labels=(
            ("goal", t("goal.goal")), ("target", t("goal.target")), ("forecast_p50", t("goal.forecast")),
            ("range", t("goal.range")), ("reach", t("goal.reach"))),
            formats=(("target", "count"), ("forecast_p50", "count"), ("reach", "share"))),
        verdict)

    # -- audience
    positioning = "premium" if model.premium else "mass"
    sec("audience", Bullets((
        t("audience.fans", fans=count(m.fans)),
        t("audience.old"),
        t("audience.new"),
        t(f"audience.{positioning}", aov=money(model.average_order_value, 2), month_cap=model.month_cap,
          year_cap=model.year_cap),
    )))

    # -- mechanics: weekly fixtures, monthly themes, discount rules
    weekly_rules = tuple(
        t("mechanics.weekly_rule", weekday=t(f"weekday_long.{a.weekday}"), activity=t(f"weekly.{a.activity}"))
        for a in s.weekly_activities)
    month_rows = []
    for month in range(1, 13):
        in_month = [names[e.key] for e in model.events if e.day.month == month and e.day.year == s.year]
        month_rows.append({"month": month, "month_name": t(f"month.{month}"),
                           "theme": s.monthly_themes.get(month) or t(f"month_theme.{month}"),
                           "events": ", ".join(in_month) if lang == "en" else "、".join(in_month)})
    plan.tables["monthly_themes"] = table(month_rows)
    changes = [t(f"note.{e.note}", event=names[e.key], start=day(e.sale_start), end=day(e.sale_end),
                 other=names.get(e.note_other, e.note_other),
                 cap=model.month_cap if e.note == "month_cap" else model.year_cap)
               for e in model.events if e.note]
    blocks: list[object] = []
    if weekly_rules:
        blocks += [Rules(t("mechanics.weekly_title"), weekly_rules),
                   Para(t("mechanics.weekly_pause", count=len(model.weekly)))]
    blocks += [
        Table("monthly_themes", t("mechanics.themes_caption"), labels=(
            ("month_name", t("mechanics.month")), ("theme", t("mechanics.theme")), ("events", t("mechanics.events")))),
        Rules(t("mechanics.rules_title"), (
            t("mechanics.rule_schemes"),
            t("mechanics.rule_overlap", gap=s.min_days_between_discounts),
            t("mechanics.rule_month", cap=model.month_cap),
            t("mechanics.rule_year", cap=model.year_cap, count=n_disc),
            t("mechanics.rule_warmup", days=s.warmup_days))),
    ]
    if changes:
        blocks.append(Para(t("mechanics.changes")))
        blocks.append(Bullets(tuple(changes)))
    sec("mechanics", *blocks)

    # -- rewards and their cost
    threshold, off = _spend_threshold(model.average_order_value)
    scheme_kw = {"threshold": money(threshold), "off": money(off)}
    rows = []
    for e in model.discount_events:
        row = event_rows[e.key]
        rows.append({"event": names[e.key], "schemes": " + ".join(t(f"scheme_name.{x}") for x in e.schemes),
                     "markdown_p50": row["markdown_p50"]})
    plan.tables["discount_costs"] = table(rows, columns=["event", "schemes", "markdown_p50"])
    fixed = model.fixed_cost
    cost_blocks: list[object] = [
        Table("discount_costs", t("rewards.caption"), labels=(
            ("event", t("rewards.event")), ("schemes", t("rewards.schemes")), ("markdown_p50", t("rewards.markdown"))),
            formats=(("markdown_p50", "money"),)),
        Para(t("rewards.total", cost=money(model.discount_cost.p50), low=money(model.discount_cost.p10),
               high=money(model.discount_cost.p90), fixed=money(fixed), per=money(s.fixed_cost_per_event))),
    ]
    cost_blocks.append(Callout(t("rewards.budget_ok", budget=money(m.budget))) if fixed <= m.budget
                       else Callout(t("rewards.budget_over", fixed=money(fixed), budget=money(m.budget)), "warning"))
    at_cost = sum(1 for cols in model.ladder_columns.values() if cols for margin in cols["margin"] if margin <= 0)
    if at_cost:
        cost_blocks.append(Callout(t("rewards.negative_margin", count=at_cost), "warning"))
    sec("rewards", *cost_blocks)

    # -- channels and warm-up
    plan.tables["warmups"] = table([
        {"event": names[e.key], "warmup_start": e.warmup_start, "notice": e.sale_start - timedelta(days=1),
         "sale_start": e.sale_start, "last_call": e.sale_end,
         "channels": t("channels.channels_discount" if e.discount else "channels.channels_theme")}
        for e in model.events])
    sec("channels", Para(t("channels.intro", days=s.warmup_days)),
        Table("warmups", labels=(("event", t("channels.event")), ("warmup_start", t("channels.warmup")),
                                 ("notice", t("channels.notice")), ("sale_start", t("channels.sale")),
                                 ("last_call", t("channels.last_call")), ("channels", t("channels.channels"))),
              formats=(("warmup_start", "date"), ("notice", "date"), ("sale_start", "date"), ("last_call", "date"))))

    # -- timeline: the calendar and the monthly targets
    cal_rows, timeline = [], []
    for e in model.events:
        kind_text = t(f"kind.{e.kind}")
        type_text = t("discount_yes") if e.discount else t("discount_no")
        cal_rows.append({"event": names[e.key], "kind": kind_text, "date": e.day, "warmup_start": e.warmup_start,
                         "sale_start": e.sale_start, "sale_end": e.sale_end, "type": type_text,
                         "theme": themes[e.key]})
        timeline.append({"date": e.day.isoformat(), "warmup_start": e.warmup_start.isoformat(), "name": names[e.key],
                         "kind": e.kind, "key": e.key, "sale_start": e.sale_start.isoformat(),
                         "sale_end": e.sale_end.isoformat(), "discount": e.discount, "schemes": list(e.schemes),
                         "theme": themes[e.key]})
    plan.timeline = timeline
    plan.tables["calendar"] = table(cal_rows)
    months = model.monthly_rows
    total = {"month": 0, **{g: sum(r[g] for r in months) for g in GOALS},
             "sales_p10": model.annual["sales"].p10, "sales_p50": model.annual["sales"].p50,
             "sales_p90": model.annual["sales"].p90}
    plan.tables["monthly_targets"] = table({
        "month": [r["month"] for r in months] + [0],
        "month_name": [t(f"month.{r['month']}") for r in months] + [t("timeline.total")],
        **{c: [r[c] for r in months] + [total[c]] for c in (*GOALS, "sales_p10", "sales_p50", "sales_p90")}})
    goal_labels = tuple((g, t(f"goal_name.{g}")) for g in GOALS)
    sec("timeline",
        Table("calendar", t("timeline.calendar_caption"), labels=(
            ("event", t("timeline.event")), ("kind", t("timeline.kind")), ("date", t("timeline.day")),
            ("warmup_start", t("timeline.warmup")), ("sale_start", t("timeline.sale_start")),
            ("sale_end", t("timeline.sale_end")), ("type", t("timeline.type")), ("theme", t("timeline.theme"))),
            formats=(("date", "date"), ("warmup_start", "date"), ("sale_start", "date"), ("sale_end", "date"))),
        Table("monthly_targets", t("timeline.monthly_caption"),
              labels=(("month_name", t("timeline.month")), *goal_labels),
              formats=tuple((g, "count") for g in GOALS)))

    # -- forecast
    ev_rows = list(event_rows.values())
    plan.tables["event_forecast"] = table({
        "event": [names[r["key"]] for r in ev_rows],
        **{c: [float(r[c]) if c == "target_sales" else r[c] for r in ev_rows]  # whole units: shown without cents
           for c in (ev_rows[0] if ev_rows else {})}})
    growth = s.baseline_growth
    sec("forecast",
        KpiGrid(()),
        Para(t("forecast.text", p50=money(model.annual["sales"].p50), p10=money(model.annual["sales"].p10),
               p90=money(model.annual["sales"].p90), run_rate=money(m.monthly_sales),
               growth=f"{i18n.percent(growth.low, 0)} – {i18n.percent(growth.high, 0)}")),
        Table("event_forecast", t("forecast.caption"), labels=(
            ("event", t("forecast.event")), ("target_sales", t("forecast.target")), ("sales_p10", t("forecast.p10")),
            ("sales_p50", t("forecast.p50")), ("sales_p90", t("forecast.p90")), ("stock_units", t("forecast.stock"))),
            formats=(("target_sales", "money"), ("sales_p10", "money"), ("sales_p50", "money"),
                     ("sales_p90", "money"), ("stock_units", "count"))))

    # -- the decision: which products to put in front
    top = model.ranked_products[:12]
    plan.tables["potential_products"] = table({
        **{c: [p[c] for p in top] for c in ("sku", "name", "category", "score", "role")},
        "role_label": [t(f"role.{p['role']}") for p in top],
        **{c: [p[c] for p in top] for c in ("monthly_sales", "sales_growth")}})
    n_pot = sum(1 for p in model.ranked_products if p["role"] == "potential")
    n_hot = sum(1 for p in model.ranked_products if p["role"] == "hot")
    sec("decision",
        Para(t("decision.text")),
        Table("potential_products", t("decision.caption"), labels=(
            ("name", t("decision.product")), ("category", t("decision.category")), ("score", t("decision.score")),
            ("role_label", t("decision.role")), ("monthly_sales", t("decision.sales")),
            ("sales_growth", t("decision.growth"))),
            formats=(("score", "number"), ("monthly_sales", "count"), ("sales_growth", "share"))),
        Para(t("decision.potential_count", count=n_pot, hot=n_hot)),
        title=t("decision.title"))

    # -- KPIs to track
    avg = lambda g: getattr(targets, g) / 12
    plan.tables["kpis"] = table([
        {"kpi": t("kpis.monthly_sales"), "target": t("kpis.per_month", value=money(avg("sales"))),
         "how": t("kpis.monthly_sales_how")},
        {"kpi": t("kpis.fixture"), "target": "—", "how": t("kpis.fixture_how")},
        {"kpi": t("kpis.event_sales"), "target": "—", "how": t("kpis.event_sales_how")},
        {"kpi": t("kpis.sell_through"), "target": "≥ 80%", "how": t("kpis.sell_through_how")},
        {"kpi": t("kpis.members"), "target": t("kpis.per_month", value=count(avg("members"))),
         "how": t("kpis.members_how")},
        {"kpi": t("kpis.unsubscribe"), "target": "—", "how": t("kpis.unsubscribe_how")},
    ])
    sec("kpis", Table("kpis", labels=(("kpi", t("kpis.kpi")), ("target", t("kpis.target")), ("how", t("kpis.how")))))

    # -- risks and backup plan
    stock_rows = []
    for e in model.events:
        lad = model.ladder_columns[e.key]
        for i, risk in enumerate(lad.get("stockout_risk", ())):
            if not math.isnan(risk) and risk > 0.1:
                stock_rows.append({"event": names[e.key], "product": lad["product"][i],
                                   "on_hand": lad["stock_on_hand"][i], "needed": lad["stock_needed"][i],
                                   "chance": risk})
    plan.tables["stock_risks"] = table(stock_rows, columns=["event", "product", "on_hand", "needed", "chance"])
    risk_rows = [("fatigue", {}), ("stockout", {"count": len(stock_rows)})]
    if "spring_festival" in names:
        sf = next(e for e in model.events if e.key == "spring_festival").day
        off = [d for d, name in model.holidays.items() if abs((d - sf).days) <= 10]
        lo, hi = (min(off), max(off)) if off else (sf - timedelta(days=1), sf + timedelta(days=6))
        risk_rows.append(("courier", {"start": day(lo), "end": day(hi)}))
    risk_rows += [("target", {}), ("clash", {})]
    if any(a.activity in ("hot_bargain", "group_buy") for a in s.weekly_activities) or any(
            "group_buy" in e.schemes for e in model.events):
        risk_rows.append(("platform", {}))
    plan.tables["risks"] = table([{"risk": t(f"risks.{k}", **kw), "trigger": t(f"risks.{k}_sign"),
                                          "backup": t(f"risks.{k}_backup")} for k, kw in risk_rows])
    risk_blocks: list[object] = [Table("risks", labels=(("risk", i18n.t("common.table.risk", lang)),
                                                        ("trigger", i18n.t("common.table.trigger", lang)),
                                                        ("backup", i18n.t("common.table.backup", lang))))]
    backup = _backup_product(model, s.value_discount)
    if backup is not None:
        risk_blocks.append(Callout(t("risks.backup_event", product=backup[0], price=money(backup[1], 2))))
    if stock_rows:
        risk_blocks.append(Table("stock_risks", t("risks.stock_caption"), labels=(
            ("event", t("risks.event")), ("product", t("risks.product")), ("on_hand", t("risks.on_hand")),
            ("needed", t("risks.needed")), ("chance", t("risks.chance"))),
            formats=(("on_hand", "count"), ("needed", "count"), ("chance", "share"))))
    sec("risks", *risk_blocks)

    # -- event briefs (one per event, after the spine)
    brief_blocks: list[object] = []
    ladder_tables = frames({k: {**cols, "step_label": [t(f"step.{x}") for x in cols["step"]],
                                "tag_label": [t(f"role.{x}") for x in cols["tag"]]} if cols else {}
                            for k, cols in model.ladder_columns.items()})
    for e in model.events:
        row = event_rows[e.key]
        cols = model.ladder_columns[e.key]
        type_text = t("discount_yes") if e.discount else t("discount_no")
        if e.discount:
            gift = _gift(cols)
            mech = t("brief.mechanics", schemes=" ".join(t(f"scheme.{x}", gift=gift, **scheme_kw) for x in e.schemes))
        else:
            mech = t("brief.theme_mechanics")
        name = f"ladder_{e.key}"
        count_products = len(cols["sku"]) if cols else 0
        plan.tables[name] = ladder_tables[e.key] if cols else table([])
        brief_blocks += [
            Rules(t("brief.heading", name=names[e.key], day=i18n.day(e.day, lang), type=type_text), (
                t("brief.theme", theme=themes[e.key]),
                t("brief.dates", warmup=day(e.warmup_start), start=day(e.sale_start), end=day(e.sale_end),
                  days=e.sale_days),
                mech,
                t("brief.target", sales=money(row["target_sales"]), members=count(row["target_members"]),
                  p50=money(row["sales_p50"]), p10=money(row["sales_p10"]), p90=money(row["sales_p90"])),
                t("brief.stock", units=count(row["stock_units"]), count=count_products),
            )),
        ]
        if count_products:
            brief_blocks.append(Table(name, t("brief.ladder_caption", name=names[e.key]), labels=(
                ("step_label", t("brief.step")), ("product", t("brief.product")), ("tag_label", t("brief.tag")),
                ("price", t("brief.price")), ("event_price", t("brief.event_price")), ("margin", t("brief.margin")),
                ("units_p50", t("brief.units")), ("stock_needed", t("brief.stock_needed")),
                ("stock_on_hand", t("brief.on_hand"))),
                formats=(("price", "money"), ("event_price", "money"), ("margin", "money"), ("units_p50", "count"),
                         ("stock_needed", "count"), ("stock_on_hand", "count"))))
    sec("events", *brief_blocks, title=t("brief.title"))

    plan.data = {
        "year": s.year,
        "premium": model.premium,
        "average_order_value": model.average_order_value,
        "max_discount_events_per_month": model.month_cap,
        "max_discount_events_per_year": model.year_cap,
        "targets": {g: getattr(targets, g) for g in GOALS},
        "monthly_targets": [{"month": int(r["month"]), **{g: int(r[g]) for g in GOALS}} for r in model.monthly_rows],
        "reach": model.reach,
        "weekly_activities": [{"date": d.isoformat(), "activity": a} for d, a in model.weekly],
        "monthly_themes": {int(r["month"]): r["theme"] for r in month_rows},
        "potential_products": model.potential_skus,
        "ladders": {k: [{c: cols[c][i] for c in ("step", "sku", "event_price", "stock_needed")}
                        for i in range(len(cols["sku"]))]
                    for k, cols in model.ladder_columns.items() if cols},
    }
    compliance_section(plan, uses(s, model.events))
    # -- review after the campaign: plan vs actual, ranges for the next plan (only with actuals:)
    add_review(plan, params)
    return plan


# ---------------------------------------------------------------- tables, made once per content

_TABLES: OrderedDict[str, pd.DataFrame] = OrderedDict()
_TABLES_KEPT = 96  # small frames: a plan has about thirty


def table(data: list[dict] | dict[str, list], columns: list[str] | None = None) -> pd.DataFrame:
    """`pd.DataFrame(data, columns=columns)`, kept for the next plan with the same content.

    A live panel rebuilds the plan on every move, and most of its tables (the KPIs to
    track, the products to feature, the calendar when only a rate moved) come out the same;
    pandas takes longer to make a small frame than the plan takes to fill it. The key is
    the content's repr, which tells 1 from 1.0, 1.0 from 1.00 (Decimal) and a number from
    a numpy number, so a cached frame is always the frame the data would make; callers get
    their own copy.
    """
    key = repr((data, columns))
    df = _TABLES.get(key)
    if df is None:
        df = pd.DataFrame(data, columns=columns)
        _TABLES[key] = df
        if len(_TABLES) > _TABLES_KEPT:
            _TABLES.popitem(last=False)
    else:
        _TABLES.move_to_end(key)
    return df.copy()


def event_name(e: Event, founded: date | None, lang: str) -> str:
    if e.key == "anniversary" and founded is not None:
        return i18n.t(f"{NS}.event.anniversary", lang, n=e.day.year - founded.year)
    return i18n.t(f"{NS}.event.{e.key}", lang)


def _spend_threshold(aov: Decimal) -> tuple[Decimal, Decimal]:
    """A spend-and-save threshold a notch above the average order (1.5×, to the next 10) and 10% off it."""
    threshold = (aov * Decimal("1.5") / 10).to_integral_value(rounding=ROUND_CEILING) * 10
    off = max(Decimal(5), (threshold / 10).to_integral_value())
    return threshold, off


def _gift(ladder: dict[str, list]) -> str:
    """The ladder's first draw item: the gift a spend-and-get scheme hands out."""
    for step, product in zip(ladder.get("step", ()), ladder.get("product", ()), strict=True):
        if step == "draw":
            return str(product)
    return "—"


def _backup_product(model: CadenceModel, cut: float) -> tuple[str, Decimal] | None:
    """The best-scoring potential product at its value price, for a month that runs under target."""
    row = next((p for p in model.ranked_products if p["role"] == "potential"), None)
    if row is None:
        return None
    price = (row["price"] * Decimal(str(1 - cut))).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return str(row["name"]), max(price, row["cost"]).quantize(Decimal("0.01"))


__all__ = ["build_plan"]
