"""Charts of the bargaining plan, each a named function of the plan's data."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import i18n
from ..charts import ACCENT, BAND, ChartSpec, date_axis, framed_spec, title
from ..figref import fig
from ..plan import Plan
from ..render import text_out

NS = "first_event_bargaining"


def _t(plan: Plan, key: str, **kw: object) -> str:
    return i18n.t(f"{NS}.{key}", plan.language, **kw)


def chart_cut_schedule(plan: Plan) -> alt.Chart:
    """Bars: what each helper cuts, largest first."""
    symbol = i18n.CURRENCY_SYMBOLS.get(plan.currency, plan.currency)
    df = plan.tables["cut_schedule"].assign(cut=lambda d: d["cut"].astype(float),
                                            price_after=lambda d: d["price_after"].astype(float))
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("helper:O", title=_t(plan, "chart.helper")),
            y=alt.Y("cut:Q", title=_t(plan, "chart.cut", symbol=symbol)),
            tooltip=[alt.Tooltip("helper:O", title=_t(plan, "chart.helper")),
                     alt.Tooltip("cut:Q", format=",.2f", title=_t(plan, "chart.cut", symbol=symbol)),
                     alt.Tooltip("price_after:Q", format=",.2f", title=_t(plan, "chart.price_after", symbol=symbol))],
        )
        .properties(title=title(_t(plan, "chart.cut_title"), _cut_subtitle(plan, len(df))), height=200)
    )


def _cut_subtitle(plan: Plan, helpers: int) -> str:
    """The prices and the helpers, read from plan.json like every other figure of the plan."""
    text = _t(plan, "chart.cut_subtitle", original=fig("original_price", "money_exact"),
              floor=fig("floor_price", "money_exact"), n=fig("helpers_needed"))
    return text_out(plan, text, html_out=False)


# ---------------------------------------------------------------- the live panel's copy of the cut schedule chart


def cut_schedule_spec(plan: Plan) -> ChartSpec | alt.Chart:
    """`chart_cut_schedule(plan).to_dict()` without Altair's cost on every lever move.

    Everything in that chart but its rows and its subtitle (the prices and the number of
    helpers) follows from the language and the currency (titles, tooltips, the theme), so
    Altair writes that frame once per language, currency and theme; each plan then puts in
    its subtitle and its rows, under the dataset name Altair would give them. With another
    data transformer than Altair's default the chart itself is returned.
    tests/test_first_event_bargaining.py holds the two equal.
    """
    table = plan.tables["cut_schedule"]
    # the rows Altair's default transformer makes of the chart's frame (cuts and prices as floats)
    rows = [{"helper": helper, "cut": float(cut), "price_after": float(price)} for helper, cut, price in
            zip(table["helper"].tolist(), table["cut"].tolist(), table["price_after"].tolist(), strict=True)]
    return framed_spec(plan, chart_cut_schedule, rows, subtitle=_cut_subtitle(plan, len(rows)))


cut_schedule_spec.__wrapped__ = chart_cut_schedule  # the chart it is (README's panel table describes that one)

def chart_daily_funnel(plan: Plan) -> alt.Chart:
    """Bands and lines: bargains started, orders and new followers per day."""
    daily = plan.model.daily
    keep = ["attempts", "orders", "new_followers"]
    df = daily[daily["metric"].isin(keep)].copy()
    df["measure"] = df["metric"].map(lambda k: _t(plan, f"kpi.{k}"))
    df["date"] = pd.to_datetime(df["date"])
    fmt = i18n.t("common.chart.day_format", plan.language)
    base = alt.Chart(df).encode(
        x=date_axis(_t(plan, "chart.date"), fmt, df["date"]),
        color=alt.Color("measure:N", title=_t(plan, "chart.metric"), sort=[_t(plan, f"kpi.{k}") for k in keep]),
    )
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("p10:Q", title=_t(plan, "chart.per_day")), y2="p90:Q")
    line = base.mark_line(point=True).encode(y="p50:Q")
    return (band + line).properties(
        title=title(_t(plan, "chart.funnel_title"), _t(plan, "chart.funnel_subtitle")), height=200
    )


def chart_helpers_tradeoff(plan: Plan) -> alt.Chart:
    """New followers by helpers needed, with the P10–P90 band; hollow where over budget."""
    df = plan.tables["decision"].copy()
    yes, no = _t(plan, "decision.answer_yes"), _t(plan, "decision.answer_no")
    df["within"] = df["within_budget"].map({True: yes, False: no})
    x = alt.X("helpers_needed:Q", title=_t(plan, "decision.helpers_needed"))
    band = alt.Chart(df).mark_area(color=BAND, opacity=0.15).encode(
        x=x, y=alt.Y("new_followers_p10:Q", title=_t(plan, "chart.followers")), y2="new_followers_p90:Q")
    line = alt.Chart(df).mark_line(color=BAND).encode(x=x, y="new_followers_p50:Q")
    points = alt.Chart(df).mark_point(size=60, color=BAND).encode(
        x=x, y="new_followers_p50:Q",
        fill=alt.Fill("within:N", scale=alt.Scale(domain=[yes, no], range=[BAND, "white"]),
                      title=_t(plan, "decision.within_budget")),
        tooltip=[alt.Tooltip("helpers_needed:Q", title=_t(plan, "decision.helpers_needed")),
                 alt.Tooltip("new_followers_p50:Q", format=",.0f", title=_t(plan, "decision.followers_p50")),
                 alt.Tooltip("completion_rate:Q", format=".0%", title=_t(plan, "decision.completion_rate")),
                 alt.Tooltip("cost_p90:Q", format=",.0f", title=_t(plan, "decision.cost_p90"))],
    )
    chosen = alt.Chart(pd.DataFrame({"n": [plan.data["helpers_needed"]]})).mark_rule(
        color=ACCENT, strokeDash=[4, 3]).encode(x="n:Q")
    return (band + line + points + chosen).properties(
        title=title(_t(plan, "chart.tradeoff_title"), _t(plan, "chart.tradeoff_subtitle")), height=200
    )
