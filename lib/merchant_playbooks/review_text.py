"""The review in the merchant's language: the `review` section, the metrics' names and the
params block for the next campaign.

Words only: every number comes from the `Review` that `review_compare.build_review` computed.
This module reads the review's data; nothing in the review's numbers imports it.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import i18n
from .plan import Callout, Code, Para, Plan, Section, Table
from .review_actuals import MAX_LISTED
from .review_compare import Review
from .review_rates import RateEstimate, pivot
from .review_spec import CHECKLIST, NS, ReviewSpec


def label(plan: Plan, metric: str) -> str:
    """A metric's name in the merchant's language: `review.metric.<playbook>.<name>` when the KPI's own label
    does not fit a day-by-day review (e.g. "Sales over the year"), else the plan's KPI label, else
    `review.metric.<name>`."""
    own = f"{NS}.metric.{plan.playbook}.{metric}"
    if i18n.has(own, plan.language):
        return i18n.t(own, plan.language)
    k = plan.kpis.get(metric)
    if k:
        return k.label
    key = f"{NS}.metric.{metric}"
    return i18n.t(key, plan.language) if i18n.has(key, plan.language) else metric.replace("_", " ")


# ------------------------------------------------------------------ the next campaign's params


def _num(v: float) -> str:
    return np.format_float_positional(v, trim="-", precision=6)


def next_params_yaml(review: Review, lang: str) -> str:
    """The params lines a consultant pastes into the next campaign's section: each re-estimated
    range, with the days of data behind it and the range it replaces."""
    estimated = [r for r in review.rates if r.estimated]
    path = review.spec.section.split(".")  # "section.sub": rates nested under a sub-section
    pad = "  " * len(path)
    lines = [f"{'  ' * i}{key}:" for i, key in enumerate(path)]
    lines.append(pad + "# " + i18n.t(f"{NS}.learn.yaml_head", lang, start=review.start.isoformat(),
                                     end=review.end.isoformat()))
    width = max((len(f"{pad}{r.name}: [{_num(r.low)}, {_num(r.high)}]") for r in estimated), default=0)
    for r in estimated:
        entry = f"{pad}{r.name}: [{_num(r.low)}, {_num(r.high)}]"
        note = i18n.t(f"{NS}.learn.yaml_note", lang, days=r.days,
                      planned=f"[{_num(r.planned.low)}, {_num(r.planned.high)}]")
        lines.append(f"{entry.ljust(width)}  # {note}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the plan's review section


class _Fmt:
    """The merchant's formats for the review's numbers."""

    def __init__(self, plan: Plan, spec: ReviewSpec) -> None:
        self.plan, self.lang = plan, plan.language
        self.kinds = {m.key: m.kind for m in spec.metrics}

    def t(self, key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", self.lang, **kw)

    def label(self, metric: str) -> str:
        return label(self.plan, metric)

    def inner(self, metric: str) -> str:
        """The metric's label inside a sentence: lower case in English (Product views → product views)."""
        text = self.label(metric)
        if self.lang == "en" and text[:1].isupper() and not text[1:2].isupper():
            return text[0].lower() + text[1:]
        return text

    def base(self, metrics: tuple[str, ...]) -> str:
        """A funnel step's base: one label, or several added up in brackets."""
        text = self.t("plus").join(self.inner(b) for b in metrics)
        return f"({text})" if len(metrics) > 1 else text

    def value(self, v: float, metric: str) -> str:
        if not math.isfinite(v):
            return "—"
        if self.kinds.get(metric) == "money":
            return i18n.money(float(v), self.plan.currency, self.lang)
        return i18n.number(round(v))

    def money(self, v: float) -> str:
        return i18n.money(float(v), self.plan.currency, self.lang) if math.isfinite(v) else "—"

    def signed(self, v: float, metric: str | None = None, money: bool = False) -> str:
        if not math.isfinite(v):
            return "—"
        text = self.money(abs(v)) if money else self.value(abs(v), metric or "")
        if text in ("0", self.money(0)):
            return text
        return ("+" if v > 0 else "−") + text

    @staticmethod
    def pct(v: float) -> str:
        if not math.isfinite(v):
            return "—"
        text = f"{abs(v) * 100:.0f}%"
        return text if text == "0%" else ("+" if v > 0 else "−") + text

    def day(self, d: date) -> str:
        return i18n.short_day(d, self.lang)

    def days(self, ds: list[date], limit: int = 8) -> str:
        shown = "、".join if self.lang == "zh" else ", ".join
        text = shown(self.day(d) for d in ds[:limit])
        return text + (self.t("and_more", n=len(ds) - limit) if len(ds) > limit else "")

    def ratio(self, v: float) -> str:
        if not math.isfinite(v):
            return "—"
        return i18n.percent(v, 1) if v < 1 else i18n.number(v, 2)

    def range(self, low: float, high: float) -> str:
        return f"{_num(low)} – {_num(high)}"


