"""The cadence plan's numbers, before any words: the model read into KPIs, tables, a timeline and data.

Every table holds machine values: numbers, dates, booleans and keys (an event's key, a goal's, a
month's number, a risk's). The view (`words.py`) names them through the table formats
(`key:<catalogue prefix>`, whose message may name other cells of its row, e.g. the anniversary's
`{brand_years}`); the merchant's own text (product names, a theme the consultant typed) is data
and stays as it is. Nothing here imports the message catalogues.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

import pandas as pd

from .. import daysoff
from ..figures import Figures, KpiFigure
from ..montecarlo import Band
from .model import GOALS, CadenceModel, build_model
from .money import cost_share, ledger
from .schema import Section
from .stock import frames

if TYPE_CHECKING:
    from ..loading import PlaybookParams

KINDS = {"sales": "money", "traffic": "count", "products": "count", "members": "count"}
HEADLINE = ("sales", "reach_sales", "members", "traffic", "discount_events")


def plan_figures(params: PlaybookParams) -> Figures:
    """The year's calendar as numbers: targets, forecast ranges, events, products, stock and risks."""
    s, m = params.section, params.merchant
    model = build_model(s, m.monthly_sales, params.data_path(s.catalogue), s.catalogue)
    years = brand_years(model, s)
    start = min([date(s.year, 1, 1), *(e.warmup_start for e in model.events)])
    tables = {
        "targets": targets_table(model, s),
        "monthly_themes": monthly_themes_table(model, s, years),
        "discount_costs": discount_costs_table(model, years),
        "warmups": warmups_table(model, years),
        "calendar": calendar_table(model, years),
        "monthly_targets": monthly_targets_table(model),
        "event_forecast": event_forecast_table(model, years),
        "potential_products": potential_products_table(model),
        "kpis": kpis_table(s),
    }
    tables["stock_risks"] = stock_risks_table(model, years)
    tables["risks"] = risks_table(model, s, len(tables["stock_risks"]))
    tables.update(ladder_tables(model))
    return Figures(
        start=start, end=date(s.year, 12, 31), seed=s.seed, simulations=s.simulations,
        kpis=kpi_figures(model), headline=HEADLINE, timeline=timeline(model), tables=tables,
        data={**plan_data(model, s, years), **merchant_data(params, model)}, model=model, ledger=ledger(model))


def brand_years(model: CadenceModel, s: Section) -> int | None:
    """The anniversary's count of years (the brand's age that day), or None without an anniversary event."""
    e = next((e for e in model.events if e.key == "anniversary"), None)
    return e.day.year - s.anniversary.year if e is not None and s.anniversary is not None else None


def kpi_figures(model: CadenceModel) -> dict[str, KpiFigure]:
    kpis = {goal: KpiFigure(model.annual[goal], KINDS[goal]) for goal in GOALS}
    reach = model.reach["sales"]
    kpis["reach_sales"] = KpiFigure(Band(reach, reach, reach), "share")
    n_disc = len(model.discount_events)
    kpis["discount_events"] = KpiFigure(Band(n_disc, n_disc, n_disc), "count")
    kpis["discount_cost"] = KpiFigure(model.discount_cost, "money")
    return kpis


# ---------------------------------------------------------------- the spine's tables


def targets_table(model: CadenceModel, s: Section) -> pd.DataFrame:
    """Each sub-goal's target and forecast; `range` names the cells its range is read from."""
    rows = []
    for g in GOALS:
        band = model.annual[g]
        money = g == "sales"
        rows.append({"goal": g, "key": g, "target": getattr(s.targets, g), "forecast_p50": band.p50,
                     "range": "money" if money else "count", "reach": model.reach[g],
                     "forecast_p10": band.p10, "forecast_p90": band.p90,
                     "money_p10": band.p10 if money else None, "money_p90": band.p90 if money else None})
    return table(rows)


def monthly_themes_table(model: CadenceModel, s: Section, years: int | None) -> pd.DataFrame:
    """Each month's theme (its number: the catalogue's; `own`: the consultant's) and its events' keys."""
    rows = []
    for month in range(1, 13):
        own = s.monthly_themes.get(month)
        rows.append({"month": month, "theme": "own" if own else month, "own_theme": own or None,
                     "events": [e.key for e in model.events if e.day.month == month and e.day.year == s.year],
                     "brand_years": years})
    return table(rows)


def discount_costs_table(model: CadenceModel, years: int | None) -> pd.DataFrame:
    rows = []
    for e in model.discount_events:
        schemes = list(e.schemes)
        rows.append({"event": e.key, "schemes": len(schemes), "markdown_p50": model.event_rows[e.key]["markdown_p50"],
                     "scheme_1": schemes[0] if schemes else None, "scheme_2": schemes[1] if len(schemes) > 1 else None,
                     "brand_years": years})
    return table(rows, columns=["event", "schemes", "markdown_p50", "scheme_1", "scheme_2", "brand_years"])


