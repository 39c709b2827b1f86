"""Review after the campaign: plan vs actual, and better ranges for the next plan.

Every source ends a campaign with a review: was the goal reached, what did each
channel bring, what went wrong, what to do better next time (source 002's
post-event review and optimisation; source 003's checklist). The review does the
part the numbers can do, for any playbook, in steps of their own, one way:

- `review_spec.py` — what a playbook declares: `Metric`, `RateRule`, `ReviewSpec`
  (with the plan's daily band, `daily_band`).
- `review_actuals.py` — `read_actuals`/`check_actuals`: a daily CSV — `date`
  (YYYY-MM-DD) plus any of the metrics the playbook forecasts day by day — checked
  cell by cell; a bad cell is a `DataFileError` naming the line and column.
- `review_compare.py` — `build_review`: the actuals aligned with the plan's daily
  P10/P50/P90 band, days outside it flagged, the variance per KPI, the goal met or
  missed, the cost per result (the numbers).
- `review_rates.py` — the playbook's uncertain rates re-estimated ("learn") as
  ranges for the next campaign's params, with the days of data behind each.
- `review_text.py` — the words: the `review` section in the merchant's language,
  the metrics' names and the params block to paste. It reads the review's data;
  none of the modules above imports it.
- this module — the public face the playbooks import (`from merchant_playbooks import
  review`), and `add_review`, which composes the steps: numbers first, then words,
  then plan.json's data. The chart is `review_charts.py`'s.

A playbook plugs in with a `ReviewSpec` (see `first_event_bargaining/review.py`);
the spine (`spine.assemble`) calls `add_review` when the section names actuals.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from . import clock
from .plan import Plan, jsonable
from .review_actuals import MAX_LISTED, Actuals, check_actuals, read_actuals
from .review_compare import (
    CHANCE,
    Review,
    align,
    build_review,
    count_spread,
    forecast_fit,
    plan_band,
    status_of,
    variance_table,
)
from .review_format import label
from .review_rates import RateEstimate, estimate_rates, pivot
from .review_spec import CHECKLIST, NS, Metric, RateRule, ReviewSpec, daily_band
from .review_text import next_params_yaml, review_section
from .yamlread import display_path


def review_data(plan: Plan, review: Review, lang: str) -> tuple[dict, dict]:
    """plan.json's `review` (per KPI) and `review_summary` (days, goal, cost, flagged days, rates, next params)."""
    per_kpi = {
        r.metric: {"label": label(plan, r.metric), "kind": r.kind, "p10": r.p10, "p50": r.p50, "p90": r.p90,
                   "actual": r.actual, "variance": r.variance, "variance_share": r.variance_share,
                   "status": r.status, "days_reported": r.days_reported, "days_below": r.days_below,
                   "days_above": r.days_above, "days_outside": r.days_below + r.days_above, "forecast": r.forecast,
                   "days_outside_share": r.days_outside_share}
        for r in review.kpis.itertuples()
    }
    flagged = [{"date": r.date, "metric": r.metric, "actual": r.actual, "p10": r.p10, "p50": r.p50, "p90": r.p90,
                "side": r.status} for r in review.flagged.itertuples()]
    summary = {
        "actuals_file": Path(review.actuals.source).name,
        "days_planned": len(review.planned_days),
        "days_reported": len(review.reported_days),
        "reviewed_until": review.end,
        "campaign_end": review.campaign_end,
        "forecast_missed": [r.metric for r in review.kpis.itertuples() if r.forecast != "held"],
        "missing_days": review.missing_days,
        "unknown_columns": list(review.actuals.unknown_columns),
        "rows_outside_campaign": list(review.actuals.outside),
        "flagged_days": flagged,
        "goal": review.goal,
        "cost_per_result": review.cost,
        "rates": {r.name: {"metric": r.metric, "planned": r.planned.as_list(), "estimate": r.estimate,
                           "next": [r.low, r.high] if r.estimated else None, "days": r.days,
                           "observed": r.observed, "events": r.events, "exposure": r.exposure, "share": r.share,
                           "reason": r.reason, "contradictory_days": r.contradictory_days}
                  for r in review.rates},
        "next_params": next_params_yaml(review, lang) if any(r.estimated for r in review.rates) else None,
        "period": review.spec.period,
        "section": review.spec.section,
        "chart_metrics": list(review.spec.chart) or review.metrics,
    }
    return jsonable(per_kpi), jsonable(summary)


def until(spec: ReviewSpec, last: date) -> ReviewSpec:
    """The spec of the campaign up to `last` (the run date): the plan's days until then, and the
    goal's target scaled to the share of the goal metric's expected total they were to bring."""
    band = plan_band(spec.daily)
    kept = band["date"] <= last
    target = spec.goal_target
    if spec.goal and target is not None:
        goal = band["metric"] == spec.goal
        whole = float(band.loc[goal, "p50"].sum())
        target = target * float(band.loc[goal & kept, "p50"].sum()) / whole if whole > 0 else target
    return dataclasses.replace(spec, daily=spec.daily[kept.to_numpy()], goal_target=target)


def add_review(plan: Plan, spec: ReviewSpec, actuals_path: Path | str, source: str | None = None) -> Review | None:
    """Read the actuals, compare them with the plan, and add the review to the plan (section, tables, data).

    Only days up to the run date (`clock.run_date()`) are reviewed: a campaign still running is
    reviewed so far (None, no review, when it has not started). Numbers, then words:
    `build_review` computes the review, `review_section` words it (its tables go into
    `plan.tables`), then the aligned days and plan.json's data."""
    days = sorted(plan_band(spec.daily)["date"].unique())
    today = clock.run_date()
    if days[0] > today:
        return None
    campaign_end = days[-1]
    if campaign_end > today:
        spec = until(spec, today)
        days = [d for d in days if d <= today]
    start, end = days[0], days[-1]
    actuals = read_actuals(actuals_path, tuple(m.key for m in spec.metrics), start, end,
                           source or display_path(Path(actuals_path)))
    review = build_review(spec, actuals, start, end)
    review.campaign_end = campaign_end
    plan.sections[NS] = review_section(plan, review)
    plan.tables["review_vs_plan"] = review.aligned.assign(label=[label(plan, m) for m in review.aligned["metric"]])
    plan.data["review"], plan.data["review_summary"] = review_data(plan, review, plan.language)
    return review


__all__ = [
    "CHANCE",
    "CHECKLIST",
    "MAX_LISTED",
    "NS",
    "Actuals",
    "Metric",
    "RateEstimate",
    "RateRule",
    "Review",
    "ReviewSpec",
    "add_review",
    "align",
    "build_review",
    "check_actuals",
    "count_spread",
    "daily_band",
    "estimate_rates",
    "forecast_fit",
    "label",
    "next_params_yaml",
    "pivot",
    "plan_band",
    "read_actuals",
    "review_data",
    "review_section",
    "status_of",
    "until",
    "variance_table",
]