def _step_ratio(review: Review, metric: str, column: str) -> float:
    """A funnel step's ratio over the days reporting it and its base: actual or p50."""
    base = review.spec.metric(metric).base
    actual, values = pivot(review.aligned, "actual"), pivot(review.aligned, column)
    if not base or any(c not in actual.columns for c in (metric, *base)):
        return math.nan
    days = actual[[metric, *base]].notna().all(axis=1)
    den = values.loc[days, list(base)].to_numpy().sum()
    return float(values.loc[days, metric].sum() / den) if den > 0 else math.nan


def _checklist_answer(review: Review, f: _Fmt, metrics: tuple[str, ...]) -> str:
    by = review.kpis.set_index("metric")
    parts = []
    for m in metrics:
        if m not in by.index:
            continue
        base = review.spec.metric(m).base
        if base and all(b in by.index for b in base):
            a, p = _step_ratio(review, m, "actual"), _step_ratio(review, m, "p50")
            parts.append(f.t("check.step", metric=f.label(m), base=f.base(base),
                             actual=f.ratio(a), planned=f.ratio(p)))
        else:
            row = by.loc[m]
            parts.append(f.t("check.total", metric=f.label(m), actual=f.value(row["actual"], m),
                             planned=f.value(row["p50"], m), change=f.pct(row["variance_share"])))
    return f.t("sep").join(parts) if parts else "—"


def _goal_text(review: Review, f: _Fmt) -> str:
    g = review.goal
    assert g is not None
    m = g["metric"]
    kw = {"metric": f.label(m), "target": f.value(g["target"], m), "actual": f.value(g["actual"], m),
          "by": f.value(abs(g["difference"]), m),
          "share": f"{abs(g['share'] - 1) * 100:.0f}%" if math.isfinite(g["share"]) else "—"}
    text = f.t("goal.met" if g["met"] else "goal.missed", **kw)
    missing = len(review.planned_days) - g["days_reported"]
    return text + (f.t("goal.partial", n=missing) if missing else "")


def _flag_summary(review: Review, f: _Fmt) -> list[tuple[date, str]]:
    """(day, "views ↓, orders ↑") for each day with a metric outside the band."""
    out = []
    for d, rows in review.flagged.groupby("date", sort=True):
        marks = [f"{f.label(m)} {'↓' if s == 'below' else '↑'}" for m, s in zip(rows["metric"], rows["status"],
                                                                               strict=True)]
        out.append((d, f.t("within_day").join(marks)))
    return out


def _period_rows(review: Review, f: _Fmt) -> pd.DataFrame:
    """The day-by-day (or week, month) table: actual per metric, what was off plan, totals at the end."""
    a = review.aligned.copy()
    period = review.spec.period
    if period == "day":
        a["period"] = a["date"]
    else:
        a["period"] = pd.to_datetime(a["date"]).dt.to_period("W" if period == "week" else "M").dt.start_time.dt.date
    a["seen"] = a["status"] != "missing"
    flags = dict(_flag_summary(review, f)) if period == "day" else {}
    rows = []
    for p, g in a.groupby("period", sort=True):
        row: dict[str, Any] = {"date": p}
        for m, gm in g.groupby("metric", sort=False):
            row[m] = float(gm.loc[gm["seen"], "actual"].sum()) if gm["seen"].any() else None
            row[f"{m}_p50"] = float(gm["p50"].sum())
        if not g["seen"].any():
            row["note"] = f.t("table.not_reported")
        elif period == "day":
            row["note"] = flags.get(p, "")
        else:
            outside = g[g["status"].isin(["below", "above"])]
            row["note"] = f.t("table.days_outside", n=outside["date"].nunique()) if len(outside) else ""
        rows.append(row)
    total: dict[str, Any] = {"date": f.t("table.total_actual"), "note": ""}
    plan_row: dict[str, Any] = {"date": f.t("table.total_plan"), "note": f.t("table.total_plan_note")}
    for r in review.kpis.itertuples():
        total[r.metric], plan_row[r.metric] = r.actual, r.p50
    return pd.DataFrame([*rows, total, plan_row])


