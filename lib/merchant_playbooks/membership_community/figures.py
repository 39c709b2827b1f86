"""The membership and community plan's numbers: the model's results under stable keys, no words.

`plan_figures(params, level_names)` runs the model (`model.build_model`, through the
orders cache) and lays its results out as `figures.Figures`: the KPI bands, the day-by-day
timeline (dates and step keys), the tables (numbers, dates and keys) and the playbook's own
plan.json fields. `words.plan_words` makes the sentences from them.

The template's level names are the one piece of language the model takes in: they name
the levels it builds (the tier table, `clv_per_tier`), as a merchant's own `tiers:` do.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import daysoff
from ..economics import Ledger
from ..figures import Figures, KpiFigure
from ..montecarlo import Band
from .attribution import splits
from .model import MembershipModel, build_model
from .rfm import SEGMENT_ORDER
from .rows import Memo, fresh, records, rows

if TYPE_CHECKING:  # the params' type only: the model side imports no loading, diagnosis or words
    from ..loading import PlaybookParams

KPI_KINDS = {"members": "count", "groups": "count", "members_per_group": "count", "active": "count",
             "store_visits": "count", "buyers": "count", "sales": "money", "offline_share": "share",
             "outside_sales": "money", "event_sales": "money", "event_offline_share": "share",
             "gift_cost": "money", "pull_new_cost_per_member": "money"}
CAMP_KPIS = {"camp_finishers": "count", "camp_sales": "money", "kept_friends": "count"}
ECONOMICS_KPIS = {"incremental_revenue": "money", "benefit_cost": "money", "roi": "share", "clv_total": "money"}
HEADLINE = ("sales", "members", "incremental_revenue", "roi", "clv_total")
FUNNEL = ("invited", "members", "groups", "active", "store_visits", "store_buyers", "online_buyers",
          "store_sales", "online_sales", "sales")
# the KPIs to track, each with the catalogue key (under `kpis.`) of how to track it
TRACK = (("members", "track_members"), ("active", "track_active"), ("store_visits", "track_visits"),
         ("buyers", "track_buyers"), ("sales", "track_sales"), ("event_sales", "track_event_sales"),
         ("offline_share", "track_offline"),
         ("gift_cost", "track_gifts"), ("incremental_revenue", "track_repeat"))
STORE_KPIS = ("store_visits", "offline_share", "event_offline_share")
RISKS = ("cost_creep", "fatigue", "low_activity", "group_limits", "lottery_rules", "thin_history")
CAMP_PHASES = ("join", "engage", "convert")
# the timeline moves only with the dates and the camp: built once per those (each plan gets its own copy)
_TIMELINES = Memo(8, lambda item: ([dict(e) for e in item[0]], fresh(item[1])))
_FRAMES = Memo(16, fresh)  # the channel schedule (by its dates) and the risks (always the same)


def plan_figures(params: PlaybookParams, level_names: list[str]) -> Figures:
    """The plan's numbers for validated `params`; `level_names` name the template's levels."""
    s = params.section
    model = build_model(s, params.merchant, params.data_path(s.orders_file), level_names, s.orders_file)
    stores = params.merchant.stores > 0  # without stores nothing is said of store visits, tills or store sales
    dates = (s.plan_start, s.end_date, s.warmup_start, s.start_date, s.event_end, tuple(model.camp), stores)
    timeline, timeline_table = _TIMELINES.get(dates, lambda: _timeline(s, model, stores))
    tables = {"segments": _segments(model), "tiers": model.tiers, "gifts": _gifts(s, model),
              **splits(model.history.orders)}  # stores and guides, when the history names them
    if s.community.lottery.enabled:
        tables["lottery"] = _lottery(model)
    tables |= {
        "channels": _FRAMES.get(("channels", s.warmup_start, s.start_date, s.event_end, s.community.warmup_days,
                                 s.community.event_days, s.community.lottery.enabled, stores),
                                lambda: pd.DataFrame(_channel_rows(s, stores))),
        "timeline": timeline_table,
        "funnel": pd.DataFrame(_funnel(model, stores)),
        "winback": model.winback,
    }
    kpis = {k: f for k, f in _kpis(s, model).items() if stores or k not in STORE_KPIS}
    tables["kpis"] = pd.DataFrame([{"key": k, "kind": kpis[k].kind, "target_value": kpis[k].band.p50,
                                    "warn_value": kpis[k].band.p10, "how": how} for k, how in TRACK
                                   if k in kpis])
    tables["risks"] = _FRAMES.get("risks", lambda: pd.DataFrame(
        [{"risk": k, "trigger": f"{k}_sign", "backup": f"{k}_backup"} for k in RISKS]))
    return Figures(start=s.plan_start, end=s.end_date, seed=s.seed, simulations=s.simulations, kpis=kpis,
                   headline=HEADLINE, timeline=timeline, tables=tables, data={**_data(s, model), "stores": stores,
                         "days_off": daysoff.summary(s.plan_start, s.end_date)},  # camp reviews
                   model=model,
                   ledger=ledger(s, model))


def ledger(s, model: MembershipModel) -> Ledger:
    """The community sale's P&L per draw. Sales are what buyers pay (member prices included); at list price
    they are that over the members' average price rate (each level's rate weighted by its customers), the
    difference being the member discounts. Goods cost `1 - gross_margin` of what is paid; the rewards are
    the gifts and the lottery's net cost (the `gift_cost` KPI, the same draws); results are new members.
    Only what the groups' buyers pay counts: the trade of buyers outside the groups (`event_sales` − `sales`)
    would mostly have come anyway, so the plan shows it beside the P&L, not in it."""
    d = model.community.draws
    tiers = model.tiers
    weight = tiers["customer_share"].to_numpy(dtype=float)
    rate = 1.0 - float(np.dot(weight, tiers["discount"].to_numpy(dtype=float)) / weight.sum()) if weight.sum() else 1.0
    paid = d["sales"]
    revenue = paid / rate
    return Ledger(revenue=revenue, discounts=revenue - paid, cogs=paid * (1.0 - s.gross_margin),
                  rewards=d["gift_cost"], fixed=float(s.community.fixed_costs), results=d["members"], result="member")


def _kpis(s, model: MembershipModel) -> dict[str, KpiFigure]:
    kpis = {key: KpiFigure(model.band(key), kind) for key, kind in KPI_KINDS.items()}
    kpis |= {key: KpiFigure(model.economics[key], kind) for key, kind in ECONOMICS_KPIS.items()}
    if s.camp.enabled:
        kpis |= {key: KpiFigure(model.band(key), kind) for key, kind in CAMP_KPIS.items()}
    return kpis


def _segments(model: MembershipModel) -> pd.DataFrame:
    """The RFM segments in the source's order; `segment` is the key, `action` the key of its next step."""
    seg = model.segments.assign(action=model.segments["segment"])
    return seg.sort_values("segment", key=lambda k: k.map(SEGMENT_ORDER.index)).reset_index(drop=True)


