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

from ..economics import _band as ledger_band
from ..figures import Figures, KpiFigure
from ..montecarlo import Band
from .model import METRICS, TOTALS, BargainModel, build_model
from .schema import Section

if TYPE_CHECKING:
    from ..loading import PlaybookParams
    from ..schema import MerchantSection

# the plan's KPIs in the order the handout lists them, with their kinds; the cover shows HEADLINE
KPI_KINDS = {"views": "count", "attempts": "count", "helpers": "count", "completions": "count", "orders": "count",
             "unfilled_orders": "count", "new_followers": "count", "completion_rate": "share", "cost": "money",
             "net": "money", "cost_per_follower": "money"}
HEADLINE = ("new_followers", "orders", "cost", "net", "cost_per_follower")
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
    risky = s.forced_follow or "external_link" in s.share_via
    risk_keys = ("low_completion", "sell_out", "budget", "fake", *(("platform",) if risky else ()))
    decision = _decision_table(model, bands)
    tables = {
        "cut_schedule": _cut_table(s, model),
        "channels": _channels(s.start_date, s.end_date, s.duration_days, s.warmup_days,
                              "external_link" in s.share_via).copy(),
        "timeline": timeline_table,
        "forecast": pd.DataFrame([{"kpi": k, "p10": f.band.p10, "p50": f.band.p50, "p90": f.band.p90, "kind": f.kind}
                                  for k, f in kpis.items()]),
        "decision": decision,
        "comparison": _comparison(model, decision),
        "kpis": _kpi_targets(bands),
        "risks": _risks(risk_keys).copy(),
    }
    data = {**_data(s, m, model, bands), "decision": _decision(s, model, decision)}
    return Figures(start=s.start_date, end=s.end_date, seed=s.seed, simulations=s.simulations, kpis=kpis,
                   headline=HEADLINE, timeline=timeline, tables=tables, data=data, model=model, ledger=model.ledger)


def _bands(model: BargainModel, s: Section, fans: int) -> dict[str, Band]:
    """Every range the plan quotes, from the chosen N's draws: the metrics' totals, the finish rate, the cost,
    the fans reached and the share new to the store; the net and the cost per follower from the P&L's own
    arrays (the same computation as plan.json `economics`)."""
    # in one percentile call (one call each was a tenth of a change's time in the live panel); the same
    # P10/P50/P90 as `Band.of` of each
    chosen = int(np.searchsorted(model.sim.n_values, model.chosen_n))
    samples = [model.total(metric) for metric in TOTALS] + [
        model.sim.completion[:, chosen], model.cost, fans * model.sim.rates["reach_rate"],
        model.sim.rates["new_share"]]
    keys = (*TOTALS, "completion_rate", "cost", "reached", "new_share")
    quantiles = np.percentile(np.stack(samples).astype(float, copy=False), [10, 50, 90], axis=1).T.tolist()
    bands = {key: Band(*q) for key, q in zip(keys, quantiles, strict=True)}
    money = model.ledger.arrays()
    bands["net"] = ledger_band(money["net"])
    bands["cost_per_follower"] = ledger_band(money["cost_per_result"])  # all costs over new followers
    return bands


def _decision_table(model: BargainModel, bands: dict[str, Band]) -> pd.DataFrame:
    """The helpers-needed options, the plan's own row marked `chosen` and holding the plan's figures (the
    same values as its KPIs: one value per figure)."""
    table = model.decision.copy()
    table["chosen"] = table["helpers_needed"] == model.chosen_n
    row = int(np.flatnonzero(table["chosen"].to_numpy())[0])
    own = {"completion_rate": bands["completion_rate"].p50, "orders_p50": bands["orders"].p50,
           "new_followers_p10": bands["new_followers"].p10, "new_followers_p50": bands["new_followers"].p50,
           "new_followers_p90": bands["new_followers"].p90, "cost_p50": bands["cost"].p50,
           "cost_p90": bands["cost"].p90, "cost_per_follower_p50": bands["cost_per_follower"].p50}
    for column, value in own.items():
        table.loc[row, column] = value
    return table


