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

import pandas as pd

from . import i18n
from .figref import fig
from .plan import Callout, Code, Para, Plan, Section, Table
from .review_actuals import MAX_LISTED
from .review_compare import Review
from .review_format import Fmt as _Fmt
from .review_format import num as _num
from .review_rates import RateEstimate, pivot
from .review_spec import CHECKLIST, NS

# ------------------------------------------------------------------ the next campaign's params


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


def _pivot(review: Review, column: str) -> pd.DataFrame:
    """`pivot(review.aligned, column)`, made once per review and column (each checklist step asks again)."""
    made = review.__dict__.setdefault("_pivots", {})
    if column not in made:
        made[column] = pivot(review.aligned, column)
    return made[column]


def _step_ratio(review: Review, metric: str, column: str) -> float:
    """A funnel step's ratio over the days reporting it and its base: actual or p50."""
    base = review.spec.metric(metric).base
    actual, values = _pivot(review, "actual"), _pivot(review, column)
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
    kind = "money" if f.kinds.get(m) == "money" else "count"
    kw = {"metric": f.label(m), "target": fig("review_summary.goal.target", kind),
          "actual": fig("review_summary.goal.actual", kind), "by": fig("review_summary.goal.gap", kind),
          "share": fig("review_summary.goal.gap_share", "share") if math.isfinite(g["share"]) else "—"}
    off = any(review.kpis["forecast"] != "held")
    text = f.t("goal.met" if g["met"] else "goal.missed", **kw) + (f.t("goal.off_forecast") if off else "")
    missing = len(review.planned_days) - g["days_reported"]
    return text + (f.t(i18n.counted("goal.partial", missing), n=missing) if missing else "")


def _forecast_missed(review: Review, f: _Fmt) -> list[Any]:
    """One warning per metric whose daily band did not hold: far more days outside than it allows."""
    out = []
    for r in review.kpis.itertuples():
        if r.forecast == "held":
            continue
        key = f"review.{r.metric}"
        out.append(Callout(f.t(f"fit.{r.forecast}", metric=f.inner(r.metric),
                               outside=fig(f"{key}.days_outside", "count"), days=fig(f"{key}.days_reported", "count"),
                               above=fig(f"{key}.days_above", "count"), below=fig(f"{key}.days_below", "count")),
                           "warning"))
    return out


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
            row["note"] = f.t(i18n.counted("table.days_outside", outside["date"].nunique()),
                                                           n=outside["date"].nunique()) if len(outside) else ""
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
    if review.campaign_end and review.campaign_end > review.end:
        blocks.append(Callout(f.t("so_far", end=f.day(review.campaign_end), today=f.day(review.end))))
    missed = _forecast_missed(review, f)
    if review.goal:
        level = "info" if review.goal["met"] and not missed else "warning"
        blocks.append(Callout(_goal_text(review, f), level))
    blocks += missed
    if review.missing_days:
        blocks.append(Callout(f.t(i18n.counted("missing_days", len(review.missing_days)), n=len(review.missing_days), days=f.days(review.missing_days))))
    absent = [m.key for m in review.spec.metrics if m.key not in review.metrics]
    if review.actuals.unknown_columns or absent:
        text = f.t("columns.unknown", columns=", ".join(review.actuals.unknown_columns)) \
            if review.actuals.unknown_columns else ""
        if absent:
            text += f.t("columns.absent", metrics=f.t("sep").join(f.label(m) for m in absent))
        blocks.append(Callout(text.strip()))
    if review.actuals.outside:
        blocks.append(Callout(f.t(i18n.counted("outside_rows", len(review.actuals.outside)), n=len(review.actuals.outside),
                                  days=f.days(list(review.actuals.outside)))))
    if flags:
        listed = f.t("sep").join(f.t("day_item", day=f.day(d), items=text) for d, text in flags[:MAX_LISTED])
        hint = f"flag_hint.{f.plan.playbook}" if i18n.has(f"{NS}.flag_hint.{f.plan.playbook}", f.lang) else \
            "flag_hint.default"
        blocks.append(Callout(f.t(i18n.counted("flagged", len(flags)), n=len(flags), days=listed) + " " + f.t(hint), "warning"))
    elif reported:
        blocks.append(Para(f.t("none_flagged")))
    return blocks


def _kpi_table(plan: Plan, review: Review, f: _Fmt) -> Table:
    """The variance per KPI."""
    k = review.kpis.copy()
    k["kpi"] = [f.label(m) for m in k["metric"]]
    k["plan_text"] = [f.band(mid, lo, hi, m) for mid, lo, hi, m in zip(k["p50"], k["p10"], k["p90"], k["metric"], strict=True)]
    k["actual_text"] = [f.value(v, m) for v, m in zip(k["actual"], k["metric"], strict=True)]
    k["difference"] = [f"{f.signed(v, m)} ({f.pct(share)})" if math.isfinite(share) else f.signed(v, m)
                       for v, share, m in zip(k["variance"], k["variance_share"], k["metric"], strict=True)]
    k["result"] = [f.t(f"status.{s}") + ("" if fit == "held" else f.t("sep") + f.t(f"fit.short.{fit}"))
                   for s, fit in zip(k["status"], k["forecast"], strict=True)]
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


def rate_label(plan: Plan, name: str) -> str:
    """A rate's name in the merchant's language: `review.rate.<playbook>.<name>`, `review.rate.<name>`,
    the playbook's panel label, else a generic "another planning assumption" (never the params key)."""
    for key in (f"{NS}.rate.{plan.playbook}.{name}", f"{NS}.rate.{name}", f"{plan.playbook}.panel.{name}"):
        if i18n.has(key, plan.language):
            return i18n.t(key, plan.language)
    return i18n.t(f"{NS}.rate_unnamed", plan.language)


def _rate_name(r: RateEstimate, f: _Fmt) -> str:
    return rate_label(f.plan, r.name)


def _is_share(r: RateEstimate) -> bool:
    return type(r.planned).bounds() == (0.0, 1.0)


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
            f.t("check.next_rate", rate=_rate_name(r, f), next=f.range(r.low, r.high, _is_share(r)),
                planned=f.range(r.planned.low, r.planned.high, _is_share(r))) for r in moved)
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
        per = "learn.per_so_far" if r.cumulative else "learn.per"
        basis = f.t(per, metric=f.label(r.metric), base=f.base(r.base)) \
            if r.base else f.t("learn.vs_plan", metric=f.label(r.metric))
        rows.append({"rate": _rate_name(r, f), "name": r.name, "basis": basis,
                     "planned": f.range(r.planned.low, r.planned.high, _is_share(r)),
                     "change": f.pct(r.change) if r.estimated else "—",
                     "next": f.range(r.low, r.high, _is_share(r)) if r.estimated else
                     f.t(f"learn.why.{r.reason}" if r.reason else "learn.kept"),
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
    kept = [name for name in spec.ranges if name not in {r.name for r in review.rates}]
    if kept:
        blocks.append(Para(f.t("learn.unchanged", names=f.t("sep").join(rate_label(plan, n) for n in kept))))
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
