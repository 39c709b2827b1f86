"""Review after the campaign: plan vs actual, and better ranges for the next plan.

Every source ends a campaign with a review: was the goal reached, what did each
channel bring, what went wrong, what to do better next time (source 002's
post-event review and optimisation; source 003's checklist). This module does
the part the numbers can do, for any playbook:

- `read_actuals`: a daily CSV — `date` (YYYY-MM-DD) plus any of the metrics the
  playbook forecasts day by day (`views`, `attempts`, `orders`, ...). Columns it
  does not know are reported, days may be missing (they are shown), a bad date,
  a negative or a non-number is a `DataFileError` naming the line and column.
- `build_review`: aligns the actuals with the plan's daily P10/P50/P90 series,
  flags days outside the band, totals the variance per KPI, says whether the goal
  was met and by how much, compares the cost per result with the plan's, and
  re-estimates the playbook's uncertain rates ("learn") as ranges a consultant
  pastes into the next campaign's params, with the days of data behind each.
- `add_review`: all of the above as the plan's `review` section (its words, in
  the merchant's language, are `review_text.py`'s; its chart `review_charts.py`'s),
  its tables, `plan.data["review"]` (per KPI: planned p10/p50/p90, actual,
  variance) and `plan.data["review_summary"]`.

A playbook plugs in with a `ReviewSpec` (see `first_event_bargaining/review.py`)
and one call at the end of its `build_plan`. Planned totals over the days
reported are the plan's daily ranges added up: within one simulated campaign the
days move together (the same rates drive every day), so the sum of daily P50s is
the P50 of the total to within a fraction of a percent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import i18n
from .csvfile import read_csv_cells
from .errors import DataFileError
from .loading import display_path
from .plan import Plan, jsonable
from .schema import Range

NS = "review"
CHECKLIST = ("goal", "channels", "process", "staffing", "materials", "customer_experience", "unexpected", "next")
MAX_LISTED = 20  # problems (or flagged days) listed one by one before "and N more"
# The next campaign is not this one: a re-estimated range keeps at least ±10% around
# its centre, however steady the days were.
MIN_RELATIVE_HALF_WIDTH = 0.10
# A symmetric PERT (Beta(3, 3) over [low, high]) has sd = (high − low) / √28, so a
# range of ± √7 standard errors draws with the estimate's own uncertainty.
PERT_HALF_WIDTH_IN_SE = math.sqrt(7)
CHANCE = 0.10  # a count is flagged only when it would be rarer than this even at the band's edge
MIN_DAYS_FOR_SPREAD = 3  # fewer days: keep the planned width around the new centre
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # fullmatch: "$" would let a final newline through
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# ------------------------------------------------------------------ what a playbook declares


@dataclass(frozen=True)
class Metric:
    """A daily metric the playbook forecasts and the actuals CSV may carry (the column's name is `key`).

    It must be a flow that adds up over days (views, orders, new members, sales),
    not a level (members so far, active share): totals are sums of days.

    `base` names the metrics this one is a share or multiple of in the funnel
    (summed when several), e.g. orders ← completions; it is how the review reads
    each step's rate and how `tools/simulate_actuals.py` chains a campaign.
    """

    key: str
    base: tuple[str, ...] = ()
    kind: str = "count"  # count | money


@dataclass(frozen=True)
class RateRule:
    """How one uncertain rate of the params is re-estimated from the actuals.

    The observed ratio of `metric` to its base (or, without a base, the metric's
    total against the plan's) is compared with the same ratio in the plan's P50
    series over the same days, and the rate's planned centre is scaled by how far
    it moved: `new = centre × link(observed) / link(planned)`. `link` maps the
    ratio to the rate when the model is not proportional (e.g. helpers per
    bargain → mean helpers, through the cap at N); by default the ratio itself.
    Actuals equal to the plan's P50 series give back the planned centre exactly.
    """

    name: str  # the params field, e.g. "attempt_rate"
    metric: str
    link: Callable[[float], float] | None = None


@dataclass(frozen=True)
class ReviewSpec:
    """Everything the generic review needs from one playbook's plan."""

    section: str  # the params section the next-campaign block goes under
    metrics: tuple[Metric, ...]  # the CSV's columns besides `date`, in funnel order
    daily: pd.DataFrame  # the plan's daily band, tidy: date, metric, p10, p50, p90
    ranges: Mapping[str, Range]  # the planned ranges of the uncertain rates, by params field
    rates: tuple[RateRule, ...] = ()
    goal: str | None = None  # the metric the goal counts
    goal_target: float | None = None  # the number the plan's goal states (the campaign's P50)
    result: str | None = None  # cost per result: results are this metric
    cost: Callable[[Mapping[str, float]], float] | None = None  # a campaign's cost from its metric totals
    cost_uses: tuple[str, ...] = ()  # the metrics `cost` reads (the cost is shown when all were reported)
    chart: tuple[str, ...] = ()  # the metrics charted (default: all)
    checklist: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # item -> metrics that answer it
    period: str = "day"  # day | week | month: the rows of the review's table and the chart's points

    def metric(self, key: str) -> Metric:
        return next(m for m in self.metrics if m.key == key)


def daily_band(draws: Mapping[str, np.ndarray], days: Sequence[date],
               profile: Sequence[float] | None = None) -> pd.DataFrame:
    """The tidy daily band a `ReviewSpec` needs, from a playbook's Monte Carlo draws.

    Each metric is either (draws, days) — one value per day — or (draws,) campaign
    totals, spread over the days by `profile` (weights; even by default), for
    models that forecast totals only.
    """
    n = len(days)
    weights = np.ones(n) if profile is None else np.asarray(profile, dtype=float)
    weights = weights / weights.sum()
    rows = []
    for metric, arr in draws.items():
        arr = np.asarray(arr, dtype=float)
        per_day = arr if arr.ndim == 2 else arr[:, None] * weights[None, :]
        if per_day.shape[1] != n:
            raise ValueError(f"{metric}: {per_day.shape[1]} days of draws for {n} days")
        p10, p50, p90 = np.percentile(per_day, [10, 50, 90], axis=0)
        rows += [{"date": d, "day": i + 1, "metric": metric, "p10": float(p10[i]), "p50": float(p50[i]),
                  "p90": float(p90[i])} for i, d in enumerate(days)]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ reading the actuals


@dataclass
class Actuals:
    """Checked daily actuals: one row per campaign day reported, one float column per known metric
    (NaN where a cell was left empty)."""

    table: pd.DataFrame  # index: date (datetime.date), sorted
    source: str
    unknown_columns: tuple[str, ...] = ()
    outside: tuple[date, ...] = ()  # rows dated outside the campaign, left out


def _line(i: int) -> int:
    return i + 2  # data row i (0-based) sits on file line i + 2: the header is line 1


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def read_actuals(path: Path | str, metrics: tuple[str, ...], start: date, end: date,
                 source: str | None = None) -> Actuals:
    """Read and check a daily actuals CSV; raise `DataFileError` naming each bad line and column."""
    path = Path(path)
    source = source or str(path)
    raw = read_csv_cells(path, source, header=f"date,{','.join(metrics)}",
                         not_found="file not found (actuals: names it relative to the params file)")
    return check_actuals(raw, metrics, start, end, source)


def check_actuals(raw: pd.DataFrame, metrics: tuple[str, ...], start: date, end: date,
                  source: str = "<actuals>") -> Actuals:
    """Check a table of text cells (as read from the CSV) and convert it; every problem is reported."""
    raw = raw.rename(columns={c: str(c).strip().lower() for c in raw.columns})
    if "date" not in raw.columns:
        found = ", ".join(map(str, raw.columns)) or "none"
        raise DataFileError(source, [f"line 1: missing column 'date' (columns found: {found})"])
    known = [c for c in raw.columns if c in metrics]
    unknown = tuple(c for c in raw.columns if c != "date" and c not in metrics)
    if not known:
        raise DataFileError(source, [f"line 1: no metric columns; this playbook reads date and any of {', '.join(metrics)}"])
    if raw.empty:
        raise DataFileError(source, ["has a header but no days"])
    problems: list[tuple[int, str]] = []
    days: list[date | None] = []
    first_seen: dict[date, int] = {}
    for i, text in enumerate(raw["date"].astype(str).str.strip()):
        day = None
        if not text:
            problems.append((i, f"line {_line(i)}: date is empty; every row is one day (YYYY-MM-DD)"))
        else:
            try:
                if not _ISO_DAY.fullmatch(text):
                    raise ValueError
                day = date.fromisoformat(text)
            except ValueError:
                problems.append((i, f"line {_line(i)}: date = {_show(text)} is not a date (expected YYYY-MM-DD)"))
        if day is not None:
            if day in first_seen:
                again = f"line {_line(i)}: date = {_show(text)} repeats line {_line(first_seen[day])}; one row per day"
                problems.append((i, again))
            else:
                first_seen[day] = i
        days.append(day)
    values: dict[str, list[float]] = {c: [] for c in known}
    for column in known:
        for i, cell in enumerate(raw[column].astype(str)):
            text = cell.strip()
            if not text:
                values[column].append(math.nan)  # not reported that day: allowed
                continue
            plain = text.replace(",", "") if _THOUSANDS.fullmatch(text) else text
            try:
                number = float(plain)
                if not math.isfinite(number):
                    raise ValueError
            except ValueError:
                problems.append((i, f"line {_line(i)}: {column} = {_show(cell)} is not a number"))
                values[column].append(math.nan)
                continue
            if number < 0:
                negative = (f"line {_line(i)}: {column} = {_show(cell)} is negative; actuals count what "
                            "happened that day (0 or more)")
                problems.append((i, negative))
            values[column].append(number)
    if problems:
        problems.sort(key=lambda p: p[0])
        listed = [msg for _, msg in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"... and {len(problems) - MAX_LISTED} more problems; fix these and check again")
        raise DataFileError(source, listed)
    table = pd.DataFrame(values, index=pd.Index(days, name="date"))
    inside = [start <= d <= end for d in table.index]
    outside = tuple(sorted(d for d in table.index if not start <= d <= end))
    return Actuals(table[inside].sort_index(), source, unknown, outside)


# ------------------------------------------------------------------ plan vs actual


@dataclass
class RateEstimate:
    name: str
    metric: str
    planned: Range
    days: int  # days of data behind the estimate
    change: float = math.nan  # new centre / planned centre − 1
    estimate: float = math.nan
    low: float = math.nan
    high: float = math.nan

    @property
    def estimated(self) -> bool:
        return math.isfinite(self.estimate)

    @property
    def outside_plan(self) -> bool:
        return self.estimated and not self.planned.low <= self.estimate <= self.planned.high


@dataclass
class Review:
    spec: ReviewSpec
    actuals: Actuals
    start: date
    end: date
    aligned: pd.DataFrame  # tidy: date, metric, p10, p50, p90, actual, status (within|below|above|missing)
    kpis: pd.DataFrame  # one row per metric reported: p10, p50, p90, actual, variance, status, days
    rates: list[RateEstimate]
    goal: dict | None
    cost: dict | None

    @property
    def planned_days(self) -> list[date]:
        return sorted(set(self.aligned["date"]))

    @property
    def reported_days(self) -> list[date]:
        return sorted(set(self.aligned.loc[self.aligned["status"] != "missing", "date"]))

    @property
    def missing_days(self) -> list[date]:
        reported = set(self.reported_days)
        return [d for d in self.planned_days if d not in reported]

    @property
    def flagged(self) -> pd.DataFrame:
        return self.aligned[self.aligned["status"].isin(["below", "above"])]

    @property
    def metrics(self) -> list[str]:
        return list(self.kpis["metric"])


def plan_band(daily: pd.DataFrame) -> pd.DataFrame:
    """The plan's daily band with `date` as datetime.date, whatever the playbook stored."""
    band = daily[["date", "metric", "p10", "p50", "p90"]].copy()
    band["date"] = pd.to_datetime(band["date"]).dt.date
    return band


def status_of(actual: float, p10: float, p90: float, kind: str, spread: float = 1.0) -> str:
    """within | below | above the P10–P90 band.

    The plan forecasts expected counts; a day's real count also varies by chance,
    which matters when counts are small (2 bargains on a day planned at 3.1–5.4 is
    ordinary). So for whole-number metrics the band is widened to the counts a day
    would show at least 10% of the time at its edges — Poisson, or negative binomial
    with variance `spread` × mean for counts that come in clumps (see `count_spread`)
    — and is never narrower than P10–P90 rounded outwards.
    """
    if not math.isfinite(actual):
        return "missing"
    if kind == "count":
        lo = min(math.floor(p10 + 1e-9), _count_quantile(CHANCE, p10, spread))
        hi = max(math.ceil(p90 - 1e-9), _count_quantile(1 - CHANCE, p90, spread))
    else:
        lo, hi = p10, p90
    tol = 1e-9 * max(1.0, abs(hi))
    if actual < lo - tol:
        return "below"
    if actual > hi + tol:
        return "above"
    return "within"


def _count_quantile(q: float, mean: float, spread: float) -> float:
    from scipy.stats import nbinom, poisson

    if mean <= 0:
        return 0.0
    if spread <= 1 + 1e-9:
        return float(poisson.ppf(q, mean))
    return float(nbinom.ppf(q, mean / (spread - 1), 1 / spread))


def count_spread(p50: pd.DataFrame, metrics: tuple[Metric, ...]) -> pd.DataFrame:
    """Each day's variance-to-mean ratio of each count, from the funnel: a root count is Poisson (1);
    a share r ≤ 1 of its base thins it (1 − r + r·s_base); a multiple r > 1 comes in clumps of about
    r per base unit (1 + r·s_base), e.g. helpers per bargain started."""
    out = pd.DataFrame(index=p50.index)
    for m in metrics:
        if m.key not in p50.columns:
            continue
        present = [b for b in m.base if b in out.columns]
        if not m.base or len(present) < len(m.base):
            out[m.key] = 1.0
            continue
        base = p50[list(m.base)].sum(axis=1)
        r = (p50[m.key] / base.where(base > 0)).fillna(0.0)
        s_base = sum(out[b] * p50[b] for b in m.base) / base.where(base > 0)
        s_base = s_base.fillna(1.0)
        out[m.key] = np.where(r <= 1, 1 - r + r * s_base, 1 + r * s_base)
    return out


def align(actuals: Actuals, spec: ReviewSpec) -> pd.DataFrame:
    """Each planned day × each metric in the file: the plan's band, the actual (NaN: not reported), a status."""
    band = plan_band(spec.daily)
    reported = [m.key for m in spec.metrics if m.key in actuals.table.columns]
    band = band[band["metric"].isin(reported)].copy()
    band["actual"] = [
        float(actuals.table.at[d, m]) if d in actuals.table.index else math.nan
        for d, m in zip(band["date"], band["metric"], strict=True)
    ]
    kinds = {m.key: m.kind for m in spec.metrics}
    spread = count_spread(band.pivot(index="date", columns="metric", values="p50"), spec.metrics)
    band["spread"] = [float(spread.at[d, m]) for d, m in zip(band["date"], band["metric"], strict=True)]
    band["status"] = [status_of(a, lo, hi, kinds[m], sp) for a, lo, hi, m, sp in
                      zip(band["actual"], band["p10"], band["p90"], band["metric"], band["spread"], strict=True)]
    order = {m: i for i, m in enumerate(reported)}
    return band.sort_values(["date", "metric"], key=lambda s: s.map(order) if s.name == "metric" else s,
                            ignore_index=True)


def variance_table(aligned: pd.DataFrame, spec: ReviewSpec) -> pd.DataFrame:
    """Per metric, over the days it was reported: the plan's band added up, the actual total, the variance."""
    rows = []
    for metric in dict.fromkeys(aligned["metric"]):
        rows_m = aligned[aligned["metric"] == metric]
        seen = rows_m[rows_m["status"] != "missing"]
        p10, p50, p90, actual = (float(seen[c].sum()) for c in ("p10", "p50", "p90", "actual"))
        kind = spec.metric(metric).kind
        spread = float((seen["spread"] * seen["p50"]).sum() / p50) if p50 > 0 else 1.0
        rows.append({
            "metric": metric, "kind": kind, "p10": p10, "p50": p50, "p90": p90, "actual": actual,
            "variance": actual - p50, "variance_share": (actual - p50) / p50 if p50 > 0 else math.nan,
            "status": status_of(actual, p10, p90, kind, spread) if len(seen) else "missing",
            "days_reported": len(seen), "days_below": int((seen["status"] == "below").sum()),
            "days_above": int((seen["status"] == "above").sum()),
        })
    return pd.DataFrame(rows)


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


def pivot(aligned: pd.DataFrame, column: str) -> pd.DataFrame:
    return aligned.pivot(index="date", columns="metric", values=column)


def estimate_rates(aligned: pd.DataFrame, spec: ReviewSpec) -> list[RateEstimate]:
    """Re-estimate each rate the spec names from the days that report its metric and base."""
    actual, p50 = pivot(aligned, "actual"), pivot(aligned, "p50")
    out = []
    for rule in spec.rates:
        planned = spec.ranges[rule.name]
        base = spec.metric(rule.metric).base
        needed = [rule.metric, *base]
        if any(c not in actual.columns for c in needed):
            out.append(RateEstimate(rule.name, rule.metric, planned, 0))
            continue
        days = actual[needed].notna().all(axis=1)
        num_a, num_p = actual.loc[days, rule.metric].to_numpy(), p50.loc[days, rule.metric].to_numpy()
        if base:
            den_a, den_p = actual.loc[days, list(base)].sum(axis=1).to_numpy(), p50.loc[days, list(base)].sum(
                axis=1).to_numpy()
        else:  # no base: the metric's total against the plan's
            den_a = den_p = num_p
        n = int(days.sum())
        est = RateEstimate(rule.name, rule.metric, planned, n)
        out.append(est)
        if n == 0 or den_a.sum() <= 0 or den_p.sum() <= 0 or num_p.sum() <= 0 or planned.centre <= 0:
            continue
        link = rule.link or (lambda x: x)
        ratio_a, ratio_p = num_a.sum() / den_a.sum(), num_p.sum() / den_p.sum()
        to_rate = _scaler(link, ratio_p, planned.centre)
        lo_bound, hi_bound = type(planned).bounds()
        est.estimate = _clip(to_rate(ratio_a), lo_bound, hi_bound)
        est.change = est.estimate / planned.centre - 1
        if n >= MIN_DAYS_FOR_SPREAD:
            # the ratio estimator's standard error from the day-to-day scatter around it
            resid = num_a - ratio_a * den_a
            se = math.sqrt(float((resid**2).sum()) / (n - 1) / n) / float(den_a.mean())
            half = max(PERT_HALF_WIDTH_IN_SE * se, MIN_RELATIVE_HALF_WIDTH * ratio_a)
            low, high = to_rate(max(ratio_a - half, 0.0)), to_rate(ratio_a + half)
        else:
            half = max((planned.high - planned.low) / 2, MIN_RELATIVE_HALF_WIDTH * est.estimate)
            low, high = est.estimate - half, est.estimate + half
        est.low = _clip(_round_sig(low, math.floor), lo_bound, hi_bound)
        est.high = _clip(_round_sig(high, math.ceil), lo_bound, hi_bound)
    return out


def _scaler(link: Callable[[float], float], ratio_planned: float, centre: float) -> Callable[[float], float]:
    anchor = link(ratio_planned)
    return lambda ratio: centre * link(ratio) / anchor if anchor > 0 else math.nan


def _clip(v: float, lo: float | None, hi: float | None) -> float:
    if lo is not None:
        v = max(v, lo)
    if hi is not None:
        v = min(v, hi)
    return v


def _round_sig(v: float, direction: Callable[[float], float], digits: int = 3) -> float:
    """`v` to `digits` significant digits, rounded in `direction` (math.floor or math.ceil)."""
    if v == 0 or not math.isfinite(v):
        return v
    scale = 10 ** (digits - 1 - math.floor(math.log10(abs(v))))
    return direction(round(v * scale, 6)) / scale


def build_review(spec: ReviewSpec, actuals: Actuals, start: date, end: date) -> Review:
    """Plan vs actual, as data: the aligned days, the variance per KPI, the goal, the cost, the rates."""
    aligned = align(actuals, spec)
    kpis = variance_table(aligned, spec)
    by = kpis.set_index("metric")
    goal = None
    if spec.goal and spec.goal_target is not None and spec.goal in by.index:
        actual, target = float(by.at[spec.goal, "actual"]), float(spec.goal_target)
        whole = spec.metric(spec.goal).kind == "count"
        met = (round(actual) >= round(target)) if whole else actual >= target
        goal = {"metric": spec.goal, "target": target, "actual": actual, "met": bool(met),
                "difference": actual - target, "share": actual / target if target > 0 else math.nan,
                "days_reported": int(by.at[spec.goal, "days_reported"])}
    cost = None
    uses = (*spec.cost_uses, spec.result)
    if spec.cost and spec.result and all(m in by.index for m in uses):
        planned_cost = spec.cost({m: float(by.at[m, "p50"]) for m in by.index})
        actual_cost = spec.cost({m: float(by.at[m, "actual"]) for m in by.index})
        planned_results, actual_results = float(by.at[spec.result, "p50"]), float(by.at[spec.result, "actual"])
        cost = {"metric": spec.result, "planned_cost": planned_cost, "actual_cost": actual_cost,
                "planned_results": planned_results, "actual_results": actual_results,
                "planned_per_result": planned_cost / planned_results if planned_results > 0 else math.nan,
                "actual_per_result": actual_cost / actual_results if actual_results > 0 else math.nan}
    return Review(spec, actuals, start, end, aligned, kpis, estimate_rates(aligned, spec), goal, cost)


# ------------------------------------------------------------------ onto the plan


def review_data(plan: Plan, review: Review, lang: str) -> tuple[dict, dict]:
    """plan.json's `review` (per KPI) and `review_summary` (days, goal, cost, flagged days, rates, next params)."""
    from .review_text import next_params_yaml

    per_kpi = {
        r.metric: {"label": label(plan, r.metric), "kind": r.kind, "p10": r.p10, "p50": r.p50, "p90": r.p90,
                   "actual": r.actual, "variance": r.variance, "variance_share": r.variance_share,
                   "status": r.status, "days_reported": r.days_reported, "days_below": r.days_below,
                   "days_above": r.days_above}
        for r in review.kpis.itertuples()
    }
    flagged = [{"date": r.date, "metric": r.metric, "actual": r.actual, "p10": r.p10, "p50": r.p50, "p90": r.p90,
                "side": r.status} for r in review.flagged.itertuples()]
    summary = {
        "actuals_file": Path(review.actuals.source).name,
        "days_planned": len(review.planned_days),
        "days_reported": len(review.reported_days),
        "missing_days": review.missing_days,
        "unknown_columns": list(review.actuals.unknown_columns),
        "rows_outside_campaign": list(review.actuals.outside),
        "flagged_days": flagged,
        "goal": review.goal,
        "cost_per_result": review.cost,
        "rates": {r.name: {"metric": r.metric, "planned": r.planned.as_list(), "estimate": r.estimate,
                           "next": [r.low, r.high] if r.estimated else None, "days": r.days}
                  for r in review.rates},
        "next_params": next_params_yaml(review, lang) if any(r.estimated for r in review.rates) else None,
        "period": review.spec.period,
        "chart_metrics": list(review.spec.chart) or review.metrics,
    }
    return jsonable(per_kpi), jsonable(summary)


def add_review(plan: Plan, spec: ReviewSpec, actuals_path: Path | str, source: str | None = None) -> Review:
    """Read the actuals, compare them with the plan, and add the review to the plan (section, tables, data)."""
    days = sorted(plan_band(spec.daily)["date"].unique())
    start, end = days[0], days[-1]
    actuals = read_actuals(actuals_path, tuple(m.key for m in spec.metrics), start, end,
                           source or display_path(Path(actuals_path)))
    review = build_review(spec, actuals, start, end)
    from .review_text import review_section  # the words, after the numbers (and no import cycle)

    plan.sections[NS] = review_section(plan, review)
    plan.tables["review_vs_plan"] = review.aligned.assign(label=[label(plan, m) for m in review.aligned["metric"]])
    plan.data["review"], plan.data["review_summary"] = review_data(plan, review, plan.language)
    return review


__all__ = [
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
    "daily_band",
    "label",
    "pivot",
    "read_actuals",
]