def _comparison(model: BargainModel, decision: pd.DataFrame) -> pd.DataFrame:
    """The bargain (the plan's chosen option, its own figures) against the alternatives."""
    own = decision[decision["chosen"]].iloc[0]
    columns = [c for c in model.comparison.columns if c != "mechanic"]
    bargain = pd.DataFrame([{"mechanic": "bargain", **{c: float(own[c]) for c in columns}}])
    return pd.concat([bargain, model.comparison], ignore_index=True)


def _decision(s: Section, model: BargainModel, table: pd.DataFrame) -> dict:
    """plan.json `decision`: every option with its figures, whether it is within budget and chosen; why the
    chosen one (the best within budget, the consultant's override, or the cheapest when none fits)."""
    options = [{"helpers": int(r.pop("helpers_needed")), **r} for r in table.to_dict(orient="records")]
    basis = "override" if model.overridden else "best_within_budget" if model.best_n is not None else "none_within"
    reason = None
    if model.overridden:
        reason = s.helpers_reason or f"helpers_needed: {model.chosen_n} is set in the params (no reason given)"
    chosen = next(i for i, o in enumerate(options) if o["chosen"])
    return {"options": options, "chosen_index": chosen, "chosen_helpers": model.chosen_n,
            "best_within_budget": model.best_n, "basis": basis, "override_reason": reason}


def _cut_table(s: Section, model: BargainModel) -> pd.DataFrame:
    """What each helper cuts and the price after the cut, exact to the cent."""
    price, rows = s.original_price, []
    for i, cut in enumerate(model.cuts, start=1):
        price -= cut
        rows.append({"helper": i, "cut": cut, "price_after": price})
    return pd.DataFrame(rows)


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
        phase, action = _phase(d, s.duration_days, s.warmup_days)
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


def _phase(d: int, days: int, warmup: int) -> tuple[str, str]:
    """Day d's phase and action (d < 0: warm-up; 0: the first day): a real sequence, never the same action
    three days running."""
    if d < 0:
        return "warmup", warmup_actions(warmup)[warmup + d]
    if d == 0:
        return "launch", "launch_action"
    if days >= 2 and d == days - 1:
        return "last", "final_action"
    if days >= 3 and d == days - 2:
        return "last", "last_action"
    if days >= 5 and d == days // 2:
        return "run", "mid_action"
    return "run", ("progress_action", "nudge_action")[d % 2]


def warmup_actions(days: int) -> list[str]:
    """The warm-up, day by day (keys under `timeline.`): the teaser first, then (on longer warm-ups) product
    stories and group invitations in turn, the staff briefing, the rules post and the eve's countdown."""
    ends = {0: [], 1: ["warmup_rules"], 2: ["warmup_teaser", "warmup_rules"],
            3: ["warmup_teaser", "warmup_brief", "warmup_rules"]}
    if days in ends:
        return ends[days]
    middle = [("warmup_story", "warmup_invite")[i % 2] for i in range(days - 4)]
    return ["warmup_teaser", *middle, "warmup_brief", "warmup_rules", "warmup_eve"]


def _kpi_targets(bands: dict[str, Band]) -> pd.DataFrame:
    """The KPIs to track (`kpi` a KPI key, `how` a key under `kpis.`): the target (P50) and the level to act
    below (P10)."""
    rows = [{"kpi": k, "target": bands[k].p50, "warn": bands[k].p10, "how": how} for k, how in TRACK]
    return pd.DataFrame([*rows, {"kpi": "cost", "target": bands["cost"].p50, "warn": None, "how": "track_cost"}])