def warmups_table(model: CadenceModel, years: int | None) -> pd.DataFrame:
    return table([
        {"event": e.key, "warmup_start": e.warmup_start, "notice": e.sale_start - timedelta(days=1),
         "sale_start": e.sale_start, "last_call": e.sale_end,
         "channels": "channels_discount" if e.discount else "channels_theme", "brand_years": years}
        for e in model.events])


def calendar_table(model: CadenceModel, years: int | None) -> pd.DataFrame:
    return table([
        {"event": e.key, "kind": e.kind, "date": e.day, "warmup_start": e.warmup_start, "sale_start": e.sale_start,
         "sale_end": e.sale_end, "type": "discount_yes" if e.discount else "discount_no",
         "theme": "own" if e.theme else e.key, "own_theme": e.theme or None, "discount": e.discount,
         "brand_years": years}
        for e in model.events])


def timeline(model: CadenceModel) -> list[dict]:
    """The dated events (ISO dates; `theme`: the consultant's own theme, None for the catalogue's)."""
    return [{"date": e.day.isoformat(), "warmup_start": e.warmup_start.isoformat(), "kind": e.kind, "key": e.key,
             "sale_start": e.sale_start.isoformat(), "sale_end": e.sale_end.isoformat(), "discount": e.discount,
             "schemes": list(e.schemes), "theme": e.theme or None}
            for e in model.events]


def monthly_targets_table(model: CadenceModel) -> pd.DataFrame:
    """The twelve months' targets and forecast, then the year (month 0)."""
    months = model.monthly_rows
    total = {"month": 0, **{g: sum(r[g] for r in months) for g in GOALS},
             "sales_p10": model.annual["sales"].p10, "sales_p50": model.annual["sales"].p50,
             "sales_p90": model.annual["sales"].p90}
    return table({
        "month": [r["month"] for r in months] + [0],
        **{c: [r[c] for r in months] + [total[c]] for c in (*GOALS, "sales_p10", "sales_p50", "sales_p90")}})


def event_forecast_table(model: CadenceModel, years: int | None) -> pd.DataFrame:
    ev_rows = list(model.event_rows.values())
    return table({
        "event": [r["key"] for r in ev_rows],
        **{c: [float(r[c]) if c == "target_sales" else r[c] for r in ev_rows]  # whole units: shown without cents
           for c in (ev_rows[0] if ev_rows else {})},
        "brand_years": [years] * len(ev_rows)})


def potential_products_table(model: CadenceModel) -> pd.DataFrame:
    top = model.ranked_products[:12]
    return table({c: [p[c] for p in top] for c in ("sku", "name", "category", "score", "role", "monthly_sales",
                                                  "sales_growth")})


def kpis_table(s: Section) -> pd.DataFrame:
    """The KPIs to track: each a key, its target (a key whose message names the month's average)."""
    sales, members = s.targets.sales / 12, s.targets.members / 12
    rows = [("monthly_sales", "per_month_money"), ("fixture", "none"), ("event_sales", "none"),
            ("sell_through", "sell_through"), ("members", "per_month_count"), ("unsubscribe", "none")]
    return table([{"kpi": k, "target": target, "how": k, "per_month_money": sales if k == "monthly_sales" else None,
                   "per_month_count": members if k == "members" else None} for k, target in rows])


def stock_risks_table(model: CadenceModel, years: int | None) -> pd.DataFrame:
    rows = []
    for e in model.events:
        lad = model.ladder_columns[e.key]
        for i, risk in enumerate(lad.get("stockout_risk", ())):
            if not math.isnan(risk) and risk > 0.1:
                rows.append({"event": e.key, "product": lad["product"][i], "on_hand": lad["stock_on_hand"][i],
                             "needed": lad["stock_needed"][i], "chance": risk, "brand_years": years})
    return table(rows, columns=["event", "product", "on_hand", "needed", "chance", "brand_years"])


def risks_table(model: CadenceModel, s: Section, stock_risks: int) -> pd.DataFrame:
    """The risks, each a key (its sign and backup are `<key>_sign`, `<key>_backup`), with the cells its
    message names: how many stock risks, when couriers stop over the Spring Festival."""
    rows: list[dict] = [{"risk": "fatigue"}, {"risk": "stockout", "count": stock_risks}]
    sf = next((e.day for e in model.events if e.key == "spring_festival"), None)
    if sf is not None:
        off = [d for d in model.holidays if abs((d - sf).days) <= 10]
        lo, hi = (min(off), max(off)) if off else (sf - timedelta(days=1), sf + timedelta(days=6))
        rows.append({"risk": "courier", "start": lo, "end": hi})
    rows += [{"risk": "target"}, {"risk": "clash"}]
    if any(a.activity in ("hot_bargain", "group_buy") for a in s.weekly_activities) or any(
            "group_buy" in e.schemes for e in model.events):
        rows.append({"risk": "platform"})
    return table([{"risk": r["risk"], "trigger": f"{r['risk']}_sign", "backup": f"{r['risk']}_backup",
                   "count": r.get("count"), "start": r.get("start"), "end": r.get("end")} for r in rows])


