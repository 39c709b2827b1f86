"""The zero-fan launch's numbers: validated params → `Figures`, before any words.

Everything the handout shows is worked out here once, under a stable key: the
KPI ranges, the day-by-day timeline (steps as keys), the tables (numbers, dates,
booleans and keys; the params' own names such as partners and prizes as given)
and the plan's own plan.json fields, including the choices the words follow
(the recommended mechanic, which rate to test first, which warnings apply).
The view (`words.py`) turns them into the merchant's language; nothing here
imports the message catalogues.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ..figures import Figures, KpiFigure
from ..montecarlo import Band
from .model import DAILY, LOWER_IS_BETTER, ZeroFanModel, bands, build_model, mean_points
from .schema import CRITERIA, POINTS_MECHANICS, Section

NO_RANGE = Band(float("nan"), float("nan"), float("nan"))  # shown "—", written null
TIMELINE_METRICS = (*DAILY, "fans_to_date")
TOTALS = ("shares", "views", "reached", "helpers", "participants", "new_fans")
HEADLINE = ("new_fans", "participants", "views", "reward_liability", "cost_per_fan")
# KPIs to track every evening, each with how (a message key under kpis.)
TRACK = (("views", "track_views"), ("participants", "track_participants"), ("helpers", "track_helpers"),
         ("new_fans", "track_fans"), ("qualifiers", "track_qualifiers"))


def plan_figures(params: Any) -> Figures:
    """The plan's numbers for validated `params` of the zero-fan launch."""
    s, m = params.section, params.merchant
    model = build_model(s, m.fans, m.budget)
    # every P10/P50/P90 of the plan's draws in one percentile call (the live panel redoes this per change)
    ranges = bands({**{k: model.sim.totals[k] for k in TOTALS}, "share": model.share_qualifying,
                    "qualifiers": model.qualifiers, **{f"cost.{k}": v for k, v in model.costs.items()},
                    "staff_shares": s.staff * model.rates["shares_per_staff"],
                    "pool_share": np.divide(model.sim.totals["reached"], model.rates["reachable_pool"]),
                    "audience": model.sim.audience[:, -1],
                    **({"buyers": model.sales.buyers, "sales": model.sales.net} if s.price is not None else {})})
    per_fan = model.cost_per_fan_band()
    kpis = kpi_figures(ranges, per_fan, model.gift_cost_per_new_band())
    timeline, timeline_table = timeline_figures(s, model)
    tables = {
        "ranking_prizes": prize_table(s),
        "rewards": rewards_table(s, m.budget, ranges, per_fan),
        "channels": channel_table(s, m.fans),
        "timeline": timeline_table,
        "forecast": pd.DataFrame([{"kpi": k, "p10": f.band.p10, "p50": f.band.p50, "p90": f.band.p90,
                                   "kind": f.kind} for k, f in kpis.items()]),
        "points_brackets": bracket_table(model),
        **decision_tables(model),
        "kpis": pd.DataFrame([{"kpi": k, "kind": "count", "target": kpis[k].band.p50, "warn": kpis[k].band.p10,
                               "how": how} for k, how in TRACK]
                             + [{"kpi": "reward_liability", "kind": "money", "target": kpis["reward_liability"].band.p50,
                                 "warn": None, "how": "track_liability"}]),
        "risks": pd.DataFrame({"risk": risk_keys(s)}),
    }
    return Figures(start=s.start_date, end=s.end_date, seed=s.seed, simulations=s.simulations, kpis=kpis,
                   headline=HEADLINE + (("sales",) if "sales" in kpis else ()), timeline=timeline, tables=tables,
                   data=plan_data(params, model, ranges, kpis), model=model, ledger=model.ledger)


def risk_keys(s: Section) -> list[str]:
    """The risks that fit the campaign: saturation needs days to show, a slow start needs staff to start it."""
    keys = ["liability", "fake"] + (["saturation"] if s.duration_days >= 5 else [])
    return keys + (["slow_start"] if s.staff else []) + ([] if s.partners else ["no_partners"])


