"""The bargaining plan: the model's results laid out on the playbook spine, in the merchant's language."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from .. import i18n
from ..compliance import compliance_section
from ..loading import PlaybookParams
from ..montecarlo import Band
from ..plan import Bullets, Callout, Kpi, KpiGrid, Para, Plan, Rules, Section, Table, new_plan
from .compliance import uses
from .model import METRICS, BargainModel, build_model
from .review import add_review

NS = "first_event_bargaining"


def build_plan(params: PlaybookParams) -> Plan:
    s, m, lang = params.section, params.merchant, params.lang
    model = build_model(s, m.fans, m.budget)

    def t(key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", lang, **kw)

    def money(v: Decimal | float) -> str:
        return i18n.money(v, m.currency, lang)

    def count(v: float) -> str:
        return i18n.number(round(v))

    plan = new_plan(params, t("title", product=s.product), s.start_date, s.end_date, s.seed, s.simulations)
    plan.model = model
    # every range the plan quotes from the chosen N's draws, in one percentile call (one call each was
    # a tenth of a change's time in the live panel); the same P10/P50/P90 as `Band.of` of each
    chosen = int(np.searchsorted(model.sim.n_values, s.helpers_needed))
    samples = [model.total(metric) for metric in METRICS] + [
        model.sim.completion[:, chosen], model.cost, m.fans * model.sim.rates["reach_rate"],
        model.sim.rates["new_share"]]
    *metric_bands, completion, cost, reached, new_share = (
        Band(*q) for q in np.percentile(np.stack(samples).astype(float, copy=False), [10, 50, 90], axis=1).T.tolist())
    bands = dict(zip(METRICS, metric_bands, strict=True))
    follow = bands["new_followers"]
    # cost per follower from each draw's own ratio (not P10 cost over P10 followers)
    per_follower = Band(float("nan"), float("nan"), float("nan"))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(model.total("new_followers") > 0, model.cost / model.total("new_followers"), np.nan)
    if np.isfinite(ratio).any():
        per_follower = Band.of(ratio[np.isfinite(ratio)])

    kpi_kinds = {"views": "count", "attempts": "count", "helpers": "count", "completions": "count",
                 "orders": "count", "new_followers": "count"}
    for key, kind in kpi_kinds.items():
        plan.kpis[key] = Kpi(key, t(f"kpi.{key}"), bands[key], kind)
    plan.kpis["completion_rate"] = Kpi("completion_rate", t("kpi.completion_rate"), completion, "share")
    plan.kpis["cost"] = Kpi("cost", t("kpi.cost"), cost, "money")
    plan.kpis["cost_per_follower"] = Kpi("cost_per_follower", t("kpi.cost_per_follower"), per_follower, "money")
    plan.headline = ("new_followers", "orders", "completion_rate", "cost", "cost_per_follower")

    def sec(key: str, *blocks: object) -> None:
        plan.sections[key] = Section(key, i18n.t(f"common.section.{key}", lang), list(blocks))

    # -- stage and goal
    sec("goal",
        Para(t("goal.text", fans=count(m.fans), days=s.duration_days, followers=count(follow.p50),
               orders=count(bands["orders"].p50), product=s.product, floor=money(s.floor_price))),
        Para(t("goal.why")),
        KpiGrid(plan.headline))

    # -- audience
    per = bands["helpers"].p50 / bands["attempts"].p50 if bands["attempts"].p50 > 0 else 0.0
    sec("audience", Bullets((
        t("audience.reached", reached=count(reached.p50), fans=count(m.fans)),
        t("audience.initiators", attempts=_range(bands["attempts"], count)),
        t("audience.helpers", helpers=_range(bands["helpers"], count), per=f"{per:.1f}"),
        t("audience.new", new_share=i18n.percent(new_share.p50, 0)),
    )))

    # -- mechanics and the publishable rules
    cuts = model.cuts
    price, rows = s.original_price, []
    for i, cut in enumerate(cuts, start=1):
        price -= cut
        rows.append({"helper": i, "cut": cut, "price_after": price})
    plan.tables["cut_schedule"] = pd.DataFrame(rows)
    follow_rule = "rule_follow_forced" if s.forced_follow else "rule_follow_optional"
    sec("mechanics",
        Para(t("mechanics.how", product=s.product, n=s.helpers_needed, floor=money(s.floor_price))),
        Rules(t("mechanics.rules_title"), (
            t("mechanics.rule_dates", start=i18n.day(s.start_date, lang), end=i18n.day(s.end_date, lang),
              product=s.product, original=money(s.original_price)),
            t("mechanics.rule_helpers", n=s.helpers_needed, floor=money(s.floor_price)),
            t("mechanics.rule_once"),
            t("mechanics.rule_stock", stock=i18n.number(s.stock)),
            t(f"mechanics.{follow_rule}"),
            t("mechanics.rule_pay", floor=money(s.floor_price)),
        )),
        Table("cut_schedule", t("mechanics.cut_caption", style=t(f"mechanics.style_{s.cut_style}")),
              labels=(("helper", t("chart.helper")), ("cut", t("chart.cut", symbol=_symbol(m.currency))),
                      ("price_after", t("chart.price_after", symbol=_symbol(m.currency)))),
              formats=(("helper", "count"), ("cut", "money"), ("price_after", "money"))))

    # -- rewards and their cost
    econ = [
        ("subsidy", money(model.subsidy)),
        ("margin", money(model.margin_at_floor)),
        ("orders", _range(bands["orders"], count)),
        ("cost", _range(cost, money)),
        ("per_follower", _range(per_follower, money)),
        ("budget", money(m.budget)),
        ("within", i18n.percent(model.budget_share_within, 0)),
    ]
    plan.tables["economics"] = pd.DataFrame([{"item": t(f"rewards.{k}"), "value": v} for k, v in econ])
    blocks: list[object] = [Table("economics", t("rewards.caption"),
                                  labels=(("item", t("rewards.item")), ("value", t("rewards.value"))))]
    if model.margin_at_floor < 0:
        blocks.append(Callout(t("rewards.below_cost", floor=money(s.floor_price), cost=money(s.unit_cost),
                                loss=money(-model.margin_at_floor)), "danger"))
    if cost.p90 > float(m.budget):
        cap = int(max(float(m.budget - s.fixed_costs), 0) // float(model.subsidy))
        blocks.append(Callout(t("rewards.over_budget", cost=money(cost.p90), budget=money(m.budget),
                                stock_cap=i18n.number(cap)), "warning"))
    sec("rewards", *blocks)

    # -- channels and warm-up
    plan.tables["channels"] = _channels(lang, s.start_date, s.end_date, s.duration_days, s.warmup_days).copy()
    sec("channels", Para(t("channels.intro", warmup=s.warmup_days)),
        Table("channels", labels=(("date", i18n.t("common.table.date", lang)),
                                  ("channel", i18n.t("common.table.channel", lang)),
                                  ("message", i18n.t("common.table.message", lang))),
              formats=(("date", "date"),)))

    # -- timeline, day by day
    # the daily bands by (day, metric), from the table's columns as plain lists (pandas lookups per day,
    # then its rows as tuples, were most of the timeline's time)
    quantiles = ("p10", "p50", "p90")
    columns = [model.daily[c].tolist() for c in ("day", "metric", *quantiles)]
    daily = {(day, metric): dict(zip(quantiles, q, strict=True)) for day, metric, *q in zip(*columns, strict=True)}
    timeline, rows = [], []
    for d in range(-s.warmup_days, s.duration_days):
        date = s.start_date + timedelta(days=d)
        phase, action = _phase(d, s.duration_days)
        row = {"date": date, "weekday": i18n.weekday(date, lang), "phase": t(f"timeline.phase_{phase}"),
               "action": t(f"timeline.{action}")}
        entry = {"date": date.isoformat(), "day": d + 1, "phase": phase, "action": row["action"]}
        if d >= 0:
            for metric in METRICS:
                entry[metric] = {q: round(float(v), 2) for q, v in daily[d + 1, metric].items()}
            row.update({k: float(daily[d + 1, k]["p50"]) for k in ("views", "attempts", "orders", "new_followers")})
        else:
            row.update({k: None for k in ("views", "attempts", "orders", "new_followers")})
        rows.append(row)
        timeline.append(entry)
    plan.timeline = timeline
    plan.tables["timeline"] = pd.DataFrame(rows)
    sec("timeline", Table("timeline", labels=(
        ("date", i18n.t("common.table.date", lang)), ("weekday", i18n.t("common.table.weekday", lang)),
        ("phase", i18n.t("common.table.phase", lang)), ("action", i18n.t("common.table.action", lang)),
        ("views", t("timeline.views")), ("attempts", t("timeline.attempts")), ("orders", t("timeline.orders")),
        ("new_followers", t("timeline.followers"))),
        formats=(("date", "date"), ("views", "count"), ("attempts", "count"), ("orders", "count"),
                 ("new_followers", "count"))))

    # -- forecast
    sold = model.sim.sold_out_day
    share_sold = float(np.mean(sold >= 0))
    if share_sold > 0:
        sold_text = t("forecast.sold_out", share=i18n.percent(share_sold, 0),
                      day=int(np.median(sold[sold >= 0])) + 1)
    else:
        sold_text = t("forecast.not_sold_out", share=i18n.percent(1 - share_sold, 0))
    plan.tables["forecast"] = pd.DataFrame(
        [{"kpi": k.label, "p10": k.band.p10, "p50": k.band.p50, "p90": k.band.p90, "kind": k.kind}
         for k in plan.kpis.values()])
    sec("forecast", KpiGrid(()), Para(sold_text))

    # -- the decision: how many helpers, and which mechanic
    lo, hi = s.helpers_options
    if model.best_n is None:
        verdict = Callout(t("decision.none", lo=lo, hi=hi), "warning")
    elif model.best_n == s.helpers_needed:
        verdict = Callout(t("decision.same", chosen=s.helpers_needed))
    else:
        best = model.decision["helpers_needed"].tolist().index(model.best_n)
        verdict = Callout(t("decision.best", best=model.best_n, chosen=s.helpers_needed,
                            followers=count(model.decision["new_followers_p50"].iloc[best])))
    # the model's tables with the merchant's words put in: `assign` replaces `within_budget` and
    # `mechanic` where they stand and adds `followers_range` last, as setting the columns one by one did
    dec, comp = model.decision, model.comparison
    yes, no = t("decision.answer_yes"), t("decision.answer_no")
    plan.tables["decision"] = dec.assign(
        followers_range=_ranges(dec, count), within_budget=[yes if w else no for w in dec["within_budget"].tolist()])
    plan.tables["comparison"] = comp.assign(
        mechanic=[t(f"decision.{k}") for k in comp["mechanic"].tolist()], followers_range=_ranges(comp, count))
    sec("decision", verdict, Para(t("decision.tradeoff")),
        Table("decision", t("decision.n_caption"), labels=(
            ("helpers_needed", t("decision.helpers_needed")), ("completion_rate", t("decision.completion_rate")),
            ("orders_p50", t("decision.orders_p50")), ("new_followers_p50", t("decision.followers_p50")),
            ("followers_range", t("decision.followers_range")), ("cost_p90", t("decision.cost_p90")),
            ("cost_per_follower_p50", t("decision.cost_per_follower")), ("within_budget", t("decision.within_budget"))),
            formats=(("helpers_needed", "count"), ("completion_rate", "share"), ("orders_p50", "count"),
                     ("new_followers_p50", "count"), ("cost_p90", "money"), ("cost_per_follower_p50", "money"))),
        Table("comparison", t("decision.compare_caption"), labels=(
            ("mechanic", t("decision.mechanic")), ("new_followers_p50", t("decision.followers_p50")),
            ("followers_range", t("decision.followers_range")), ("orders_p50", t("decision.orders_p50")),
            ("cost_p50", t("kpi.cost")), ("cost_per_follower_p50", t("decision.cost_per_follower"))),
            formats=(("new_followers_p50", "count"), ("orders_p50", "count"), ("cost_p50", "money"),
                     ("cost_per_follower_p50", "money"))))

    # -- KPIs to track
    track = [("views", "track_views", "count"), ("attempts", "track_attempts", "count"),
             ("completions", "track_completions", "count"), ("orders", "track_orders", "count"),
             ("new_followers", "track_followers", "count")]
    plan.tables["kpis"] = pd.DataFrame(
        [{"kpi": plan.kpis[k].label, "target": bands[k].p50, "warn": bands[k].p10, "how": t(f"kpis.{how}")}
         for k, how, _ in track]
        + [{"kpi": plan.kpis["cost"].label, "target": cost.p50, "warn": None, "how": t("kpis.track_cost")}]
    )
    sec("kpis", Table("kpis", labels=(("kpi", i18n.t("common.kpi.name", lang)), ("target", t("kpis.target")),
                                      ("warn", t("kpis.warn")), ("how", i18n.t("common.kpi.how", lang))),
                      formats=(("target", "count"), ("warn", "count"))))

    # -- risks and backup plan
    risk_keys = ["low_completion", "sell_out", "budget", "fake"]
    if s.forced_follow:
        risk_keys.append("platform")
    plan.tables["risks"] = _risks(lang, tuple(risk_keys)).copy()
    sec("risks", Table("risks", labels=(("risk", i18n.t("common.table.risk", lang)),
                                        ("trigger", i18n.t("common.table.trigger", lang)),
                                        ("backup", i18n.t("common.table.backup", lang)))))

    plan.data = {
        "product": s.product,
        "original_price": s.original_price,
        "floor_price": s.floor_price,
        "unit_cost": s.unit_cost,
        "stock": s.stock,
        "helpers_needed": s.helpers_needed,
        "best_helpers_needed": model.best_n,
        "cut_schedule": [c for c in cuts],
        "subsidy_per_order": model.subsidy,
        "margin_at_floor": model.margin_at_floor,
        "budget": m.budget,
        "budget_share_within": model.budget_share_within,
        "forced_follow": s.forced_follow,
    }
    # -- platform rules: every mechanic and channel the event uses (after plan.data, which it extends)
    compliance_section(plan, uses(s))
    # -- review after the event: plan vs actual, ranges for the next plan (only with actuals:)
    add_review(plan, params)
    return plan


# Tables that only the language and the dates (or the follow rule) change: built once per value and
# copied into each plan (most levers of the live panel leave them alone; a table costs a fraction of a ms).
@functools.lru_cache(maxsize=16)
def _channels(lang: str, start: date, end: date, duration_days: int, warmup_days: int) -> pd.DataFrame:
    """When each channel announces the event."""
    warm_start = start - timedelta(days=warmup_days)
    chan_rows = []
    if warmup_days:
        chan_rows.append((warm_start, "groups", "teaser"))
        chan_rows.append((warm_start, "moments", "teaser"))
    chan_rows += [
        (start, "official_account", "launch"),
        (start, "groups", "launch"),
        (start, "store", "launch"),
    ]
    if duration_days >= 4:
        chan_rows.append((start + timedelta(days=duration_days // 2), "groups", "reminder"))
    if duration_days >= 2:
        chan_rows.append((end - timedelta(days=1), "all", "last_call"))
    chan_rows.append((end + timedelta(days=1), "official_account", "wrap"))
    return pd.DataFrame([{"date": d, "channel": i18n.t(f"{NS}.channels.{c}", lang),
                          "message": i18n.t(f"{NS}.channels.{msg}", lang)} for d, c, msg in chan_rows])


@functools.lru_cache(maxsize=8)
def _risks(lang: str, keys: tuple[str, ...]) -> pd.DataFrame:
    """Each risk, the sign it is happening and the backup plan."""
    def t(key: str) -> str:
        return i18n.t(f"{NS}.{key}", lang)

    return pd.DataFrame([{"risk": t(f"risks.{k}"), "trigger": t(f"risks.{k}_sign"), "backup": t(f"risks.{k}_backup")}
                         for k in keys])


def _symbol(currency: str) -> str:
    return i18n.CURRENCY_SYMBOLS.get(currency, currency)


def _range(b: Band, fmt) -> str:  # noqa: ANN001
    return f"{fmt(b.p50)} ({fmt(b.p10)} – {fmt(b.p90)})"


def _ranges(table: pd.DataFrame, fmt) -> list[str]:  # noqa: ANN001
    """'P10 – P90' of new followers, row by row."""
    return [f"{fmt(a)} – {fmt(b)}" for a, b in
            zip(table["new_followers_p10"].tolist(), table["new_followers_p90"].tolist(), strict=True)]


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


__all__ = ["build_plan", "BargainModel"]
