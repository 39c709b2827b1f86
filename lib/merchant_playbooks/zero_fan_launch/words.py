"""The zero-fan launch's words: `Figures` → every section's text, in the merchant's language.

Reads the figures (`figures.py`) and the params, and the catalogues
`messages/<lang>/zero_fan_launch.yaml`; it formats numbers, never works one out.
Tables keep their machine values in `plan.tables`; where a cell is words around a
number (a range, a sentence with a count), the view writes the row's text into
the `Table` block (`rows`). The decision section is in `decision_words.py`.
"""

from __future__ import annotations

import math
from typing import Any

from .. import i18n
from ..figures import Figures, Words
from ..montecarlo import Band
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table
from .decision_words import decision_blocks
from .text import Say, columns

NS = "zero_fan_launch"  # its catalogue


def plan_words(figures: Figures, params: Any) -> Words:
    s, m = params.section, params.merchant
    say = Say(params.lang, m.currency)
    labels = kpi_labels(say, s)
    sections = {}
    for key, blocks in (("goal", goal_blocks(say, figures, params)), ("audience", audience_blocks(say, figures, params)),
                        ("mechanics", mechanics_blocks(say, figures, s)), ("rewards", rewards_blocks(say, figures, s)),
                        ("channels", channel_blocks(say, figures, s)), ("timeline", timeline_blocks(say)),
                        ("forecast", forecast_blocks(say, figures, s)),
                        ("decision", decision_blocks(say, figures, s)),
                        ("kpis", kpi_blocks(say, figures, labels)), ("risks", risk_blocks(say, figures))):
        sections[key] = Section(key, say.common(f"section.{key}"), list(blocks))
    return Words(title=say("title", product=s.product), kpi_labels=labels, sections=sections)


def kpi_labels(say: Say, s: Any) -> dict[str, str]:
    points = say(f"mechanics.points_{s.mechanic}")
    keys = ("views", "reached", "helpers", "participants", "new_fans", "qualifiers", "threshold_share",
            "reward_liability", "ranking_cost", "total_cost", "cost_per_fan")
    return {k: say(f"kpi.{k}", threshold=s.reward_threshold, points=points) for k in keys}


def band(figures: Figures, key: str) -> Band:
    return figures.kpis[key].band


def goal_blocks(say: Say, figures: Figures, params: Any) -> list:
    s, m = params.section, params.merchant
    return [Para(say("goal.text", fans=say.count(m.fans), budget=say.money(m.budget), days=s.duration_days,
                     new_fans=say.rng(band(figures, "new_fans"), say.count),
                     participants=say.count(band(figures, "participants").p50))),
            Para(say("goal.why")),
            KpiGrid(figures.headline)]


def audience_blocks(say: Say, figures: Figures, params: Any) -> list:
    """Who the seeds are and who the campaign reaches."""
    s, m, data = params.section, params.merchant, figures.data
    audience = [
        say("audience.who", product=s.product),
        say("audience.staff", staff=say.count(s.staff), shares=say.count(data["staff_shares"].p50)),
        say("audience.partners", n=len(s.partners), reach=say.count(data["partner_reach"])) if s.partners
        else say("audience.no_partners"),
        say("audience.reached", reached=say.rng(band(figures, "reached"), say.count)),
        say("audience.participants", participants=say.rng(band(figures, "participants"), say.count),
            helpers=say.rng(band(figures, "helpers"), say.count)),
    ]
    if m.fans:
        audience.insert(3, say("audience.fans", fans=say.count(m.fans)))
    return [Bullets(tuple(audience))]


def mechanics_blocks(say: Say, figures: Figures, s: Any) -> list:
    """How the campaign works and the rules the merchant publishes."""
    points = say(f"mechanics.points_{s.mechanic}")
    lang = say.lang
    rules = [
        say("mechanics.rule_register", start=i18n.day(s.start_date, lang), end=i18n.day(s.end_date, lang)),
        say(f"mechanics.rule_invite_{s.mechanic}", points=points),
        say("mechanics.rule_threshold", threshold=s.reward_threshold, points=points,
            reward=say.money(s.reward_value), product=s.product),
    ]
    if s.reward_cap:
        rules.append(say("mechanics.rule_cap", cap=i18n.number(s.reward_cap)))
    for prize in s.ranking_prizes:
        lo, hi = prize.ranks
        ranks = say("mechanics.rank_one", rank=lo) if lo == hi else say("mechanics.rank_block", lo=lo, hi=hi)
        rules.append(say("mechanics.rule_rank", ranks=ranks, prize=prize.prize, points=points))
    rules += [say("mechanics.rule_gift", gift=s.retention_gift), say("mechanics.rule_fair", points=points),
              say("mechanics.rule_award", day=i18n.day(figures.data["award_date"], lang))]
    return [Para(say(f"mechanics.how_{s.mechanic}", threshold=s.reward_threshold, reward=say.money(s.reward_value))),
            Rules(say("mechanics.rules_title"), tuple(rules))]