def _gifts(s, model: MembershipModel) -> pd.DataFrame:
    """Each gift (pull-new, referral) and the lottery: cost each, expected quantity, total and per member.
    `kind` is the gift's kind (`lottery` for the lottery); `item` the merchant's name for it (None for the
    lottery, whose prizes the view names)."""
    c = s.community
    d = model.community.draws
    per_member = max(float(np.median(d["members"])), 1.0)
    rows = [(g.kind, g.item, g.unit_cost, d["members" if g.kind == "pull_new" else "referred"] * float(g.unit_cost)
             / g.members_per_gift) for g in c.gifts]
    if c.lottery.enabled:
        rows.append(("lottery", None, c.lottery.third_prize_cost, d["lottery_net_cost"]))
    # each row's expected total, scaled so the rows add up to the gift-cost KPI's expected value
    medians = [float(np.median(cost)) for *_, cost in rows]
    scale = float(np.median(d["gift_cost"])) / sum(medians) if sum(medians) else 1.0
    gift_rows = []
    for (kind, item, unit, _), median in zip(rows, medians, strict=True):
        total = median * scale
        qty = float(np.median(d["active"])) if kind == "lottery" else total / float(unit) if unit else 0.0
        gift_rows.append({"kind": kind, "item": item, "unit_cost": unit, "quantity": qty, "total": total,
                          "per_member": total / per_member})
    return pd.DataFrame(gift_rows, columns=["kind", "item", "unit_cost", "quantity", "total", "per_member"])