def _data(s: Section, m: MerchantSection, model: BargainModel, bands: dict[str, Band]) -> dict:
    """The playbook's own plan.json fields: its prices and choices, and the figures its sentences quote."""
    sold = model.sim.sold_out_day
    early = sold[(sold >= 0) & (sold < s.duration_days - 1)]  # gone before the last day
    helpers, attempts = bands["helpers"].p50, bands["attempts"].p50
    return {
        "product": s.product,
        "fans": m.fans,
        "duration_days": s.duration_days,
        "warmup_days": s.warmup_days,
        "original_price": s.original_price,
        "floor_price": s.floor_price,
        "unit_cost": model.unit_cost,
        "unit_cost_assumed": s.unit_cost is None,  # the documented default (half the original price)
        "stock": model.stock,  # what the rules publish: the merchant's stock, capped at what the budget covers
        "stock_available": s.stock,
        "stock_cap_within_budget": model.stock_cap,
        "helpers_needed": model.chosen_n,
        "helpers_options": list(s.helpers_options),
        "best_helpers_needed": model.best_n,
        "cut_schedule": list(model.cuts),
        "first_cut": model.cuts[0],
        "subsidy_per_order": model.subsidy,
        "margin_at_floor": model.margin_at_floor,
        "loss_per_order": max(-model.margin_at_floor, Decimal(0)),
        "budget": m.budget,
        "fixed_costs": s.fixed_costs,
        "budget_share_within": model.budget_share_within,
        "forced_follow": s.forced_follow,
        # how the stock closes the event: it caps the floor-price orders; bargains run on to the end date
        # (`runs_to_end`) or stop the day it is gone (`closes_when_sold_out`)
        "stock_rule": "closes_when_sold_out" if s.close_when_sold_out else "runs_to_end",
        "views_given": s.product_views is not None,  # views are the params' total, the helpers' visits inside it
        "product_views": s.product_views,
        "share_via": list(s.share_via),
        # what the sentences quote (audience, forecast, decision, rewards)
        "fans_reached": bands["reached"],
        "new_share": bands["new_share"],
        "helpers_per_bargain": helpers / attempts if attempts > 0 else 0.0,
        "sold_out_share": float(np.mean(sold >= 0)),
        "sold_out_early_share": len(early) / len(sold),
        "stock_lasts_share": 1 - float(np.mean(sold >= 0)),
        "sold_out_day": int(np.median(early)) + 1 if len(early) else None,  # when it goes early, typically
    }


# Tables that only the dates (or the follow rule) change: built once per value and copied into each plan
# (most levers of the live panel leave them alone).
@functools.lru_cache(maxsize=16)
def _channels(start: date, end: date, duration_days: int, warmup_days: int, moments: bool) -> pd.DataFrame:
    """When each channel announces the event: the date, the channel and the message (keys under `channels.`),
    on the warm-up's days (`warmup_actions`); the shares go through the mini program's own cards."""
    rows = []
    for d, action in enumerate(warmup_actions(warmup_days), start=-warmup_days):
        day = start + timedelta(days=d)
        if action == "warmup_teaser":
            rows += [(day, "groups", "teaser"), *([(day, "moments", "teaser")] if moments else [])]
        elif action == "warmup_rules":
            rows += [(day, "official_account", "rules"), (day, "groups", "rules")]
        elif action == "warmup_eve":
            rows.append((day, "groups", "countdown"))
    rows += [(start, "official_account", "launch"), (start, "groups", "launch"), (start, "store", "launch")]
    if duration_days >= 5:
        rows.append((start + timedelta(days=duration_days // 2), "groups", "reminder"))
    if duration_days >= 3:
        rows.append((end - timedelta(days=1), "all", "last_call"))
    rows.append((end + timedelta(days=1), "official_account", "wrap"))
    return pd.DataFrame([{"date": d, "channel": c, "message": msg} for d, c, msg in rows])


@functools.lru_cache(maxsize=8)
def _risks(keys: tuple[str, ...]) -> pd.DataFrame:
    """Each risk, the sign it is happening and the backup plan (keys under `risks.`)."""
    return pd.DataFrame([{"risk": k, "trigger": f"{k}_sign", "backup": f"{k}_backup"} for k in keys])


__all__ = ["HEADLINE", "KPI_KINDS", "plan_figures", "warmup_actions"]