def _notes(review: Review, f: _Fmt, flags: list[tuple[date, str]]) -> list[Any]:
    """The section's opening: which file and days, the goal, missing days and columns, days off plan."""
    blocks: list[Any] = []
    reported, planned = review.reported_days, review.planned_days
    blocks.append(Para(f.t("intro", file=Path(review.actuals.source).name, reported=len(reported),
                           days=len(planned), dates=i18n.day_range(review.start, review.end, f.lang))))
    if review.goal:
        blocks.append(Callout(_goal_text(review, f), "info" if review.goal["met"] else "warning"))
    if review.missing_days:
        blocks.append(Callout(f.t("missing_days", n=len(review.missing_days), days=f.days(review.missing_days))))
    absent = [m.key for m in review.spec.metrics if m.key not in review.metrics]
    if review.actuals.unknown_columns or absent:
        text = f.t("columns.unknown", columns=", ".join(review.actuals.unknown_columns)) \
            if review.actuals.unknown_columns else ""
        if absent:
            text += f.t("columns.absent", metrics=f.t("sep").join(f.label(m) for m in absent))
        blocks.append(Callout(text.strip()))
    if review.actuals.outside:
        blocks.append(Callout(f.t("outside_rows", n=len(review.actuals.outside),
                                  days=f.days(list(review.actuals.outside)))))
    if flags:
        listed = f.t("sep").join(f.t("day_item", day=f.day(d), items=text) for d, text in flags[:MAX_LISTED])
        blocks.append(Callout(f.t("flagged", n=len(flags), days=listed), "warning"))
    elif reported:
        blocks.append(Para(f.t("none_flagged")))
    return blocks


def _kpi_table(plan: Plan, review: Review, f: _Fmt) -> Table:
    """The variance per KPI."""
    k = review.kpis.copy()
    k["kpi"] = [f.label(m) for m in k["metric"]]
    k["plan_text"] = [f"{f.value(mid, m)} ({f.value(lo, m)} – {f.value(hi, m)})" for mid, lo, hi, m in
                      zip(k["p50"], k["p10"], k["p90"], k["metric"], strict=True)]
    k["actual_text"] = [f.value(v, m) for v, m in zip(k["actual"], k["metric"], strict=True)]
    k["difference"] = [f"{f.signed(v, m)} ({f.pct(share)})" if math.isfinite(share) else f.signed(v, m)
                       for v, share, m in zip(k["variance"], k["variance_share"], k["metric"], strict=True)]
    k["result"] = [f.t(f"status.{s}") for s in k["status"]]
    k["days_outside"] = [f.t("table.days_outside_cell", below=b, above=a) if a or b else "0"
                         for b, a in zip(k["days_below"], k["days_above"], strict=True)]
    plan.tables["review_kpis"] = k
    return Table("review_kpis", f.t("table.kpis_caption"), labels=(
        ("kpi", i18n.t("common.kpi.name", f.lang)), ("plan_text", f.t("table.plan")),
        ("actual_text", f.t("table.actual")), ("difference", f.t("table.difference")),
        ("result", f.t("table.result")), ("days_outside", f.t("table.days_outside_header"))))


def _daily_table(plan: Plan, review: Review, f: _Fmt) -> Table:
    """Day by day (or week, month)."""
    spec = review.spec
    plan.tables["review_daily"] = _period_rows(review, f)
    labels = [("date", f.t(f"table.period_{spec.period}"))]
    labels += [(m, f.label(m)) for m in review.metrics]
    labels.append(("note", f.t("table.note")))
    formats = [("date", "date" if spec.period == "day" else "text")]
    formats += [(m, "money" if spec.metric(m).kind == "money" else "count") for m in review.metrics]
    return Table("review_daily", f.t(f"table.daily_caption_{spec.period}"), labels=tuple(labels),
                 formats=tuple(formats))


def _cost_table(plan: Plan, review: Review, f: _Fmt) -> Table:
    """The cost per result, planned and actual."""
    c, m = review.cost, review.cost["metric"]
    rows = [
        {"item": f.t("cost.cost"), "planned": f.money(c["planned_cost"]), "actual": f.money(c["actual_cost"]),
         "difference": f.signed(c["actual_cost"] - c["planned_cost"], money=True)},
        {"item": f.label(m), "planned": f.value(c["planned_results"], m),
         "actual": f.value(c["actual_results"], m),
         "difference": f.signed(c["actual_results"] - c["planned_results"], m)},
        {"item": f.t("cost.per_result", metric=f.inner(m)), "planned": f.money(c["planned_per_result"]),
         "actual": f.money(c["actual_per_result"]),
         "difference": f.signed(c["actual_per_result"] - c["planned_per_result"], money=True)},
    ]
    plan.tables["review_cost"] = pd.DataFrame(rows)
    return Table("review_cost", f.t("cost.caption"), labels=(
        ("item", f.t("cost.item")), ("planned", f.t("cost.planned")), ("actual", f.t("table.actual")),
        ("difference", f.t("table.difference"))))