def _lottery(model: MembershipModel) -> pd.DataFrame:
    """The top-up lottery's break-even: each item's key (catalogue `rewards.lottery_<key>`), its kind, and
    its value (None: never) with P10 and P90 for the two forecast ranges."""
    lot = model.lottery
    d = model.community.draws
    upgrades, net = Band.of(d["lottery_upgrades"]), Band.of(d["lottery_net_cost"])
    return pd.DataFrame([
        {"key": "margin", "kind": "money", "value": lot.margin_per_upgrade, "p10": None, "p90": None},
        {"key": "drawn", "kind": "money", "value": lot.drawn_cost, "p10": None, "p90": None},
        {"key": "for_drawn", "kind": "count", "value": lot.upgrades_for_drawn, "p10": None, "p90": None},
        {"key": "for_all", "kind": "count", "value": lot.upgrades_for_all, "p10": None, "p90": None},
        {"key": "upgrades", "kind": "count", "value": upgrades.p50, "p10": upgrades.p10, "p90": upgrades.p90},
        {"key": "net", "kind": "money", "value": net.p50, "p10": net.p10, "p90": net.p90},
    ], dtype=object)


def _channel_rows(s, stores: bool = True) -> list[dict]:
    """The channel schedule: date, channel key and message key (both under the catalogue's `channels.`)."""
    c = s.community
    out = []
    if c.warmup_days:
        w = s.warmup_start
        out += [(w, "wecom", "open_groups"), *([(w, "store", "store_codes")] if stores else []),
                (w + timedelta(days=min(2, c.warmup_days - 1)), "groups", "teaser"),
                (s.start_date - timedelta(days=1), "groups", "preview")]
    out += [(s.start_date, "groups", "launch"), *([(s.start_date, "store", "launch_store")] if stores else [])]
    if c.lottery.enabled:
        out.append((s.start_date, "groups", "lottery" if stores else "lottery_online"))
    if c.event_days >= 4:
        out.append((s.start_date + timedelta(days=c.event_days // 2), "groups", "reminder"))
    if c.event_days >= 2:
        out.append((s.event_end, "all", "last_call"))
    out.append((s.event_end + timedelta(days=1), "groups", "settle"))
    out.sort(key=lambda r: r[0])
    return [{"date": d, "channel": ch, "message": msg} for d, ch, msg in out]


def _timeline(s, model: MembershipModel, stores: bool = True) -> tuple[list[dict], pd.DataFrame]:
    """plan.json's timeline (ISO dates, keys) and the timeline table (dates, keys; "" for none)."""
    camp = {d.date: d for d in model.camp}
    timeline, table = [], []
    day = s.plan_start
    while day <= s.end_date:
        stage = _stage(s, day)
        action = _action(s, day, stage)
        action = action if stores or action != "launch" else "launch_online"
        cd = camp.get(day)
        table.append({"date": day, "stage": stage, "camp_day": cd.day if cd else None,
                      "phase": cd.phase if cd else "", "content": cd.content if cd else "", "action": action})
        entry = {"date": day.isoformat(), "stage": stage, "action": action}
        if cd:
            entry.update(camp_day=cd.day, camp_phase=cd.phase, content_type=cd.content)
        timeline.append(entry)
        day += timedelta(days=1)
    return timeline, pd.DataFrame(table)


def _stage(s, day: date) -> str:
    if s.warmup_start <= day < s.start_date:
        return "warmup"
    if s.start_date <= day <= s.event_end:
        return "sale"
    return "before" if day < s.warmup_start else "after"


# the warm-up's and the sale's days between their first and last day rotate, so no step repeats three days running
WARMUP_STEPS = ("warmup", "warmup_benefits", "warmup_invite")
SALE_STEPS = ("sale", "sale_bestsellers", "sale_stories")


def _action(s, day: date, stage: str) -> str:
    if stage == "warmup":
        if day == s.warmup_start:
            return "open_groups"
        if day == s.start_date - timedelta(days=1):
            return "preview"
        return WARMUP_STEPS[(day - s.warmup_start).days % len(WARMUP_STEPS)]
    if stage == "sale":
        if day == s.start_date:
            return "launch"
        if day == s.event_end:
            return "last_call"
        return SALE_STEPS[(day - s.start_date).days % len(SALE_STEPS)]
    if stage == "after" and day == s.event_end + timedelta(days=1):
        return "settle"
    return ""


def _funnel(model: MembershipModel, stores: bool = True) -> list[dict]:
    """The community funnel, step by step: P10/P50/P90 and whether the step counts people or money."""
    out = []
    for key in FUNNEL if stores else [k for k in FUNNEL if not k.startswith("store")]:
        b = model.band(key)
        out.append({"step": key, "p10": b.p10, "p50": b.p50, "p90": b.p90,
                    "kind": "money" if key.endswith("sales") else "count"})
    return out


def _data(s, model: MembershipModel) -> dict:
    hist, cust = model.history, model.customers
    tier_rows = rows(model.tiers)
    tiers = [
        {"level": r.level, "tier": r.tier, "min_spend": r.min_spend, "price_rate": r.price_rate,
         "customers": r.customers, "customer_share": r.customer_share, "revenue": r.revenue,
         "revenue_share": r.revenue_share, "near_next": r.near_next, "next_tier": r.next_tier,
         "clv_mean": r.clv_mean, "clv_total": r.clv_total, "spend_next": r.spend_next,
         "benefit_cost": r.benefit_cost, "benefit_budget": r.benefit_budget, "worth": r.worth, "flag": r.flag}
        for r in tier_rows
    ]
    lot = model.lottery
    return {
        "orders_file": s.orders_file,
        "analysis_date": model.analysis_date,
        "orders": len(hist.orders),
        "rows_read": hist.rows_read,
        "orders_excluded": dict(hist.excluded),
        "data_notes": dict(hist.notes),
        "customers": len(cust),
        "revenue": hist.revenue,
        "repeat_customers": int((cust["orders"] > 1).sum()),
        "segments": {r.segment: {"customers": int(r.customers), "revenue": float(r.revenue)}
                     for r in rows(model.segments)},
        "tiers": tiers,
        "clv_per_tier": {r.tier: {"clv_mean": r.clv_mean, "clv_total": r.clv_total} for r in tier_rows},
        "clv_model": None if model.clv is None else {
            "bgnbd": model.clv.purchases.to_dict(), "gamma_gamma": model.clv.spend.to_dict(),
            "horizon_months": s.clv_months, "annual_discount": s.annual_discount},
        "clv_problem": model.clv_problem,
        "invite_pool": model.invite_pool,
        "group_size": s.community.group_size,
        "lottery": {"margin_per_upgrade": lot.margin_per_upgrade, "drawn_cost": lot.drawn_cost,
                    "upgrades_for_drawn": lot.upgrades_for_drawn, "upgrades_for_all": lot.upgrades_for_all},
        "camp_days": s.camp.days if s.camp.enabled else 0,
        "winback": records(model.winback),
        "figures": _sentence_figures(s, model),
    }


def _sentence_figures(s, model: MembershipModel) -> dict:
    """The few figures the sentences quote that no table holds (plan.json keeps them with the rest)."""
    cust = model.customers
    out: dict = {"repeat_share": float((cust["orders"] > 1).mean()),
                 "camp_phase_days": {p: sum(1 for d in model.camp if d.phase == p) for p in CAMP_PHASES},
                 "levels": len(model.levels), "event_days": s.community.event_days,
                 "warmup_days": s.community.warmup_days, "clv_months": s.clv_months,
                 "repeat_uplift": {"low": s.repeat_uplift.low, "high": s.repeat_uplift.high},
                 "incremental_profit": model.economics["incremental_profit"],
                 "winback_count": len(model.winback), "winback_p_alive": s.winback_p_alive}
    if s.camp.enabled:
        out |= {key: model.band(key) for key in ("camp_joined", "camp_buyers")}
    if model.clv is not None:
        out |= {"purchases_next": float(cust["purchases_next"].sum()), "spend_next": float(cust["spend_next"].sum()),
                "clv": float(cust["clv"].sum()), "p_alive_mean": float(cust["p_alive"].mean())}
    return out


__all__ = ["CAMP_PHASES", "FUNNEL", "HEADLINE", "RISKS", "TRACK", "plan_figures"]
