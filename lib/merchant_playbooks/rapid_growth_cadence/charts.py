"""Charts of the cadence plan, each a named function of the plan's data."""

from __future__ import annotations

import math
from datetime import timedelta

import altair as alt
import pandas as pd

from .. import i18n
from ..charts import (
    ACCENT,
    BAND,
    NARROW,
    PALETTE,
    ChartSpec,
    category_axis,
    category_step,
    framed_spec,
    money_axis,
    title,
)
from ..plan import Plan
from .view import event_name

NS = "rapid_growth_cadence"


def _t(plan: Plan, key: str, **kw: object) -> str:
    return i18n.t(f"{NS}.{key}", plan.language, **kw)


def _name(plan: Plan, key: str) -> str:
    return event_name(key, plan.data["brand_years"], plan.language)


def _month_name(plan: Plan, month: int) -> str:
    return _t(plan, f"month.{month}")  # 0: the year (the total row)


def _date_format(plan: Plan) -> str:
    return "%-m月" if plan.language == "zh" else "%b"


def calendar_data(plan: Plan) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tidy rows for the year chart: spans (warm-ups and sales), festival days, weekly fixture days."""
    spans, days = [], []
    for row in plan.timeline:
        lane = _name(plan, row["key"])
        sale_start, sale_end = pd.Timestamp(row["sale_start"]), pd.Timestamp(row["sale_end"])
        warm = pd.Timestamp(row["warmup_start"])
        if warm < sale_start:
            spans.append({"lane": lane, "start": warm, "end": sale_start, "phase": _t(plan, "chart.phase_warmup")})
        phase = "chart.phase_discount" if row["discount"] else "chart.phase_theme"
        spans.append({"lane": lane, "start": sale_start, "end": sale_end + timedelta(days=1),
                      "phase": _t(plan, phase)})
        days.append({"lane": lane, "date": pd.Timestamp(row["date"])})
    weekly = pd.DataFrame([{"lane": _t(plan, "chart.weekly_lane"), "date": pd.Timestamp(w["date"])}
                           for w in plan.data["weekly_activities"]], columns=["lane", "date"])
    return pd.DataFrame(spans), pd.DataFrame(days), weekly


def chart_year_calendar(plan: Plan) -> alt.Chart:
    """Year at a glance: one lane per event (warm-up, sale, festival day) and a lane of weekly fixture days."""
    spans, days, weekly = calendar_data(plan)
    year = plan.data["year"]
    lanes = [_name(plan, row["key"]) for row in plan.timeline] + [_t(plan, "chart.weekly_lane")]
    phases = [_t(plan, k) for k in ("chart.phase_warmup", "chart.phase_discount", "chart.phase_theme")]
    x_scale = alt.Scale(domain=[f"{year}-01-01", f"{year + 1}-01-01"])
    x = alt.X("start:T", title=None, scale=x_scale, axis=alt.Axis(format=_date_format(plan), tickCount={"interval": "month", "step": 2}))
    y = alt.Y("lane:N", title=None, sort=lanes, scale=alt.Scale(domain=lanes), axis=category_axis(lanes))
    bars = alt.Chart(spans).mark_bar(clip=True, cornerRadius=2, height=11).encode(
        x=x, x2="end:T", y=y,
        color=alt.Color("phase:N", title=_t(plan, "chart.phase"),
                        scale=alt.Scale(domain=phases, range=["#cfe3e5", BAND, PALETTE[4]])),
        tooltip=[alt.Tooltip("lane:N", title=_t(plan, "chart.lane")), alt.Tooltip("phase:N", title=_t(plan, "chart.phase")),
                 alt.Tooltip("start:T", format="%Y-%m-%d"), alt.Tooltip("end:T", format="%Y-%m-%d")],
    )
    dots = alt.Chart(days).mark_point(filled=True, color=ACCENT, size=40, clip=True).encode(
        x=alt.X("date:T", scale=x_scale), y=y, tooltip=[alt.Tooltip("lane:N"), alt.Tooltip("date:T", format="%Y-%m-%d")])
    ticks = alt.Chart(weekly).mark_tick(color=PALETTE[2], thickness=1.5, size=12).encode(
        x=alt.X("date:T", scale=x_scale), y=y)
    return (bars + dots + ticks).properties(
        title=title(_t(plan, "chart.calendar_title"), _t(plan, "chart.calendar_subtitle")),
        width=NARROW, height=max(160, category_step(lanes) * len(lanes)))


def _monthly_frame(plan: Plan) -> pd.DataFrame:
    """The monthly targets chart's data: the twelve months (not the total row), sales as numbers, and
    each month's name."""
    df = plan.tables["monthly_targets"]
    df = df[df["month"] > 0].copy()
    df["sales"] = df["sales"].astype(float)
    df["month_name"] = [_month_name(plan, m) for m in df["month"]]
    return df


