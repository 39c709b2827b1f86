"""Charts of the membership and community plan, each a named function of the plan's data."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import i18n
from ..charts import ACCENT, BAND, NARROW, PALETTE, category_axis, category_step, title
from ..plan import Plan

NS = "membership_community"


def _t(plan: Plan, key: str, **kw: object) -> str:
    return i18n.t(f"{NS}.{key}", plan.language, **kw)


def chart_segments(plan: Plan) -> alt.Chart:
    """Grouped bars: each RFM segment's share of customers and of revenue."""
    seg = plan.tables["segments"].assign(  # the table keeps each segment's key; the chart shows its name
        segment=lambda df: [_t(plan, f"segment.{k}") for k in df["segment"]])
    measures = {"customer_share": _t(plan, "chart.customers"), "revenue_share": _t(plan, "chart.revenue")}
    df = seg.melt(id_vars=["segment"], value_vars=list(measures), var_name="measure", value_name="share")
    df["measure"] = df["measure"].map(measures)
    order = list(seg["segment"])
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("segment:N", sort=order, title=None, axis=category_axis(order)),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title=_t(plan, "chart.share")),
            yOffset=alt.YOffset("measure:N", sort=list(measures.values())),
            color=alt.Color("measure:N", title=_t(plan, "chart.measure"), sort=list(measures.values()),
                            scale=alt.Scale(range=[BAND, ACCENT])),
            tooltip=[alt.Tooltip("segment:N", title=_t(plan, "chart.segment")),
                     alt.Tooltip("measure:N", title=_t(plan, "chart.measure")),
                     alt.Tooltip("share:Q", format=".1%", title=_t(plan, "chart.share"))],
        )
        .properties(title=title(_t(plan, "chart.segments_title"), _t(plan, "chart.segments_subtitle")),
                    width=NARROW, height=alt.Step(category_step(order) // 2))
    )


def chart_tiers(plan: Plan) -> alt.Chart:
    """Bars: customers per level, with those within reach of the next level beside them."""
    tiers = plan.tables["tiers"]
    kinds = {"customers": _t(plan, "chart.in_level"), "near_next": _t(plan, "chart.near_next")}
    order = tiers["tier"].tolist()
    # the tidy table `melt` would give (one row per level and kind), built directly: melt costs ms per change
    df = pd.DataFrame({"tier": order * len(kinds), "kind": [label for label in kinds.values() for _ in order],
                       "count": [n for column in kinds for n in tiers[column].tolist()]})
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("tier:N", sort=order, title=_t(plan, "chart.tier"), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("kind:N", sort=list(kinds.values())),
            y=alt.Y("count:Q", title=_t(plan, "chart.count"), scale=alt.Scale(type="sqrt")),
            color=alt.Color("kind:N", title=None, sort=list(kinds.values()), scale=alt.Scale(range=[BAND, ACCENT])),
            tooltip=[alt.Tooltip("tier:N", title=_t(plan, "chart.tier")), alt.Tooltip("kind:N", title=""),
                     alt.Tooltip("count:Q", format=",.0f", title=_t(plan, "chart.count"))],
        )
        .properties(title=title(_t(plan, "chart.tiers_title"), _t(plan, "chart.tiers_subtitle")), height=220)
    )