def ladder_tables(model: CadenceModel) -> dict[str, pd.DataFrame]:
    """Each event's products and prices (`ladder_<event>`; an empty table for an event without products)."""
    made = frames(model.ladder_columns)
    return {f"ladder_{e.key}": made[e.key] if e.key in made else table([]) for e in model.events}


# ---------------------------------------------------------------- the playbook's own plan.json fields


def merchant_data(params: PlaybookParams, model: CadenceModel) -> dict:
    """The merchant's and the section's figures the words state (each read from here, never copied)."""
    s, m = params.section, params.merchant
    months = model.monthly_rows
    return {
        "fans": m.fans,
        "budget": m.budget,
        "monthly_sales": m.monthly_sales,
        "warmup_days": s.warmup_days,
        "min_days_between_discounts": s.min_days_between_discounts,
        "fixed_cost_per_event": s.fixed_cost_per_event,
        "fixed_costs": model.fixed_cost,
        "baseline_growth": {"low": s.baseline_growth.low, "high": s.baseline_growth.high},
        "event_count": len(model.events),
        "cost_share": round(cost_share(model), 4),
        # the months' expected sales are each the middle of that month's own range: their sum is not
        # the year's expected sales (kpis.sales.p50), and the forecast says so with both figures
        "monthly_sales_p50_sum": round(sum(r["sales_p50"] for r in months), 2),
    }



def plan_data(model: CadenceModel, s: Section, years: int | None) -> dict:
    threshold, off = spend_threshold(model.average_order_value)
    backup = backup_product(model, s.value_discount)
    return {
        "year": s.year,
        "premium": model.premium,
        "average_order_value": model.average_order_value,
        "max_discount_events_per_month": model.month_cap,
        "max_discount_events_per_year": model.year_cap,
        # sales as a float: whole units, shown without cents (a money figure that is not a price)
        "targets": {g: float(s.targets.sales) if g == "sales" else getattr(s.targets, g) for g in GOALS},
        "monthly_targets": [{"month": int(r["month"]), **{g: int(r[g]) for g in GOALS}} for r in model.monthly_rows],
        "reach": model.reach,
        "weekly_activities": [{"date": d.isoformat(), "activity": a} for d, a in model.weekly],
        "monthly_themes": {month: s.monthly_themes.get(month) or None for month in range(1, 13)},
        "potential_products": model.potential_skus,
        "ladders": {k: [{c: cols[c][i] for c in ("step", "sku", "event_price", "stock_needed")}
                        for i in range(len(cols["sku"]))]
                    for k, cols in model.ladder_columns.items() if cols},
        # what the plan's words state, each computed once here
        "brand_years": years,
        "spend_threshold": threshold,
        "spend_off": off,
        "gifts": {e.key: gift(model.ladder_columns[e.key]) for e in model.discount_events},
        "backup_product": None if backup is None else {"name": backup[0], "price": backup[1]},
        "products_at_cost": sum(1 for cols in model.ladder_columns.values() if cols
                                for margin in cols["margin"] if margin <= 0),
        "potential_count": sum(1 for p in model.ranked_products if p["role"] == "potential"),
        "hot_count": sum(1 for p in model.ranked_products if p["role"] == "hot"),
        "weekly_days": len(model.weekly),
        # official days off (weekly fixtures skip them, the baseline knows them) and the pre-sale starts
        "days_off": {**daysoff.summary(date(s.year, 1, 1), date(s.year, 12, 31)), "presales": daysoff.presales()},
    }


def spend_threshold(aov: Decimal) -> tuple[Decimal, Decimal]:
    """A spend-and-save threshold a notch above the average order (1.5×, to the next 10) and 10% off it."""
    threshold = (aov * Decimal("1.5") / 10).to_integral_value(rounding=ROUND_CEILING) * 10
    off = max(Decimal(5), (threshold / 10).to_integral_value())
    return threshold, off


def gift(ladder: dict[str, list]) -> str | None:
    """The ladder's first draw item: the gift a spend-and-get scheme hands out (None without one)."""
    for step, product in zip(ladder.get("step", ()), ladder.get("product", ()), strict=True):
        if step == "draw":
            return str(product)
    return None


def backup_product(model: CadenceModel, cut: float) -> tuple[str, Decimal] | None:
    """The best-scoring potential product at its value price, for a month that runs under target."""
    row = next((p for p in model.ranked_products if p["role"] == "potential"), None)
    if row is None:
        return None
    price = (row["price"] * Decimal(str(1 - cut))).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return str(row["name"]), max(price, row["cost"]).quantize(Decimal("0.01"))


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