def _rate_name(r: RateEstimate, f: _Fmt) -> str:
    return f.t(f"rate.{r.name}") if i18n.has(f"{NS}.rate.{r.name}", f.lang) else r.name


def _checklist_table(plan: Plan, review: Review, f: _Fmt, flags: list[tuple[date, str]]) -> Table:
    """The review checklist: what the data answers for each item, and what to discuss."""
    answers: dict[str, str] = {item: _checklist_answer(review, f, ms) for item, ms in review.spec.checklist.items()}
    if review.goal:
        answers["goal"] = _goal_text(review, f)
    unexpected = [f.t("day_item", day=f.day(d), items=text) for d, text in flags[:8]]
    if review.missing_days:
        unexpected.append(f.t("check.missing", days=f.days(review.missing_days)))
    answers["unexpected"] = f.t("sep").join(unexpected) if unexpected else f.t("check.nothing_unexpected")
    moved = [r for r in review.rates if r.outside_plan]
    if moved:
        answers["next"] = f.t("sep").join(
            f.t("check.next_rate", rate=_rate_name(r, f), low=_num(r.low), high=_num(r.high),
                planned=f.range(r.planned.low, r.planned.high)) for r in moved)
    elif any(r.estimated for r in review.rates):
        answers["next"] = f.t("check.next_held")
    plan.tables["review_checklist"] = pd.DataFrame(
        [{"item": f.t(f"check.item.{i}"), "from_data": answers.get(i, "—"), "to_discuss": f.t(f"check.ask.{i}")}
         for i in CHECKLIST])
    return Table("review_checklist", f.t("check.caption"), labels=(
        ("item", f.t("check.item_header")), ("from_data", f.t("check.from_data")),
        ("to_discuss", f.t("check.to_discuss"))))


def _learn_blocks(plan: Plan, review: Review, f: _Fmt) -> list[Any]:
    """Learn: the re-estimated ranges for the next campaign, and the params lines to paste."""
    spec = review.spec
    rows = []
    for r in review.rates:
        base = spec.metric(r.metric).base
        basis = f.t("learn.per", metric=f.label(r.metric), base=f.base(base)) \
            if base else f.t("learn.vs_plan", metric=f.label(r.metric))
        rows.append({"rate": _rate_name(r, f), "name": r.name, "basis": basis,
                     "planned": f.range(r.planned.low, r.planned.high),
                     "change": f.pct(r.change) if r.estimated else "—",
                     "next": f.range(r.low, r.high) if r.estimated else f.t("learn.kept"),
                     "days": r.days, "planned_low": r.planned.low, "planned_high": r.planned.high,
                     "estimate": r.estimate, "next_low": r.low, "next_high": r.high})
    plan.tables["review_rates"] = pd.DataFrame(rows)
    blocks: list[Any] = [Para(f.t("learn.intro")), Table("review_rates", f.t("learn.caption"), labels=(
        ("rate", f.t("learn.rate")), ("basis", f.t("learn.basis")), ("planned", f.t("learn.planned")),
        ("change", f.t("learn.change")), ("next", f.t("learn.next")), ("days", f.t("learn.days"))),
        formats=(("days", "count"),))]
    if any(r.estimated for r in review.rates):
        blocks.append(Code(next_params_yaml(review, f.lang), note=f.t("learn.paste", section=spec.section.split(".")[0]),
                           consultant=True))
    kept = [name for name in spec.ranges if name not in {r.name for r in review.rates if r.estimated}]
    if kept:
        blocks.append(Para(f.t("learn.unchanged", names=", ".join(kept))))
    return blocks


def review_section(plan: Plan, review: Review) -> Section:
    """The `review` section in the merchant's language (and the tables it shows, into `plan.tables`)."""
    f = _Fmt(plan, review.spec)
    flags = _flag_summary(review, f)
    blocks = _notes(review, f, flags)
    blocks.append(_kpi_table(plan, review, f))
    blocks.append(_daily_table(plan, review, f))
    if review.cost:
        blocks.append(_cost_table(plan, review, f))
    blocks.append(_checklist_table(plan, review, f, flags))
    if review.rates:
        blocks += _learn_blocks(plan, review, f)
    return Section(NS, i18n.t("common.section.review", plan.language), blocks)