def chart_funnel(plan: Plan) -> alt.Chart:
    """Horizontal bars from invited to buyers (P50) with P10–P90 whiskers."""
    f = plan.tables["funnel"]
    df = f[f["kind"] == "count"].copy()
    df["label"] = [_t(plan, f"funnel.{k}") for k in df["step"]]
    order = list(df["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=category_axis(order))
    bars = alt.Chart(df).mark_bar(color=BAND).encode(
        y=y, x=alt.X("p50:Q", title=_t(plan, "chart.people"), axis=alt.Axis(tickCount=3)),
        tooltip=[alt.Tooltip("label:N", title=_t(plan, "chart.step")),
                 alt.Tooltip("p10:Q", format=",.0f", title="P10"), alt.Tooltip("p50:Q", format=",.0f", title="P50"),
                 alt.Tooltip("p90:Q", format=",.0f", title="P90")])
    whiskers = alt.Chart(df).mark_rule(color=ACCENT, strokeWidth=2).encode(y=y, x="p10:Q", x2="p90:Q")
    return (bars + whiskers).properties(
        title=title(_t(plan, "chart.funnel_title"), _t(plan, "chart.funnel_subtitle")), width=NARROW,
        height=alt.Step(category_step(order)))


def chart_camp_calendar(plan: Plan) -> alt.Chart:
    """A calendar of the camp: one square per day (weeks across, weekdays down), coloured by phase."""
    rows = [r for r in plan.timeline if "camp_day" in r]
    if not rows:
        return alt.Chart(pd.DataFrame({"x": []})).mark_point()
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"])
    start = df["date"].min() - pd.to_timedelta(df["date"].min().weekday(), unit="D")
    df["week"] = ((df["date"] - start).dt.days // 7) + 1
    df["weekday"] = [i18n.weekday(d.date(), plan.language) for d in df["date"]]
    df["phase_label"] = [_t(plan, f"timeline.phase_{p}") for p in df["camp_phase"]]
    df["content"] = [_t(plan, f"content.{c}") for c in df["content_type"]]
    df["day_label"] = df["date"].dt.day.astype(str)
    phases = [_t(plan, f"timeline.phase_{p}") for p in ("join", "engage", "convert")]
    weekdays = [i18n.weekday(d.date(), plan.language) for d in pd.date_range("2024-01-01", periods=7)]
    base = alt.Chart(df).encode(
        x=alt.X("week:O", title=_t(plan, "chart.week"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("weekday:N", sort=weekdays, title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("phase_label:N", title=_t(plan, "chart.phase"), sort=phases,
                        scale=alt.Scale(domain=phases, range=[PALETTE[3], BAND, ACCENT])),
        tooltip=[alt.Tooltip("date:T", title=_t(plan, "chart.date"), format="%Y-%m-%d"),
                 alt.Tooltip("camp_day:Q", title="#"), alt.Tooltip("phase_label:N", title=_t(plan, "chart.phase")),
                 alt.Tooltip("content:N", title=_t(plan, "chart.content"))],
    )
    labels = base.mark_text(fontSize=12, color="white").encode(text="day_label:N")
    return (cells + labels).properties(
        title=title(_t(plan, "chart.camp_title"), _t(plan, "chart.camp_subtitle")), width=alt.Step(40),
        height=alt.Step(26))


def chart_clv_by_tier(plan: Plan) -> alt.Chart:
    """Bars: CLV per customer against benefit cost per member, level by level."""
    tiers = plan.tables["tiers"]
    kinds = {"clv_mean": _t(plan, "chart.clv"), "benefit_cost_per_member": _t(plan, "chart.benefit_cost")}
    df = tiers.melt(id_vars=["tier"], value_vars=list(kinds), var_name="kind", value_name="value").dropna()
    df["kind"] = df["kind"].map(kinds)
    symbol = i18n.CURRENCY_SYMBOLS.get(plan.currency, plan.currency)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("tier:N", sort=list(tiers["tier"]), title=_t(plan, "chart.tier"), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("kind:N", sort=list(kinds.values())),
            y=alt.Y("value:Q", title=f"{_t(plan, 'chart.per_member')} ({symbol})"),
            color=alt.Color("kind:N", title=None, sort=list(kinds.values()), scale=alt.Scale(range=[BAND, ACCENT])),
            tooltip=[alt.Tooltip("tier:N", title=_t(plan, "chart.tier")), alt.Tooltip("kind:N", title=""),
                     alt.Tooltip("value:Q", format=",.0f", title=_t(plan, "chart.per_member"))],
        )
        .properties(title=title(_t(plan, "chart.clv_title"), _t(plan, "chart.clv_subtitle")), height=220)
    )


__all__ = ["chart_camp_calendar", "chart_clv_by_tier", "chart_funnel", "chart_segments", "chart_tiers"]
