"""Charts of the zero-fan launch plan, each a named function of the plan's data (names from the catalogues)."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import i18n
from ..charts import (
    ACCENT,
    BAND,
    NARROW,
    PALETTE,
    WIDTH,
    category_axis,
    category_step,
    date_axis,
    title,
)
from ..plan import Plan
from .decision_words import rate_name

NS = "zero_fan_launch"


def _t(plan: Plan, key: str, **kw: object) -> str:
    return i18n.t(f"{NS}.{key}", plan.language, **kw)


def _date_axis(plan: Plan, dates) -> alt.X:
    fmt = "%m-%d" if plan.language == "zh" else "%d %b"
    return date_axis(_t(plan, "chart.date"), fmt, dates)


def chart_daily_growth(plan: Plan) -> alt.Chart:
    """Bands and lines: new participants and new fans per day."""
    keep = ["participants", "new_fans"]
    daily = plan.model.daily
    df = daily[daily["metric"].isin(keep)].copy()
    df["measure"] = df["metric"].map(lambda k: _t(plan, f"kpi.{k}"))
    df["date"] = pd.to_datetime(df["date"])
    base = alt.Chart(df).encode(
        x=_date_axis(plan, df["date"]),
        color=alt.Color("measure:N", title=_t(plan, "chart.metric"), sort=[_t(plan, f"kpi.{k}") for k in keep]),
    )
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("p10:Q", title=_t(plan, "chart.per_day")), y2="p90:Q")
    line = base.mark_line(point=True).encode(
        y="p50:Q",
        tooltip=[alt.Tooltip("date:T", title=_t(plan, "chart.date")), alt.Tooltip("measure:N"),
                 alt.Tooltip("p50:Q", format=",.0f"), alt.Tooltip("p10:Q", format=",.0f"),
                 alt.Tooltip("p90:Q", format=",.0f")],
    )
    return (band + line).properties(
        title=title(_t(plan, "chart.growth_title"), _t(plan, "chart.growth_subtitle")), height=200)


def chart_k_factor(plan: Plan) -> alt.Chart:
    """K-factor per day with its P10–P90 band and the K = 1 line."""
    daily = plan.model.daily
    df = daily[daily["metric"] == "k_factor"].copy()
    df["date"] = pd.to_datetime(df["date"])
    x = _date_axis(plan, df["date"])
    band = alt.Chart(df).mark_area(color=BAND, opacity=0.15).encode(
        x=x, y=alt.Y("p10:Q", title=_t(plan, "chart.k")), y2="p90:Q")
    line = alt.Chart(df).mark_line(color=BAND, point=True).encode(
        x=x, y="p50:Q", tooltip=[alt.Tooltip("date:T", title=_t(plan, "chart.date")),
                                 alt.Tooltip("p50:Q", format=".2f", title=_t(plan, "chart.k"))])
    one = alt.Chart(pd.DataFrame({"k": [1.0]})).mark_rule(color=ACCENT, strokeDash=[4, 3]).encode(y="k:Q")
    return (band + line + one).properties(
        title=title(_t(plan, "chart.k_title"), _t(plan, "chart.k_subtitle")), height=200)


def chart_points(plan: Plan) -> alt.Chart:
    """Bars: expected participants per points bracket, the ones over the threshold highlighted.

    The live panel redraws this on every change, so the data goes in as the records
    Altair would make of the table (`records`), and the mark, scale and title as the
    plain Vega-Lite they stand for (Altair checks each schema object as it is made;
    the whole spec is still checked when it is displayed): the same spec, a third of the time.
    """
    table = plan.tables["points_brackets"]
    yes, no = _t(plan, "chart.answer_yes"), _t(plan, "chart.answer_no")
    values = [{**row, "qualifies_label": yes if row["qualifies"] else no} for row in records(table)]
    threshold = plan.data["reward_threshold"]
    return alt.Chart(
        {"values": values},
        mark={"type": "bar"},
        encoding=alt.FacetedEncoding(
            x=alt.X("points:N", sort=[row["points"] for row in values], title=_t(plan, "chart.points"),
                    axis=alt.Axis(labelAngle=-90 if len(values) > 6 else 0)),
            y=alt.Y("participants:Q", title=_t(plan, "chart.participants")),
            color=alt.Color("qualifies_label:N", title=_t(plan, "chart.qualifies"),
                            scale={"domain": [no, yes], "range": [PALETTE[7], BAND]}),
            tooltip=[alt.Tooltip("points:N", title=_t(plan, "chart.points")),
                     alt.Tooltip("participants:Q", format=",.1f", title=_t(plan, "chart.participants")),
                     alt.Tooltip("share:Q", format=".1%")],
        ),
        title=title(_t(plan, "chart.points_title"), _t(plan, "chart.points_subtitle", threshold=threshold)),
        width=WIDTH,
        height=200,
    )


def records(df: pd.DataFrame) -> list[dict]:
    """A table of numbers, flags and text as the JSON records Altair makes of it (NaN and infinity → None)."""
    columns = []
    for name in df.columns:
        col = df[name].tolist()
        if df[name].dtype.kind == "f" or str(df[name].dtype) in ("str", "string"):
            col = [None if isinstance(v, float) and not math.isfinite(v) else v for v in col]
        columns.append(col)
    return [dict(zip(df.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def chart_tornado(plan: Plan) -> alt.Chart:
    """Tornado: new fans with each rate alone at its low and high end, widest swing on top."""
    tor = plan.tables["sensitivity"]
    low, high = _t(plan, "chart.low"), _t(plan, "chart.high")
    partners = [p["name"] for p in plan.data["partners"]]
    order = [rate_name(r, partners, plan.language) for r in tor["rate"]]
    rows = []
    for name, r in zip(order, tor.itertuples(index=False), strict=True):
        rows.append({"rate": name, "end": low, "from": r.base, "to": r.fans_at_low, "swing": r.swing})
        rows.append({"rate": name, "end": high, "from": r.base, "to": r.fans_at_high, "swing": r.swing})
    df = pd.DataFrame(rows, columns=["rate", "end", "from", "to", "swing"])
    base = float(tor["base"].iloc[0]) if len(tor) else 0.0
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("rate:N", sort=order, title=None, axis=category_axis(order)),
        x=alt.X("from:Q", title=_t(plan, "chart.new_fans"), axis=alt.Axis(tickCount=3)),
        x2="to:Q",
        color=alt.Color("end:N", title=_t(plan, "chart.end"), scale=alt.Scale(domain=[low, high],
                                                                               range=[PALETTE[1], BAND])),
        tooltip=[alt.Tooltip("rate:N", title=_t(plan, "chart.rate")), alt.Tooltip("end:N"),
                 alt.Tooltip("to:Q", format=",.0f", title=_t(plan, "chart.new_fans"))],
    )
    rule = alt.Chart(pd.DataFrame({"base": [base]})).mark_rule(color="#333").encode(x="base:Q")
    return (bars + rule).properties(
        title=title(_t(plan, "chart.tornado_title"), _t(plan, "chart.tornado_subtitle",
                                                         base=i18n.number(round(base)))),
        width=NARROW, height=alt.Step(category_step(order)))


def chart_mechanics(plan: Plan) -> alt.Chart:
    """Bars: each mechanic's weighted score, the recommended one highlighted."""
    df = plan.tables["mechanics"][["mechanic", "score", "rank"]].copy()
    df["mechanic_name"] = [_t(plan, f"mechanic.{k}") for k in df["mechanic"]]
    df["recommended"] = df["rank"] == 1
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("mechanic_name:N", sort=list(df["mechanic_name"]), title=None,
                    axis=category_axis(df["mechanic_name"])),
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 5]), title=_t(plan, "chart.score")),
            color=alt.condition("datum.recommended", alt.value(BAND), alt.value(PALETTE[7])),
            tooltip=[alt.Tooltip("mechanic_name:N", title=_t(plan, "chart.mechanic")),
                     alt.Tooltip("score:Q", format=".2f", title=_t(plan, "chart.score"))],
        )
        .properties(title=title(_t(plan, "chart.mechanics_title"), _t(plan, "chart.mechanics_subtitle")),
                    width=NARROW, height=alt.Step(category_step(df["mechanic_name"])))
    )