def chart_monthly_targets(plan: Plan) -> alt.Chart:
    """Bars: each month's sales target; dot and whisker: the forecast's P50 and P10–P90."""
    df = _monthly_frame(plan)
    months = list(df["month_name"])
    symbol = i18n.CURRENCY_SYMBOLS.get(plan.currency, plan.currency)
    x = alt.X("month_name:O", title=None, sort=months)
    y_title = _t(plan, "chart.sales", symbol=symbol)
    bars = alt.Chart(df).mark_bar(color="#cfe3e5").encode(
        x=x, y=alt.Y("sales:Q", title=y_title, axis=money_axis(plan.language)),
        tooltip=[alt.Tooltip("month_name:O", title=_t(plan, "chart.month")),
                 alt.Tooltip("sales:Q", format=",.0f", title=_t(plan, "chart.target")),
                 alt.Tooltip("sales_p50:Q", format=",.0f", title=_t(plan, "chart.forecast"))])
    whisker = alt.Chart(df).mark_rule(color=BAND, strokeWidth=2).encode(x=x, y="sales_p10:Q", y2="sales_p90:Q")
    dot = alt.Chart(df).mark_point(filled=True, color=ACCENT, size=50).encode(x=x, y="sales_p50:Q")
    return (bars + whisker + dot).properties(
        title=title(_t(plan, "chart.monthly_title"), _t(plan, "chart.monthly_subtitle")), height=200)


def chart_event_forecast(plan: Plan) -> alt.Chart:
    """Each event's sales: P10–P90 bar, P50 dot and the event's target as a tick."""
    df = plan.tables["event_forecast"][["event", "target_sales", "sales_p10", "sales_p50", "sales_p90"]].copy()
    df["target_sales"] = df["target_sales"].astype(float)
    df["event"] = [_name(plan, key) for key in df["event"]]
    order = list(df["event"])
    symbol = i18n.CURRENCY_SYMBOLS.get(plan.currency, plan.currency)
    y = alt.Y("event:N", title=None, sort=order, axis=category_axis(order))
    x_title = _t(plan, "chart.sales", symbol=symbol)
    band = alt.Chart(df).mark_bar(color=BAND, opacity=0.35, height=10).encode(
        x=alt.X("sales_p10:Q", title=x_title, axis=money_axis(plan.language)), x2="sales_p90:Q", y=y,
        tooltip=[alt.Tooltip("event:N"), alt.Tooltip("sales_p10:Q", format=",.0f"),
                 alt.Tooltip("sales_p50:Q", format=",.0f"), alt.Tooltip("sales_p90:Q", format=",.0f"),
                 alt.Tooltip("target_sales:Q", format=",.0f", title=_t(plan, "chart.target"))])
    dot = alt.Chart(df).mark_point(filled=True, color=BAND, size=45).encode(x="sales_p50:Q", y=y)
    tick = alt.Chart(df).mark_tick(color=ACCENT, thickness=2, size=16).encode(x="target_sales:Q", y=y)
    return (band + dot + tick).properties(
        title=title(_t(plan, "chart.events_title"), _t(plan, "chart.events_subtitle")),
        width=NARROW, height=max(160, category_step(order) * len(order)))


# ---------------------------------------------------------------- the live panel's copy of the monthly chart


def monthly_targets_spec(plan: Plan) -> ChartSpec:
    """`chart_monthly_targets(plan).to_dict()` without Altair's cost on every lever move.

    Everything in that chart but its twelve data rows follows from the language and the
    currency (titles, month names, tooltips, the theme), so Altair writes that frame once
    per language, currency and theme; each plan then only puts its rows in, under the
    dataset name Altair would give them. tests/test_rapid_growth_cadence.py holds the two equal.
    """
    return framed_spec(plan, chart_monthly_targets, _monthly_records(plan))


monthly_targets_spec.__wrapped__ = chart_monthly_targets  # the chart it is (README's panel table describes that one)


def _monthly_records(plan: Plan) -> list[dict]:
    """The rows Altair's data transformer makes of `_monthly_frame(plan)` (JSON types, NaN as null)."""
    df = plan.tables["monthly_targets"]
    cols = {c: df[c].tolist() for c in df.columns}
    out = []
    for i, month in enumerate(cols["month"]):
        if month <= 0:
            continue
        row = {}
        for c, values in cols.items():
            v = values[i]
            if c == "sales":
                v = float(v)
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            row[c] = v
        row["month_name"] = _month_name(plan, month)
        out.append(row)
    return out
