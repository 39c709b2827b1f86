"""The zero-fan launch plan: the model's results laid out on the playbook spine, in the merchant's language."""

from __future__ import annotations

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
from .model import DAILY, LOWER_IS_BETTER, ZeroFanModel, bands, build_model, mean_points
from .review import add_review
from .schema import CRITERIA

NS = "zero_fan_launch"
NO_RANGE = Band(float("nan"), float("nan"), float("nan"))  # shown "—", written null
TIMELINE_METRICS = (*DAILY, "fans_to_date")
TOTALS = ("views", "reached", "helpers", "participants", "new_fans")


def build_plan(params: PlaybookParams) -> Plan:
    s, m, lang = params.section, params.merchant, params.lang
    model = build_model(s, m.fans, m.budget)

    def t(key: str, **kw: object) -> str:
        return i18n.t(f"{NS}.{key}", lang, **kw)

    def money(v: Decimal | float) -> str:
        # whole amounts without cents; small forecasts (cost per fan) with them
        whole = float(v) == int(v) or abs(float(v)) >= 100
        return i18n.money(v, m.currency, lang, decimals=0 if whole else 2)

    def count(v: float) -> str:
        return i18n.number(round(v))

    def rng(b: Band, fmt) -> str:
        if fmt(b.p10) == fmt(b.p90):  # no uncertainty left to show
            return fmt(b.p50)
        return t("range", p50=fmt(b.p50), p10=fmt(b.p10), p90=fmt(b.p90))

    plan = new_plan(params, t("title", product=s.product), s.start_date, s.end_date, s.seed, s.simulations)
    plan.model = model
    # every P10/P50/P90 of the plan's draws in one percentile call (the live panel redoes this per change)
    ranges = bands({**{k: model.sim.totals[k] for k in TOTALS}, "share": model.share_qualifying,
                    "qualifiers": model.qualifiers, **{f"cost.{k}": v for k, v in model.costs.items()},
                    "staff_shares": s.staff * model.rates["shares_per_staff"],
                    "pool_share": np.divide(model.sim.totals["reached"], model.rates["reachable_pool"])})
    totals = {k: ranges[k] for k in TOTALS}
    share, qualifiers = ranges["share"], ranges["qualifiers"]
    cost = {k: ranges[f"cost.{k}"] for k in model.costs}
    per_fan = model.cost_per_fan_band()
    points_word = t(f"mechanics.points_{s.mechanic}")

    for key in TOTALS:
        plan.kpis[key] = Kpi(key, t(f"kpi.{key}"), totals[key], "count")
    plan.kpis["qualifiers"] = Kpi("qualifiers", t("kpi.qualifiers", threshold=s.reward_threshold, points=points_word),
                                  qualifiers, "count")
    plan.kpis["threshold_share"] = Kpi("threshold_share", t("kpi.threshold_share", threshold=s.reward_threshold),
                                       share, "share")
    plan.kpis["reward_liability"] = Kpi("reward_liability", t("kpi.reward_liability"), cost["liability"], "money")
    plan.kpis["ranking_cost"] = Kpi("ranking_cost", t("kpi.ranking_cost"), cost["ranking"], "money")
    plan.kpis["total_cost"] = Kpi("total_cost", t("kpi.total_cost"), cost["total"], "money")
    plan.kpis["cost_per_fan"] = Kpi("cost_per_fan", t("kpi.cost_per_fan"), per_fan or NO_RANGE, "money")
    plan.headline = ("new_fans", "participants", "views", "reward_liability", "cost_per_fan")

    def sec(key: str, *blocks: object) -> None:
        plan.sections[key] = Section(key, i18n.t(f"common.section.{key}", lang), list(blocks))

    # -- stage and goal: traffic first
    sec("goal",
        Para(t("goal.text", fans=count(m.fans), budget=money(m.budget), days=s.duration_days,
               new_fans=rng(totals["new_fans"], count), participants=count(totals["participants"].p50))),
        Para(t("goal.why")),
        KpiGrid(plan.headline))

    # -- audience: who the seeds are and who the campaign reaches
    staff_shares = ranges["staff_shares"]
    partner_reach = sum(p.audience for p in s.partners)
    audience = [
        t("audience.who", product=s.product),
        t("audience.staff", staff=count(s.staff), shares=count(staff_shares.p50)),
        t("audience.partners", n=len(s.partners), reach=count(partner_reach)) if s.partners
        else t("audience.no_partners"),
        t("audience.reached", reached=rng(totals["reached"], count)),
        t("audience.participants", participants=rng(totals["participants"], count),
          helpers=rng(totals["helpers"], count)),
    ]
    if m.fans:
        audience.insert(3, t("audience.fans", fans=count(m.fans)))
    sec("audience", Bullets(tuple(audience)))

    # -- mechanics and the rules the merchant publishes
    rules = [
        t("mechanics.rule_register", start=i18n.day(s.start_date, lang), end=i18n.day(s.end_date, lang)),
        t(f"mechanics.rule_invite_{s.mechanic}", points=points_word),
        t("mechanics.rule_threshold", threshold=s.reward_threshold, points=points_word,
          reward=money(s.reward_value), product=s.product),
    ]
    if s.reward_cap:
        rules.append(t("mechanics.rule_cap", cap=i18n.number(s.reward_cap)))
    for prize in s.ranking_prizes:
        lo, hi = prize.ranks
        ranks = t("mechanics.rank_one", rank=lo) if lo == hi else t("mechanics.rank_block", lo=lo, hi=hi)
        rules.append(t("mechanics.rule_rank", ranks=ranks, prize=prize.prize, points=points_word))
    rules += [t("mechanics.rule_gift", gift=s.retention_gift), t("mechanics.rule_fair", points=points_word),
              t("mechanics.rule_award", day=i18n.day(s.end_date + timedelta(days=1), lang))]
    sec("mechanics",
        Para(t(f"mechanics.how_{s.mechanic}", threshold=s.reward_threshold, reward=money(s.reward_value))),
        Rules(t("mechanics.rules_title"), tuple(rules)))

    # -- rewards and their cost
    plan.tables["ranking_prizes"] = pd.DataFrame(
        [{"ranks": f"{p.ranks[0]}–{p.ranks[1]}" if p.ranks[0] != p.ranks[1] else str(p.ranks[0]),
          "prize": p.prize, "winners": p.ranks[1] - p.ranks[0] + 1, "value": p.value} for p in s.ranking_prizes],
        columns=["ranks", "prize", "winners", "value"])
    econ = [
        ("threshold", f"{s.reward_threshold} {points_word}"),
        ("reward", money(s.reward_value)),
        ("share", rng(share, lambda v: i18n.percent(v, 1))),
        ("qualifiers", rng(qualifiers, count)),
        ("liability", rng(cost["liability"], money)),
        ("ranking", rng(cost["ranking"], money)),
        ("retention", rng(cost["retention"], money)),
        ("fixed", money(s.fixed_costs)),
        ("total", rng(cost["total"], money)),
        ("cash", rng(cost["cash"], money)),
        ("budget", money(m.budget)),
        ("per_fan", rng(per_fan, money) if per_fan else "—"),
    ]
    plan.tables["economics"] = pd.DataFrame([{"item": t(f"rewards.{k}"), "value": v} for k, v in econ])
    blocks: list[object] = [
        Para(t("rewards.intro")),
        Table("economics", t("rewards.caption"), labels=(("item", t("rewards.item")), ("value", t("rewards.value")))),
    ]
    if s.ranking_prizes:
        blocks.append(Table("ranking_prizes", t("rewards.prizes_caption"), labels=(
            ("ranks", t("rewards.ranks")), ("prize", t("rewards.prize")), ("winners", t("rewards.winners")),
            ("value", t("rewards.prize_value"))), formats=(("winners", "count"), ("value", "money"))))
    if cost["cash"].p50 > float(m.budget):
        blocks.append(Callout(t("rewards.cash_over_budget", cash=money(cost["cash"].p50), budget=money(m.budget)),
                              "warning"))
    if s.reward_cap is None and cost["liability"].p90 > 2 * max(cost["liability"].p50, 1.0):
        blocks.append(Callout(t("rewards.liability_tail", p50=money(cost["liability"].p50),
                                p90=money(cost["liability"].p90), cap=count(max(qualifiers.p90, 1))), "info"))
    sec("rewards", *blocks)

    # -- channels: employees first, then partners
    def day(n: int) -> date:  # campaign day n (1-based) → its date
        return s.start_date + timedelta(days=n - 1)

    chan: list[tuple] = []
    if s.warmup_days:
        chan.append((s.start_date - timedelta(days=s.warmup_days), t("channels.team"), t("channels.brief")))
        if s.partners:
            chan.append((s.start_date - timedelta(days=s.warmup_days), t("channels.partners"),
                         t("channels.partner_deal")))
    if s.staff:
        chan.append((day(1), t("channels.staff"), t("channels.staff_launch", staff=s.staff,
                                                    days=min(s.staff_days, s.duration_days))))
    if m.fans:
        chan.append((day(1), t("channels.own"), t("channels.own_launch", fans=count(m.fans))))
    for i, p in enumerate(s.partners):
        chan.append((day(s.partner_day(i)), p.name, t("channels.partner_post", audience=count(p.audience))))
    if s.duration_days >= 4:
        chan.append((day(s.duration_days // 2 + 1), t("channels.groups"), t("channels.leaderboard")))
    if s.duration_days >= 2:
        chan.append((day(s.duration_days), t("channels.all"), t("channels.last_call")))
    chan.append((s.end_date + timedelta(days=1), t("channels.service"), t("channels.award")))
    chan.sort(key=lambda row: row[0])
    plan.tables["channels"] = pd.DataFrame([{"date": d, "channel": c, "message": msg} for d, c, msg in chan])
    sec("channels", Para(t("channels.intro", staff_days=s.staff_days)),
        Table("channels", labels=(("date", i18n.t("common.table.date", lang)),
                                  ("channel", i18n.t("common.table.channel", lang)),
                                  ("message", i18n.t("common.table.message", lang))),
              formats=(("date", "date"),)))

    # -- timeline, day by day (plan.json: ISO dates, every KPI as {p10, p50, p90})
    by_day = {metric: [band.tolist() for band in model.daily_bands[metric]] for metric in TIMELINE_METRICS}
    partner_days = {s.partner_day(i) for i in range(len(s.partners))}
    timeline, rows = [], []
    for d in range(-s.warmup_days, s.duration_days + 1):
        when = s.start_date + timedelta(days=d)
        phase, action = _phase(d + 1, s, partner_days)
        row = {"date": when, "weekday": i18n.weekday(when, lang), "phase": t(f"timeline.phase_{phase}"),
               "action": t(f"timeline.{action}")}
        entry = {"date": when.isoformat(), "day": d + 1, "phase": phase, "action": row["action"]}
        if 0 <= d < s.duration_days:
            for metric in TIMELINE_METRICS:
                p10, p50, p90 = (band[d] for band in by_day[metric])
                entry[metric] = {"p10": round(p10, 4), "p50": round(p50, 4), "p90": round(p90, 4)}
            row.update({k: by_day[k][1][d] for k in ("views", "participants", "new_fans", "k_factor")})
        else:
            row.update({k: None for k in ("views", "participants", "new_fans", "k_factor")})
        rows.append(row)
        timeline.append(entry)
    plan.timeline = timeline
    plan.tables["timeline"] = pd.DataFrame(rows)
    sec("timeline", Table("timeline", labels=(
        ("date", i18n.t("common.table.date", lang)), ("weekday", i18n.t("common.table.weekday", lang)),
        ("phase", i18n.t("common.table.phase", lang)), ("action", i18n.t("common.table.action", lang)),
        ("views", t("timeline.views")), ("participants", t("timeline.participants")),
        ("new_fans", t("timeline.new_fans")), ("k_factor", t("timeline.k_factor"))),
        formats=(("date", "date"), ("views", "count"), ("participants", "count"), ("new_fans", "count"),
                 ("k_factor", "ratio"))))

    # -- forecast
    pool_share = ranges["pool_share"]
    k_first = float(np.median(model.sim.daily["k_factor"][:, min(1, s.duration_days - 1)]))
    k_last = float(np.median(model.sim.daily["k_factor"][:, -1]))
    plan.tables["forecast"] = pd.DataFrame(
        [{"kpi": k.label, "p10": k.band.p10, "p50": k.band.p50, "p90": k.band.p90, "kind": k.kind}
         for k in plan.kpis.values()])
    brackets = model.points_brackets.copy()
    brackets["points"] = [f"{a}–{b:.0f}" if pd.notna(b) else f"{a}+"
                          for a, b in zip(brackets["points_from"], brackets["points_to"], strict=True)]
    plan.tables["points_brackets"] = brackets
    sec("forecast", KpiGrid(()),
        Para(t("forecast.saturation", share=i18n.percent(pool_share.p50, 0), k_first=f"{k_first:.2f}",
               k_last=f"{k_last:.2f}")),
        Para(t("forecast.points", mean=f"{float(np.median(mean_points(model.sim))):.1f}", points=points_word,
               share=i18n.percent(share.p50, 1), threshold=s.reward_threshold)),
        Table("points_brackets", t("forecast.brackets_caption"), labels=(
            ("points", t("forecast.bracket", points=points_word)), ("share", t("forecast.share")),
            ("participants", t("forecast.participants"))),
            formats=(("share", "share"), ("participants", "count"))))

    # -- the decision: which mechanic, which threshold, what to test first
    sec("decision", *_decision_blocks(plan, model, s, t, money, count))

    # -- KPIs to track
    track = [("views", "track_views"), ("participants", "track_participants"), ("helpers", "track_helpers"),
             ("new_fans", "track_fans"), ("qualifiers", "track_qualifiers")]
    plan.tables["kpis"] = pd.DataFrame(
        [{"kpi": plan.kpis[k].label, "target": count(plan.kpis[k].band.p50), "warn": count(plan.kpis[k].band.p10),
          "how": t(f"kpis.{how}")} for k, how in track]
        + [{"kpi": plan.kpis["reward_liability"].label, "target": money(cost["liability"].p50), "warn": "—",
            "how": t("kpis.track_liability", p90=money(cost["liability"].p90))}])
    sec("kpis", Para(t("kpis.intro")),
        Table("kpis", labels=(("kpi", i18n.t("common.kpi.name", lang)), ("target", t("kpis.target")),
                              ("warn", t("kpis.warn")), ("how", i18n.t("common.kpi.how", lang)))))

    # -- risks and backup plan
    risk_keys = ["liability", "fake", "saturation", "slow_start"]
    if not s.partners:
        risk_keys.append("no_partners")
    plan.tables["risks"] = pd.DataFrame(
        [{"risk": t(f"risks.{k}"), "trigger": t(f"risks.{k}_sign", p90=money(cost["liability"].p90)),
          "backup": t(f"risks.{k}_backup")} for k in risk_keys])
    sec("risks", Table("risks", labels=(("risk", i18n.t("common.table.risk", lang)),
                                        ("trigger", i18n.t("common.table.trigger", lang)),
                                        ("backup", i18n.t("common.table.backup", lang)))),
        Bullets((t("risks.backup_plan_1"), t("risks.backup_plan_2"), t("risks.backup_plan_3"))))

    # -- platform rules: what this campaign uses, checked against the shared rules table
    compliance_section(plan, uses(s))

    plan.data |= {
        "mechanic": s.mechanic,
        "recommended_mechanic": model.recommended,
        "reward_threshold": s.reward_threshold,
        "reward_value": s.reward_value,
        "reward_cap": s.reward_cap,
        "product": s.product,
        "staff": s.staff,
        "partners": [{"name": p.name, "audience": p.audience, "day": s.partner_day(i),
                      "date": day(s.partner_day(i))} for i, p in enumerate(s.partners)],
        "budget": m.budget,
        "cost_per_fan": per_fan.to_dict(4) if per_fan else None,
        "cash_outlay": cost["cash"],
        "pool_share_reached": pool_share,
        "k_factor_day2": k_first,
        "k_factor_last_day": k_last,
    }
    # -- review after the campaign: plan vs actual, ranges for the next plan (only with actuals:)
    add_review(plan, params)
    return plan


def _decision_blocks(plan: Plan, model: ZeroFanModel, s, t, money, count) -> list[object]:
    table = model.mechanics.copy()
    best, runner = table.iloc[0], table.iloc[1]
    strengths = [t(f"decision.strength_{c}") for c in CRITERIA
                 if (6 - best[c] if c in LOWER_IS_BETTER else best[c]) >= 4]
    tie = f"{best['score']:.2f}" == f"{runner['score']:.2f}"
    reasons = [t("decision.tie" if tie else "decision.scores", best=t(f"mechanic.{best['mechanic']}"),
                 score=f"{best['score']:.2f}", runner=t(f"mechanic.{runner['mechanic']}"),
                 runner_score=f"{runner['score']:.2f}")]
    if strengths:
        reasons.append(t("decision.strengths", strengths=", ".join(strengths)))
    for why in dict.fromkeys(w for ws in table["adjusted_by"] for w in ws):
        reasons.append(t(f"decision.why_{why}"))
    blocks: list[object] = [Callout(t("decision.recommend", mechanic=t(f"mechanic.{best['mechanic']}")))]
    blocks.append(Bullets(tuple(reasons)))
    if best["mechanic"] != s.mechanic:
        blocks.append(Callout(t("decision.differs", chosen=t(f"mechanic.{s.mechanic}"),
                                best=t(f"mechanic.{best['mechanic']}")), "warning"))
    table["mechanic_name"] = [t(f"mechanic.{k}") for k in table["mechanic"]]
    table["situation"] = ["; ".join(t(f"decision.short_{w}") for w in ws) or "—" for ws in table["adjusted_by"]]
    table["adjusted_by"] = [list(ws) for ws in table["adjusted_by"]]
    plan.tables["mechanics"] = table
    weights = s.weights.as_dict()
    blocks.append(Table("mechanics", t("decision.mechanics_caption", weights=", ".join(
        f"{t(f'decision.{c}')} {weights[c]:g}" for c in CRITERIA)), labels=(
        ("rank", "#"), ("mechanic_name", t("decision.mechanic")),
        *((c, t(f"decision.{c}")) for c in CRITERIA), ("score", t("decision.score")),
        ("situation", t("decision.situation"))),
        formats=(("rank", "count"), *((c, "count") for c in CRITERIA), ("score", "number"))))

    thresholds = model.thresholds.copy()
    thresholds["chosen"] = [t("decision.answer_yes") if c else "" for c in thresholds["chosen"]]
    plan.tables["thresholds"] = thresholds
    blocks.append(Para(t("decision.threshold")))
    blocks.append(Table("thresholds", t("decision.threshold_caption"), labels=(
        ("threshold", t("decision.threshold_col")), ("share_p50", t("decision.share_p50")),
        ("qualifiers_p50", t("decision.qualifiers_p50")), ("qualifiers_p90", t("decision.qualifiers_p90")),
        ("liability_p50", t("decision.liability_p50")), ("liability_p90", t("decision.liability_p90")),
        ("chosen", t("decision.chosen"))),
        formats=(("threshold", "count"), ("share_p50", "share"), ("qualifiers_p50", "count"),
                 ("qualifiers_p90", "count"), ("liability_p50", "money"), ("liability_p90", "money"))))

    tor = model.tornado.copy()
    tor["rate_name"] = [_rate_name(r, s, t) for r in tor["rate"]]
    tor["range"] = [f"{_fmt_rate(lo)} – {_fmt_rate(hi)}" for lo, hi in zip(tor["low"], tor["high"], strict=True)]
    plan.tables["sensitivity"] = tor
    if tor["swing"].max() > 0:
        top = tor.iloc[0]
        blocks.append(Para(t("decision.test_first", rate=top["rate_name"], low=count(min(top["fans_at_low"],
                                                                                          top["fans_at_high"])),
                             high=count(max(top["fans_at_low"], top["fans_at_high"])))))
    else:
        blocks.append(Para(t("decision.no_seeds")))
    blocks.append(Table("sensitivity", t("decision.sensitivity_caption"), labels=(
        ("rate_name", t("decision.rate")), ("range", t("decision.rate_range")),
        ("fans_at_low", t("decision.fans_at_low")), ("fans_at_high", t("decision.fans_at_high")),
        ("swing", t("decision.swing"))),
        formats=(("fans_at_low", "count"), ("fans_at_high", "count"), ("swing", "count"))))
    return blocks


def _rate_name(rate: str, s, t) -> str:
    if rate.startswith("partner_"):
        return t("rate.partner", name=s.partners[int(rate.split("_")[1])].name)
    return t(f"rate.{rate}")


def _fmt_rate(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:g}"


def _phase(day: int, s, partner_days: set[int]) -> tuple[str, str]:
    """Phase and action for campaign day `day` (1-based; ≤ 0 is preparation, past the end is the award day)."""
    if day <= 0:
        return "warmup", "warmup_action"
    if day > s.duration_days:
        return "award", "award_action"
    if day == 1:
        return "launch", "launch_action"
    if day in partner_days:
        return "partners", "partner_action"
    if day <= s.staff_days:
        return "staff", "staff_action"
    if day == s.duration_days:
        return "last", "last_action"
    if day == s.duration_days // 2 + 1:
        return "run", "mid_action"
    return "run", "run_action"


__all__ = ["build_plan"]