def kpi_figures(ranges: dict[str, Band], per_fan: Band | None, gift_per_new: Band | None = None
                ) -> dict[str, KpiFigure]:
    """The plan's KPIs; `buyers` and `sales` (what paying sign-ups pay, after the reward) only with a price."""
    kpis = {key: KpiFigure(ranges[key], "count") for key in TOTALS}
    for key, kind in (("buyers", "count"), ("sales", "money")):
        if key in ranges:
            kpis[key] = KpiFigure(ranges[key], kind)
    kpis["qualifiers"] = KpiFigure(ranges["qualifiers"], "count")
    kpis["threshold_share"] = KpiFigure(ranges["share"], "share")
    kpis["reward_liability"] = KpiFigure(ranges["cost.liability"], "money")
    kpis["ranking_cost"] = KpiFigure(ranges["cost.ranking"], "money")
    kpis["total_cost"] = KpiFigure(ranges["cost.total"], "money")
    kpis["cost_per_fan"] = KpiFigure(per_fan or NO_RANGE, "money")
    # what the retention gift costs per new contact it brings (the figure a pull-new rule caps)
    kpis["gift_cost_per_new"] = KpiFigure(gift_per_new or NO_RANGE, "money")
    return kpis


def campaign_day(s: Section, n: int) -> date:
    """Campaign day n (1-based) → its date."""
    return s.start_date + timedelta(days=n - 1)


def award_day(s: Section) -> date:
    return s.end_date + timedelta(days=1)


def prize_table(s: Section) -> pd.DataFrame:
    return pd.DataFrame(
        [{"ranks": f"{p.ranks[0]}–{p.ranks[1]}" if p.ranks[0] != p.ranks[1] else str(p.ranks[0]),
          "prize": p.prize, "winners": p.ranks[1] - p.ranks[0] + 1, "value": p.value} for p in s.ranking_prizes],
        columns=["ranks", "prize", "winners", "value"])


def rewards_table(s: Section, budget: Any, ranges: dict[str, Band], per_fan: Band | None) -> pd.DataFrame:
    """The rewards and what they cost: one row per item (a key), its kind and P10/P50/P90 (equal when exact)."""

    def exact(v: Any) -> Band:
        return Band(float(v), float(v), float(v))

    rows = [("threshold", "points", exact(s.reward_threshold)), ("reward", "money", exact(s.reward_value)),
            ("share", "share", ranges["share"]), ("qualifiers", "count", ranges["qualifiers"]),
            *((k, "money", ranges[f"cost.{k}"]) for k in ("liability", "ranking", "retention")),
            ("fixed", "money", exact(s.fixed_costs)),
            *((k, "money", ranges[f"cost.{k}"]) for k in ("total", "cash")),
            ("budget", "money", exact(budget)), ("per_fan", "money", per_fan or NO_RANGE)]
    return pd.DataFrame([{"item": k, "kind": kind, "p10": b.p10, "p50": b.p50, "p90": b.p90}
                         for k, kind, b in rows])


