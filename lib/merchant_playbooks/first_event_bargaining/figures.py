"""The bargaining plan's numbers: validated params → `Figures` (no words; `words.py` is the view).

Every figure the handout quotes is worked out here once, under a stable key: the KPI
ranges, the tables (machine values: numbers, dates, booleans and catalogue keys the view
names through the `key:<prefix>` and `yesno` formats), the day-by-day timeline (phase and
action as keys) and the playbook's own plan.json fields. Imports no message catalogue.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..figures import Figures, KpiFigure
from ..montecarlo import Band
from .model import METRICS, BargainModel, build_model
from .schema import Section

if TYPE_CHECKING:
    from ..loading import PlaybookParams
    from ..schema import MerchantSection

# the plan's KPIs in the order the handout lists them, with their kinds; the cover shows HEADLINE
KPI_KINDS = {"views": "count", "attempts": "count", "helpers": "count", "completions": "count", "orders": "count",
             "new_followers": "count", "completion_rate": "share", "cost": "money", "cost_per_follower": "money"}
HEADLINE = ("new_followers", "orders", "completion_rate", "cost", "cost_per_follower")
# KPIs to track: (KPI, how to track it — a key under `kpis.`); the cost is tracked against its P50 alone
TRACK = (("views", "track_views"), ("attempts", "track_attempts"), ("completions", "track_completions"),
         ("orders", "track_orders"), ("new_followers", "track_followers"))
TIMELINE_COUNTS = ("views", "attempts", "orders", "new_followers")  # the timeline table's daily P50 columns


def plan_figures(params: PlaybookParams) -> Figures:
    """Everything the bargaining plan shows, as numbers, dates, choices and tables."""
    s, m = params.section, params.merchant
    model = build_model(s, m.fans, m.budget)
    bands = _bands(model, s, m.fans)
    kpis = {key: KpiFigure(bands[key], kind) for key, kind in KPI_KINDS.items()}
    timeline, timeline_table = _timeline(s, model)
    risk_keys = ("low_completion", "sell_out", "budget", "fake", *(("platform",) if s.forced_follow else ()))
    tables = {
        "cut_schedule": _cut_table(s, model),
        "economics": _economics(model, bands, m.budget),
        "channels": _channels(s.start_date, s.end_date, s.duration_days, s.warmup_days).copy(),
        "timeline": timeline_table,
        "forecast": pd.DataFrame([{"kpi": k, "p10": f.band.p10, "p50": f.band.p50, "p90": f.band.p90, "kind": f.kind}
                                  for k, f in kpis.items()]),
        "decision": model.decision.copy(),
        "comparison": model.comparison.copy(),
        "kpis": _kpi_targets(bands),
        "risks": _risks(risk_keys).copy(),
    }
    return Figures(start=s.start_date, end=s.end_date, seed=s.seed, simulations=s.simulations, kpis=kpis,
                   headline=HEADLINE, timeline=timeline, tables=tables, data=_data(s, m, model, bands), model=model)


def _bands(model: BargainModel, s: Section, fans: int) -> dict[str, Band]:
    """Every range the plan quotes, from the chosen N's draws: the metrics' totals, the finish rate, the cost,
    the cost per follower, the fans reached and the share new to the store."""
    # in one percentile call (one call each was a tenth of a change's time in the live panel); the same
    # P10/P50/P90 as `Band.of` of each
    chosen = int(np.searchsorted(model.sim.n_values, s.helpers_needed))
    samples = [model.total(metric) for metric in METRICS] + [
        model.sim.completion[:, chosen], model.cost, fans * model.sim.rates["reach_rate"],
        model.sim.rates["new_share"]]
    keys = (*METRICS, "completion_rate", "cost", "reached", "new_share")
    quantiles = np.percentile(np.stack(samples).astype(float, copy=False), [10, 50, 90], axis=1).T.tolist()
    bands = {key: Band(*q) for key, q in zip(keys, quantiles, strict=True)}
    # cost per follower from each draw's own ratio (not P10 cost over P10 followers)
    bands["cost_per_follower"] = Band(float("nan"), float("nan"), float("nan"))
    followers = model.total("new_followers")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(followers > 0, model.cost / followers, np.nan)
    if np.isfinite(ratio).any():
        bands["cost_per_follower"] = Band.of(ratio[np.isfinite(ratio)])
    return bands


def _cut_table(s: Section, model: BargainModel) -> pd.DataFrame:
    """What each helper cuts and the price after the cut, exact to the cent."""
    price, rows = s.original_price, []
    for i, cut in enumerate(model.cuts, start=1):
        price -= cut
        rows.append({"helper": i, "cut": cut, "price_after": price})
    return pd.DataFrame(rows)


def _economics(model: BargainModel, bands: dict[str, Band], budget: Decimal) -> pd.DataFrame:
    """The rewards' cost, item by item (`item` a key under `rewards.`): a value, or a range's P50 with its
    P10 and P90, and the kind the view formats it as."""
    rows = [("subsidy", model.subsidy, None, "money"), ("margin", model.margin_at_floor, None, "money"),
            ("orders", None, bands["orders"], "count"), ("cost", None, bands["cost"], "money"),
            ("per_follower", None, bands["cost_per_follower"], "money"), ("budget", budget, None, "money"),
            ("within", model.budget_share_within, None, "share")]
    return pd.DataFrame([{"item": item, "value": value if band is None else band.p50,
                          "p10": None if band is None else band.p10,
                          "p90": None if band is None else band.p90, "kind": kind} for item, value, band, kind in rows])


def _timeline(s: Section, model: BargainModel) -> tuple[list[dict], pd.DataFrame]:
    """The dated timeline (plan.json: each day's phase and action keys and every metric's band) and its
    table (weekday 0 = Monday; phase and action as keys under `timeline.`; the expected counts)."""
    # the daily bands by (day, metric), from the table's columns as plain lists (pandas lookups per day,
    # then its rows as tuples, were most of the timeline's time)
    quantiles = ("p10", "p50", "p90")
    columns = [model.daily[c].tolist() for c in ("day", "metric", *quantiles)]
    daily = {(day, metric): dict(zip(quantiles, q, strict=True)) for day, metric, *q in zip(*columns, strict=True)}
    timeline, rows = [], []
    for d in range(-s.warmup_days, s.duration_days):
        day = s.start_date + timedelta(days=d)
        phase, action = _phase(d, s.duration_days)
        row = {"date": day, "weekday": day.weekday(), "phase": f"phase_{phase}", "action": action}
        entry = {"date": day.isoformat(), "day": d + 1, "phase": phase, "action": action}
        if d >= 0:
            for metric in METRICS:
                entry[metric] = {q: round(float(v), 2) for q, v in daily[d + 1, metric].items()}
            row.update({k: float(daily[d + 1, k]["p50"]) for k in TIMELINE_COUNTS})
        else:
            row.update(dict.fromkeys(TIMELINE_COUNTS))
        rows.append(row)
        timeline.append(entry)
    return timeline, pd.DataFrame(rows)


def _phase(d: int, days: int) -> tuple[str, str]:
    if d < 0:
        return "warmup", "warmup_action"
    if d == 0:
        return "launch", "launch_action"
    if days >= 3 and d >= days - 2:
        return "last", "last_action"
    if days >= 4 and d == days // 2:
        return "run", "mid_action"
    return "run", "run_action"


def _kpi_targets(bands: dict[str, Band]) -> pd.DataFrame:
    """The KPIs to track (`kpi` a KPI key, `how` a key under `kpis.`): the target (P50) and the level to act
    below (P10)."""
    rows = [{"kpi": k, "target": bands[k].p50, "warn": bands[k].p10, "how": how} for k, how in TRACK]
    return pd.DataFrame([*rows, {"kpi": "cost", "target": bands["cost"].p50, "warn": None, "how": "track_cost"}])


def _data(s: Section, m: MerchantSection, model: BargainModel, bands: dict[str, Band]) -> dict:
    """The playbook's own plan.json fields: its prices and choices, and the figures its sentences quote."""
    sold = model.sim.sold_out_day
    share_sold = float(np.mean(sold >= 0))
    best = None
    if model.best_n is not None:
        best = float(model.decision["new_followers_p50"].iloc[model.decision["helpers_needed"].tolist()
                                                              .index(model.best_n)])
    helpers, attempts = bands["helpers"].p50, bands["attempts"].p50
    return {
        "product": s.product,
        "original_price": s.original_price,
        "floor_price": s.floor_price,
        "unit_cost": s.unit_cost,
        "stock": s.stock,
        "helpers_needed": s.helpers_needed,
        "best_helpers_needed": model.best_n,
        "cut_schedule": list(model.cuts),
        "subsidy_per_order": model.subsidy,
        "margin_at_floor": model.margin_at_floor,
        "budget": m.budget,
        "budget_share_within": model.budget_share_within,
        "forced_follow": s.forced_follow,
        # what the sentences quote (audience, forecast, decision, rewards)
        "fans_reached": bands["reached"],
        "new_share": bands["new_share"],
        "helpers_per_bargain": helpers / attempts if attempts > 0 else 0.0,
        "sold_out_share": share_sold,
        "stock_lasts_share": 1 - share_sold,
        "sold_out_day": int(np.median(sold[sold >= 0])) + 1 if share_sold > 0 else None,
        "best_new_followers": best,
        # the stock that keeps the cuts given within the budget (said when the optimistic cost exceeds it)
        "stock_cap_within_budget": int(max(float(m.budget - s.fixed_costs), 0) // float(model.subsidy)),
    }


# Tables that only the dates (or the follow rule) change: built once per value and copied into each plan
# (most levers of the live panel leave them alone).
@functools.lru_cache(maxsize=16)
def _channels(start: date, end: date, duration_days: int, warmup_days: int) -> pd.DataFrame:
    """When each channel announces the event: the date, the channel and the message (keys under `channels.`)."""
    warm_start = start - timedelta(days=warmup_days)
    rows = [(warm_start, "groups", "teaser"), (warm_start, "moments", "teaser")] if warmup_days else []
    rows += [(start, "official_account", "launch"), (start, "groups", "launch"), (start, "store", "launch")]
    if duration_days >= 4:
        rows.append((start + timedelta(days=duration_days // 2), "groups", "reminder"))
    if duration_days >= 2:
        rows.append((end - timedelta(days=1), "all", "last_call"))
    rows.append((end + timedelta(days=1), "official_account", "wrap"))
    return pd.DataFrame([{"date": d, "channel": c, "message": msg} for d, c, msg in rows])


@functools.lru_cache(maxsize=8)
def _risks(keys: tuple[str, ...]) -> pd.DataFrame:
    """Each risk, the sign it is happening and the backup plan (keys under `risks.`)."""
    return pd.DataFrame([{"risk": k, "trigger": f"{k}_sign", "backup": f"{k}_backup"} for k in keys])


__all__ = ["HEADLINE", "KPI_KINDS", "plan_figures"]
