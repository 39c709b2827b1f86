"""The review's chart: the plan's band with the actual line, one panel per metric."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import i18n
from .charts import ACCENT, BAND, WIDTH, date_axis, title
from .plan import Plan

OUTSIDE = "#9b1c1c"  # days outside the plan's range


def _t(plan: Plan, key: str) -> str:
    return i18n.t(f"review.{key}", plan.language)


def review_points(plan: Plan, metrics: tuple[str, ...] = (), period: str = "day") -> pd.DataFrame:
    """Tidy rows for the chart: date, measure, p10, p50, p90, actual, outside — by day, week or month.

    A week or month adds up the plan's band and the actuals over the days reported in it.
    """
    df = plan.tables["review_vs_plan"]
    if metrics:
        df = df[df["metric"].isin(metrics)]
    df = df.assign(date=pd.to_datetime(df["date"]), seen=df["status"] != "missing")
    if period != "day":
        df = df.assign(date=df["date"].dt.to_period("W" if period == "week" else "M").dt.start_time)
        rows = []
        for (d, metric), g in df.groupby(["date", "metric"], sort=False):
            part = g[g["seen"]] if g["seen"].any() else g
            rows.append({"date": d, "metric": metric, "label": g["label"].iloc[0],
                         **{q: part[q].sum() for q in ("p10", "p50", "p90")},
                         "actual": part["actual"].sum() if g["seen"].any() else float("nan"),
                         "status": "within" if not g["status"].isin(["below", "above"]).any() else "below"})
        df = pd.DataFrame(rows)
    out = df[["date", "metric", "label", "p10", "p50", "p90", "actual", "status"]].rename(columns={"label": "measure"})
    return out.assign(outside=[_t(plan, "chart.outside") if s in ("below", "above") else _t(plan, "chart.within")
                               for s in out["status"]])


def chart_review(plan: Plan) -> alt.FacetChart | None:
    """Plan band (P10–P90), expected line (P50) and the actual line, one panel per metric.

    None when the plan has no review (no actuals): a notebook cell then shows nothing.
    """
    if "review_vs_plan" not in plan.tables:
        return None
    spec_chart = plan.data.get("review_summary", {}).get("chart_metrics") or ()
    period = plan.data.get("review_summary", {}).get("period", "day")
    df = review_points(plan, tuple(spec_chart), period)
    order = list(dict.fromkeys(df["measure"]))
    fmt = i18n.t("common.chart.day_format", plan.language)
    x = date_axis(_t(plan, "chart.date"), fmt, df["date"])
    y_title = _t(plan, "chart.value" if period == "day" else "chart.value_period")
    base = alt.Chart().encode(x=x)
    band = base.mark_area(color=BAND, opacity=0.16).encode(
        y=alt.Y("p10:Q", title=y_title, axis=alt.Axis(tickCount=3)), y2="p90:Q")  # three ticks fit a short panel
    expected = base.mark_line(color=BAND, strokeDash=[5, 4], strokeWidth=1.5).encode(y="p50:Q")
    # a day not reported breaks the line rather than being bridged
    actual = base.mark_line(color=ACCENT, invalid="break-paths-show-domains").encode(y="actual:Q")
    domain = [_t(plan, "chart.within"), _t(plan, "chart.outside")]
    points = base.mark_point(filled=True, opacity=1).transform_filter("isValid(datum.actual)").encode(
        y="actual:Q",
        color=alt.Color("outside:N", title=None, scale=alt.Scale(domain=domain, range=[ACCENT, OUTSIDE])),
        size=alt.Size("outside:N", scale=alt.Scale(domain=domain, range=[30, 90]), legend=None),
        tooltip=[alt.Tooltip("date:T", title=_t(plan, "chart.date"), format=fmt),
                 alt.Tooltip("measure:N", title=i18n.t("common.kpi.name", plan.language)),
                 alt.Tooltip("actual:Q", format=",.0f", title=_t(plan, "chart.actual")),
                 alt.Tooltip("p50:Q", format=",.0f", title=_t(plan, "chart.expected")),
                 alt.Tooltip("p10:Q", format=",.0f", title="P10"), alt.Tooltip("p90:Q", format=",.0f", title="P90")],
    )
    subtitle = _t(plan, "chart.subtitle" if period == "day" else "chart.subtitle_period")
    return (
        alt.layer(band, expected, actual, points, data=df)
        .properties(width=WIDTH, height=80)
        .facet(spacing=10, row=alt.Row("measure:N", sort=order, title=None,
                            header=alt.Header(labelOrient="top", labelAngle=0, labelAnchor="start",
                                              labelFontWeight="bold", labelFontSize=12)))
        .resolve_scale(y="independent")
        .properties(title=title(_t(plan, "chart.title"), subtitle))
    )