def rewards_blocks(say: Say, figures: Figures, s: Any) -> list:
    """The rewards and their cost: the economics table, the ranking prizes, the warnings that apply."""
    points = say(f"mechanics.points_{s.mechanic}")
    fmt = {"points": lambda v: f"{round(v)} {points}", "money": say.money, "share": say.share, "count": say.count}
    econ = figures.tables["economics"]
    rows = tuple((say(f"rewards.{item}"), say.rng(Band(p10, p50, p90), fmt[kind]))
                 for item, kind, p10, p50, p90 in columns(econ, "item", "kind", "p10", "p50", "p90"))
    blocks: list[object] = [
        Para(say("rewards.intro")),
        Table("economics", say("rewards.caption"), labels=(("item", say("rewards.item")),
                                                           ("value", say("rewards.value"))), rows=rows),
    ]
    if s.ranking_prizes:
        blocks.append(Table("ranking_prizes", say("rewards.prizes_caption"), labels=(
            ("ranks", say("rewards.ranks")), ("prize", say("rewards.prize")), ("winners", say("rewards.winners")),
            ("value", say("rewards.prize_value"))), formats=(("winners", "count"), ("value", "money"))))
    data, liability = figures.data, band(figures, "reward_liability")
    if data["cash_over_budget"]:
        blocks.append(Callout(say("rewards.cash_over_budget", cash=say.money(data["cash_outlay"].p50),
                                  budget=say.money(data["budget"])), "warning"))
    if data["liability_tail"]:
        blocks.append(Callout(say("rewards.liability_tail", p50=say.money(liability.p50),
                                  p90=say.money(liability.p90), cap=say.count(data["suggested_cap"])), "info"))
    return blocks


def channel_blocks(say: Say, figures: Figures, s: Any) -> list:
    """Employees first, then partners: who posts what when."""
    rows = tuple(
        (i18n.short_day(when, say.lang), partner if channel == "partner" else say(f"channels.{channel}"),
         say(f"channels.{message}", **({} if people is None else {
             "staff": people, "days": days, "fans": say.count(people), "audience": say.count(people)})))
        for when, channel, partner, message, people, days
        in columns(figures.tables["channels"], "date", "channel", "partner", "message", "people", "days"))
    return [Para(say("channels.intro", staff_days=s.staff_days)),
            Table("channels", labels=(("date", say.common("table.date")), ("channel", say.common("table.channel")),
                                      ("message", say.common("table.message"))),
                  formats=(("date", "date"),), rows=rows)]


def timeline_blocks(say: Say) -> list:
    """Day by day (plan.json's timeline has every KPI as {p10, p50, p90}; the table shows the P50s)."""
    c = say.common
    return [Table("timeline", labels=(
        ("date", c("table.date")), ("weekday", c("table.weekday")), ("phase", c("table.phase")),
        ("action", c("table.action")), ("views", say("timeline.views")),
        ("participants", say("timeline.participants")), ("new_fans", say("timeline.new_fans")),
        ("k_factor", say("timeline.k_factor"))),
        formats=(("date", "date"), ("weekday", "key:common.weekday"), ("phase", f"key:{NS}.timeline.phase"),
                 ("action", f"key:{NS}.timeline"), ("views", "count"), ("participants", "count"),
                 ("new_fans", "count"), ("k_factor", "ratio")))]


def forecast_blocks(say: Say, figures: Figures, s: Any) -> list:
    points, data = say(f"mechanics.points_{s.mechanic}"), figures.data
    return [KpiGrid(()),
            Para(say("forecast.saturation", share=i18n.percent(data["pool_share_reached"].p50, 0),
                     k_first=f"{data['k_factor_day2']:.2f}", k_last=f"{data['k_factor_last_day']:.2f}")),
            Para(say("forecast.points", mean=f"{data['mean_points']:.1f}", points=points,
                     share=say.share(band(figures, "threshold_share").p50), threshold=s.reward_threshold)),
            Table("points_brackets", say("forecast.brackets_caption"), labels=(
                ("points", say("forecast.bracket", points=points)), ("share", say("forecast.share")),
                ("participants", say("forecast.participants"))),
                formats=(("share", "share"), ("participants", "count")))]


def kpi_blocks(say: Say, figures: Figures, labels: dict[str, str]) -> list:
    """The KPIs to track, with their target, the level to act at and where to read them."""
    fmt = {"count": say.count, "money": say.money}
    p90 = say.money(band(figures, "reward_liability").p90)
    rows = tuple((labels[kpi], fmt[kind](target), "—" if warn is None or math.isnan(warn) else fmt[kind](warn),
                  say(f"kpis.{how}", p90=p90))
                 for kpi, kind, target, warn, how in columns(figures.tables["kpis"], "kpi", "kind", "target", "warn",
                                                              "how"))
    return [Para(say("kpis.intro")),
            Table("kpis", labels=(("kpi", say.common("kpi.name")), ("target", say("kpis.target")),
                                  ("warn", say("kpis.warn")), ("how", say.common("kpi.how"))), rows=rows)]


def risk_blocks(say: Say, figures: Figures) -> list:
    """Risks, the sign to watch for and the backup, then the backup plan."""
    p90 = say.money(band(figures, "reward_liability").p90)
    rows = tuple((say(f"risks.{k}"), say(f"risks.{k}_sign", p90=p90), say(f"risks.{k}_backup"))
                 for k in figures.tables["risks"]["risk"].tolist())
    return [Table("risks", labels=(("risk", say.common("table.risk")), ("trigger", say.common("table.trigger")),
                                   ("backup", say.common("table.backup"))), rows=rows),
            Bullets((say("risks.backup_plan_1"), say("risks.backup_plan_2"), say("risks.backup_plan_3")))]
