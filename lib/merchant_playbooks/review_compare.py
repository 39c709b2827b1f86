"""Plan vs actual, as numbers: the actuals aligned with the plan's daily P10/P50/P90 band, days
outside the band flagged, the variance per KPI, the goal met or missed, the cost per result,
and the re-estimated rates — the `Review` the words (`review_text.py`) are made from.

Planned totals over the days reported are the plan's daily ranges added up: within one
simulated campaign the days move together (the same rates drive every day), so the sum of
daily P50s is the P50 of the total to within a fraction of a percent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .review_actuals import Actuals
from .review_rates import RateEstimate, estimate_rates
from .review_spec import Metric, ReviewSpec

CHANCE = 0.10  # a count is flagged only when it would be rarer than this even at the band's edge
# A P10–P90 band leaves out about one day in five. The forecast "missed" a metric when far more
# days fell outside: at least MISS_MIN_DAYS, and a one-sided binomial test against BAND_OUTSIDE
# rejects at MISS_P (the flagged days are counted with the chance-widened band, so this errs
# towards "held").
BAND_OUTSIDE = 0.20
MISS_MIN_DAYS = 3
MISS_P = 0.01


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
    campaign_end: date | None = None  # the plan's last day (after `end` when reviewed before it)

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


def status_of(actual: float, p10: float, p90: float, kind: str, spread: float = 1.0, chance: bool = True) -> str:
    """within | below | above the P10–P90 band.

    The plan forecasts expected counts; a day's real count also varies by chance,
    which matters when counts are small (2 bargains on a day planned at 3.1–5.4 is
    ordinary). So for whole-number metrics the band is widened to the counts a day
    would show at least 10% of the time at its edges — Poisson, or negative binomial
    with variance `spread` × mean for counts that come in clumps (see `count_spread`)
    — and is never narrower than P10–P90 rounded outwards. `chance=False` compares with the
    band as printed (counts rounded to whole numbers): "within range" then means inside it.
    """
    if not math.isfinite(actual):
        return "missing"
    if kind == "count" and not chance:
        actual, lo, hi = round(actual), round(p10), round(p90)
    elif kind == "count":
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
        rows.append({
            "metric": metric, "kind": kind, "p10": p10, "p50": p50, "p90": p90, "actual": actual,
            "variance": actual - p50, "variance_share": (actual - p50) / p50 if p50 > 0 else math.nan,
            "status": status_of(actual, p10, p90, kind, chance=False) if len(seen) else "missing",
            "days_reported": len(seen), **forecast_fit(len(seen), int((seen["status"] == "below").sum()),
                                                       int((seen["status"] == "above").sum())),
        })
    return pd.DataFrame(rows)


def forecast_fit(days: int, below: int, above: int) -> dict:
    """Did the daily band hold? `forecast` is "held", or "missed_above" / "missed_below" /
    "missed_both" when far more of the `days` fell outside than a P10–P90 band allows."""
    from scipy.stats import binomtest

    outside = below + above
    p = float(binomtest(outside, days, BAND_OUTSIDE, alternative="greater").pvalue) if days else 1.0
    fit = "held"
    if outside >= MISS_MIN_DAYS and p < MISS_P:
        fit = "missed_above" if above >= 3 * below else "missed_below" if below >= 3 * above else "missed_both"
    return {"days_below": below, "days_above": above, "days_outside_share": outside / days if days else math.nan,
            "forecast": fit, "forecast_p_value": p}


def _goal(spec: ReviewSpec, by: pd.DataFrame) -> dict | None:
    """The goal's target against the actual total of its metric (None: the plan states none, or no data)."""
    if not (spec.goal and spec.goal_target is not None and spec.goal in by.index):
        return None
    actual, target = float(by.at[spec.goal, "actual"]), float(spec.goal_target)
    whole = spec.metric(spec.goal).kind == "count"
    met = (round(actual) >= round(target)) if whole else actual >= target
    return {"metric": spec.goal, "target": target, "actual": actual, "met": bool(met),
            "difference": actual - target, "share": actual / target if target > 0 else math.nan,
            "gap": abs(actual - target), "gap_share": abs(actual / target - 1) if target > 0 else math.nan,
            "days_reported": int(by.at[spec.goal, "days_reported"])}


def _cost(spec: ReviewSpec, by: pd.DataFrame) -> dict | None:
    """The cost per result, planned and actual (None unless every metric the cost reads was reported)."""
    uses = (*spec.cost_uses, spec.result)
    if not (spec.cost and spec.result and all(m in by.index for m in uses)):
        return None
    planned_cost = spec.cost({m: float(by.at[m, "p50"]) for m in by.index})
    actual_cost = spec.cost({m: float(by.at[m, "actual"]) for m in by.index})
    planned_results, actual_results = float(by.at[spec.result, "p50"]), float(by.at[spec.result, "actual"])
    return {"metric": spec.result, "planned_cost": planned_cost, "actual_cost": actual_cost,
            "planned_results": planned_results, "actual_results": actual_results,
            "planned_per_result": planned_cost / planned_results if planned_results > 0 else math.nan,
            "actual_per_result": actual_cost / actual_results if actual_results > 0 else math.nan}


def build_review(spec: ReviewSpec, actuals: Actuals, start: date, end: date) -> Review:
    """Plan vs actual, as data: the aligned days, the variance per KPI, the goal, the cost, the rates."""
    aligned = align(actuals, spec)
    kpis = variance_table(aligned, spec)
    by = kpis.set_index("metric")
    return Review(spec, actuals, start, end, aligned, kpis, estimate_rates(aligned, spec), _goal(spec, by),
                  _cost(spec, by))