def channel_table(s: Section, fans: int) -> pd.DataFrame:
    """Who posts what when: employees first, then partners. `channel` and `message` are keys under channels.;
    `partner` names a partner's row; `people` and `days` are the numbers its message names."""
    rows: list[dict] = []

    def add(when: date, channel: str, message: str, **kw: Any) -> None:
        rows.append({"date": when, "channel": channel, "partner": kw.get("partner"), "message": message,
                     "people": kw.get("people"), "days": kw.get("days")})

    if s.warmup_days:
        add(s.start_date - timedelta(days=s.warmup_days), "team", "brief")
        if s.partners:
            add(s.start_date - timedelta(days=s.warmup_days), "partners", "partner_deal")
    if s.staff:
        add(campaign_day(s, 1), "staff", "staff_launch", people=s.staff, days=min(s.staff_days, s.duration_days))
    if fans:
        add(campaign_day(s, 1), "own", "own_launch", people=fans)
    for i, p in enumerate(s.partners):
        add(campaign_day(s, s.partner_day(i)), "partner", "partner_post", partner=p.name, people=p.audience)
    if s.duration_days >= 4:
        add(campaign_day(s, s.duration_days // 2 + 1), "groups", "leaderboard")
    if s.duration_days >= 2:
        add(campaign_day(s, s.duration_days), "all", "last_call")
    add(award_day(s), "service", "award")
    rows.sort(key=lambda row: row["date"])
    # object columns: counts stay whole numbers and missing ones None (not NaN) in plan.json
    return pd.DataFrame(rows, columns=["date", "channel", "partner", "message", "people", "days"], dtype=object)


def timeline_figures(s: Section, model: ZeroFanModel) -> tuple[list[dict], pd.DataFrame]:
    """plan.json's timeline (ISO dates, every KPI as {p10, p50, p90}) and the day-by-day table (P50s).
    Each day has its own step (`action`, a key; `partner` names the partner posting that day)."""
    by_day = {metric: [band.tolist() for band in model.daily_bands[metric]] for metric in TIMELINE_METRICS}
    posting = {s.partner_day(i): p.name for i, p in reversed(list(enumerate(s.partners)))}  # first partner wins
    warmup = warmup_steps(s.warmup_days, bool(s.partners), bool(s.staff))
    shown = ("views", "participants", "new_fans", "k_factor")
    timeline, rows = [], []
    for d in range(-s.warmup_days, s.duration_days + 1):
        when = s.start_date + timedelta(days=d)
        phase, action = phase_of(d + 1, s, posting, warmup)
        entry = {"date": when.isoformat(), "day": d + 1, "phase": phase, "action": action}
        row = {"date": when, "weekday": when.weekday(), "phase": phase, "action": action,
               "partner": posting.get(d + 1, "") if phase == "partners" else ""}
        if row["partner"]:
            entry["partner"] = row["partner"]
        if 0 <= d < s.duration_days:
            for metric in TIMELINE_METRICS:
                p10, p50, p90 = (band[d] for band in by_day[metric])
                entry[metric] = {"p10": round(p10, 4), "p50": round(p50, 4), "p90": round(p90, 4)}
            row.update({k: by_day[k][1][d] for k in shown})
        else:
            row.update({k: None for k in shown})
        rows.append(row)
        timeline.append(entry)
    return timeline, pd.DataFrame(rows)


# The warm-up, day by day: set up first, a dry run last; the days between brief, recruit and tease.
WARMUP_MIDDLE = ("warmup_brief", "warmup_partners", "warmup_teaser")
WARMUP_FILL = ("warmup_content", "warmup_check")  # a long warm-up alternates these, never one step three days


def warmup_steps(days: int, partners: bool, staff: bool = True) -> list[str]:
    """The warm-up's step for each of its `days` days, in order (no staff: nobody to brief or rehearse with)."""
    if days <= 0:
        return []
    if days == 1:
        return ["warmup_one" if staff else "warmup_setup"]
    middle = [k for k in WARMUP_MIDDLE if (partners or k != "warmup_partners") and (staff or k == "warmup_partners")]
    room = days - 2
    middle = middle[-room:] if 0 < room < len(middle) else middle if room else []
    fill = [WARMUP_FILL[i % 2] for i in range(room - len(middle))]
    return ["warmup_setup", *fill, *middle, "warmup_dry_run" if staff else "warmup_test"]


RUN_STEPS = ("run_action", "run_thanks", "run_story")  # the running days rotate, so no step repeats three days


def phase_of(day: int, s: Section, posting: dict[int, str], warmup: list[str]) -> tuple[str, str]:
    """Phase and action (keys) for campaign day `day` (1-based; ≤ 0 is preparation, past the end the award day)."""
    if day <= 0:
        return "warmup", warmup[day - 1 + len(warmup)]
    if day > s.duration_days:
        return "award", "award_action"
    if day == 1:
        return "launch", "launch_action" if s.staff else "launch_action_no_staff"
    if day in posting:
        return "partners", "partner_action"
    if s.staff and day <= min(s.staff_days, s.duration_days):
        return "staff", ("staff_action", "staff_check")[day % 2]
    if day == s.duration_days:
        return "last", "last_action"
    if day == s.duration_days // 2 + 1:
        return "run", "mid_action"
    return "run", RUN_STEPS[day % len(RUN_STEPS)]


def bracket_table(model: ZeroFanModel) -> pd.DataFrame:
    brackets = model.points_brackets.copy()
    brackets["points"] = [f"{a}+" if pd.isna(b) else str(a) if a == int(b) else f"{a}–{b:.0f}"  # 3, not 3–3
                          for a, b in zip(brackets["points_from"], brackets["points_to"], strict=True)]
    return brackets


def decision_tables(model: ZeroFanModel) -> dict[str, pd.DataFrame]:
    """The mechanic table (reasons as a list of keys), the threshold options, the tornado."""
    mechanics = model.mechanics.copy()
    mechanics["adjusted_by"] = [list(ws) for ws in mechanics["adjusted_by"]]
    return {"mechanics": mechanics, "thresholds": model.thresholds.copy(), "sensitivity": model.tornado.copy()}


def decision_data(s: Section, model: ZeroFanModel, budget: Any, kpis: dict[str, KpiFigure], cash: Band) -> dict:
    """The mechanic choice the plan follows: plan.json `decision`.

    `options`: every mechanic, scored; the ones the points model runs carry the plan's figures (the
    same for both: friends give points either way) and whether their cash (prizes, gifts, fixed
    costs) fits the budget. The plan runs the best-scoring runnable option within budget (with none
    within budget, the best-scoring runnable one), unless the params name another `mechanic`; then
    `override_reason` says why the chosen one is not the best within budget (`mechanic_reason`, or
    the override's code, `params` or `none_within_budget`, when the params give no reason).
    Also the best two of the table, a tie, strong points, the reasons; what to test first."""
    table = model.mechanics
    fits = cash.p50 <= float(budget)
    options = [{"mechanic": str(m), "rank": int(rank), "score": float(score), "runnable": m in POINTS_MECHANICS,
                "new_fans": kpis["new_fans"].band.p50 if m in POINTS_MECHANICS else None,
                "cash": cash.p50 if m in POINTS_MECHANICS else None,
                "within_budget": fits if m in POINTS_MECHANICS else None}
               for m, rank, score in zip(table["mechanic"], table["rank"], table["score"], strict=True)]
    first = next(o["mechanic"] for o in options if o["runnable"])  # the table is in rank order
    best = next((o["mechanic"] for o in options if o["within_budget"]), None)
    chosen = s.mechanic if "mechanic" in s.model_fields_set else best or first
    override = None if chosen == best else "params" if chosen != first or best is not None else "none_within_budget"
    for o in options:
        o["chosen"] = o["mechanic"] == chosen
    b, runner = table.iloc[0], table.iloc[1]
    tor = model.tornado
    top = tor.iloc[0] if len(tor) and tor["swing"].max() > 0 else None
    return {
        "options": options, "chosen": chosen, "best_within_budget": best, "best_runnable": first, "override": override,
        "override_reason": (s.mechanic_reason or override) if override else None,
        "best": str(b["mechanic"]), "best_score": float(b["score"]),
        "runner_up": str(runner["mechanic"]), "runner_up_score": float(runner["score"]),
        "tie": f"{b['score']:.2f}" == f"{runner['score']:.2f}",  # equal as the table shows them
        "strengths": [c for c in CRITERIA if (6 - b[c] if c in LOWER_IS_BETTER else b[c]) >= 4],
        "reasons": list(dict.fromkeys(w for ws in table["adjusted_by"] for w in ws)),
        "test_first": None if top is None else {
            "rate": str(top["rate"]), "low": float(min(top["fans_at_low"], top["fans_at_high"])),
            "high": float(max(top["fans_at_low"], top["fans_at_high"]))},
    }


def plan_data(params: Any, model: ZeroFanModel, ranges: dict[str, Band], kpis: dict[str, KpiFigure]) -> dict:
    """The playbook's own plan.json fields (the figures the sentences name, each computed once here)."""
    s, m = params.section, params.merchant
    liability, cash = ranges["cost.liability"], ranges["cost.cash"]
    decision = decision_data(s, model, m.budget, kpis, cash)
    per_fan = kpis["cost_per_fan"].band
    return {
        "mechanic": decision["chosen"],
        "recommended_mechanic": model.recommended,
        "fans": m.fans,
        "duration_days": s.duration_days,
        "warmup_days": s.warmup_days,
        "staff_days": min(s.staff_days, s.duration_days),
        "partner_count": len(s.partners),
        "reward_threshold": s.reward_threshold,
        "reward_value": s.reward_value,
        "reward_cap": s.reward_cap,
        "product": s.product,
        "staff": s.staff,
        "partners": [{"name": p.name, "audience": p.audience, "day": s.partner_day(i),
                      "date": campaign_day(s, s.partner_day(i))} for i, p in enumerate(s.partners)],
        "budget": m.budget,
        "cost_per_fan": per_fan.to_dict(4) if np.isfinite(per_fan.p50) else None,
        "cash_outlay": cash,
        "pool_share_reached": ranges["pool_share"],
        "audience_reachable": ranges["audience"],
        "forced_follow": s.forced_follow,
        "price": s.price,
        "k_factor_day2": float(np.median(model.sim.daily["k_factor"][:, min(1, s.duration_days - 1)])),
        "k_factor_last_day": float(np.median(model.sim.daily["k_factor"][:, -1])),
        "staff_shares": ranges["staff_shares"],
        "partner_reach": sum(p.audience for p in s.partners),
        "mean_points": float(np.median(mean_points(model.sim))),
        "award_date": award_day(s),
        "decision": decision,
        "k_factor_day2_day": min(2, s.duration_days),
        # the warnings the rewards section gives: goods and cash over budget; a long tail of reward liability
        "cash_over_budget": cash.p50 > float(m.budget),
        "liability_tail": s.reward_cap is None and liability.p90 > 2 * max(liability.p50, 1.0),
        "suggested_cap": max(ranges["qualifiers"].p90, 1),
    }
