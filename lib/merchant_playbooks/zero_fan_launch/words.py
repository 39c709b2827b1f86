"""The zero-fan launch's words: `Figures` → every section's text, in the merchant's language.

Reads the figures (`figures.py`) and the params, and the catalogues
`messages/<lang>/zero_fan_launch.yaml`; it never works a number out, and every number in a
sentence is a reference to the figure in plan.json (`fig`, `fig_range`), read when shown.
Tables keep their machine values in `plan.tables`; where a cell is words around a
number (a range, a sentence with a count), the view writes the row's text into
the `Table` block (`rows`). The decision section is in `decision_words.py`.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..diagnosis import ZERO_BUDGET_MAX, ZERO_FANS_MAX
from ..figref import fig, fig_range
from ..figures import Figures, Words
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table
from ..pull_new import PULL_NEW_CAP, pull_new_warning
from ..rules import alternatives
from .compliance import uses
from .decision_words import decision_blocks
from .text import Say, columns

NS = "zero_fan_launch"  # its catalogue


def plan_words(figures: Figures, params: Any) -> Words:
    s, m = params.section, params.merchant
    say = Say(params.lang, m.currency)
    points = say(f"mechanics.points_{figures.data['mechanic']}")
    labels = kpi_labels(say, s, points)
    sections = {}
    for key, blocks in (("goal", goal_blocks(say, figures, params)), ("audience", audience_blocks(say, figures, params)),
                        ("mechanics", mechanics_blocks(say, figures, s, points)),
                        ("rewards", rewards_blocks(say, figures, params, points)),
                        ("channels", channel_blocks(say, figures, s)), ("timeline", timeline_blocks(say)),
                        ("forecast", forecast_blocks(say, figures, points)),
                        ("decision", decision_blocks(say, figures, s)),
                        ("kpis", kpi_blocks(say, figures, labels)), ("risks", risk_blocks(say, figures))):
        sections[key] = Section(key, say.common(f"section.{key}"), list(blocks))
    over = pull_new_over(figures, params)  # the cover and plan.json carry the pull-new rule's breach
    return Words(title=say("title", product=s.product), kpi_labels=labels, sections=sections,
                 warnings=[over] if over else [])


def pull_new_over(figures: Figures, params: Any) -> dict | None:
    """The plan warning (`pull_new.pull_new_warning`) when the retention gifts cost more than the
    pull-new ceiling for each new contact they bring in (P50); None within it or without a gift."""
    s, m = params.section, params.merchant
    if not float(s.retention_gift_cost):
        return None
    return pull_new_warning(figures.kpis["gift_cost_per_new"].band.p50, lang=params.lang, currency=m.currency)


def kpi_labels(say: Say, s: Any, points: str) -> dict[str, str]:
    keys = ("shares", "views", "reached", "helpers", "participants", "new_fans", "qualifiers", "threshold_share",
            "reward_liability", "ranking_cost", "total_cost", "cost_per_fan", "gift_cost_per_new",
            *(("buyers", "sales") if s.price is not None else ()))
    return {k: say(f"kpi.{k}", threshold=s.reward_threshold, points=points) for k in keys}


def goal_blocks(say: Say, figures: Figures, params: Any) -> list:
    """The goal in the merchant's own figures; why traffic first, for the audience it starts from."""
    m, s = params.merchant, params.section
    start = "why" if m.fans < ZERO_FANS_MAX and m.budget < ZERO_BUDGET_MAX else "why_audience"
    why = " ".join((say(f"goal.{start}", fans=fig("fans"), budget=fig("budget", "money")),
                    say("goal.why_staff" if s.staff else "goal.why_no_staff"),
                    say("goal.why_partners" if s.partners else "goal.why_no_partners")))
    return [Para(say("goal.text", fans=fig("fans"), budget=fig("budget", "money"), days=fig("duration_days", "days"),
                     new_fans=fig_range("kpis.new_fans"), participants=fig("kpis.participants.p50"))),
            Para(why),
            KpiGrid(figures.headline)]


def audience_blocks(say: Say, figures: Figures, params: Any) -> list:
    """Who the seeds are and who the campaign reaches."""
    s, m = params.section, params.merchant
    audience = [
        say("audience.who", product=s.product),
        say("audience.staff", staff=fig("staff"), shares=fig("staff_shares.p50")) if s.staff
        else say("audience.no_staff"),
        say("audience.partners", n=fig("partner_count"), reach=fig("partner_reach")) if s.partners
        else say("audience.no_partners"),
        say("audience.reached", reached=fig_range("kpis.reached")),
        say("audience.participants", participants=fig_range("kpis.participants"), helpers=fig_range("kpis.helpers")),
    ]
    if m.fans:
        audience.insert(3, say("audience.fans", fans=fig("fans")))
    return [Bullets(tuple(audience))]


def mechanics_blocks(say: Say, figures: Figures, s: Any, points: str) -> list:
    """How the campaign works and the rules the merchant publishes (in the form the platform rules allow)."""
    mechanic = figures.data["mechanic"]
    threshold, reward = fig("reward_threshold"), fig("reward_value", "money")
    rules = [
        say("mechanics.rule_register", start=fig("start_date", "date"), end=fig("end_date", "date")),
        say(f"mechanics.rule_invite_{mechanic}", points=points),
        say("mechanics.rule_threshold", threshold=threshold, points=points, reward=reward, product=s.product),
    ]
    if s.reward_cap:
        rules.append(say("mechanics.rule_cap", cap=fig("reward_cap")))
    for i, prize in enumerate(s.ranking_prizes):
        lo, hi = prize.ranks
        ranks = say("mechanics.rank_one" if lo == hi else "mechanics.rank_block",
                    ranks=fig(f"tables.ranking_prizes.{i}.ranks", "text"))
        rules.append(say("mechanics.rule_rank", ranks=ranks, prize=prize.prize, points=points))
    rules += [say("mechanics.rule_gift", gift=s.retention_gift), say("mechanics.rule_fair", points=points)]
    rules += [say(f"mechanics.rule_alt_{key}", points=points) for key in alternatives(uses(s, figures))
              if i18n.has(f"{NS}.mechanics.rule_alt_{key}", say.lang)]
    rules.append(say("mechanics.rule_award", day=fig("award_date", "date")))
    return [Para(say(f"mechanics.how_{mechanic}", threshold=threshold, reward=reward)),
            Rules(say("mechanics.rules_title"), tuple(rules))]


def rewards_blocks(say: Say, figures: Figures, params: Any, points: str) -> list:
    """The rewards and their cost: the rewards table, the ranking prizes, the warnings that apply."""
    s = params.section
    kinds = {"points": "count", "money": "money", "share": "share", "count": "count"}
    rows = tuple((say(f"rewards.{item}"), fig_range(f"tables.rewards.{i}", kinds[kind])
                  + (f" {points}" if kind == "points" else ""))
                 for i, (item, kind) in enumerate(columns(figures.tables["rewards"], "item", "kind")))
    blocks: list[object] = [
        Para(say("rewards.intro")),
        Table("rewards", say("rewards.caption"), labels=(("item", say("rewards.item")),
                                                         ("value", say("rewards.value"))), rows=rows),
    ]
    if s.ranking_prizes:
        blocks.append(Table("ranking_prizes", say("rewards.prizes_caption"), labels=(
            ("ranks", say("rewards.ranks")), ("prize", say("rewards.prize")), ("winners", say("rewards.winners")),
            ("value", say("rewards.prize_value"))), formats=(("winners", "count"), ("value", "money"))))
    data = figures.data
    if pull_new_over(figures, params):  # the figures the warning names, as references to plan.json
        blocks.append(Callout(say("rewards.pull_new_over", cost=fig("kpis.gift_cost_per_new.p50", "money"),
                                  cap=say.money(PULL_NEW_CAP)), "warning"))
    if data["cash_over_budget"]:
        blocks.append(Callout(say("rewards.cash_over_budget", cash=fig("cash_outlay.p50", "money"),
                                  budget=fig("budget", "money")), "warning"))
    if data["liability_tail"]:
        blocks.append(Callout(say("rewards.liability_tail", p50=fig("kpis.reward_liability.p50", "money"),
                                  p90=fig("kpis.reward_liability.p90", "money"), cap=fig("suggested_cap")), "info"))
    return blocks


def channel_blocks(say: Say, figures: Figures, s: Any) -> list:
    """Employees first, then partners: who posts what when (shared the way the platform rules allow)."""
    links = "external_link" in s.share_via
    rows = tuple(
        (fig(f"tables.channels.{i}.date", "date"),
         partner if channel == "partner" else say(f"channels.{channel}_links" if links and channel == "staff"
                                                  else f"channels.{channel}"),
         say(f"channels.{message}", **({} if people is None else {
             "staff": fig(f"tables.channels.{i}.people"), "days": fig(f"tables.channels.{i}.days", "days"),
             "fans": fig(f"tables.channels.{i}.people"), "audience": fig(f"tables.channels.{i}.people")})))
        for i, (channel, partner, message, people)
        in enumerate(columns(figures.tables["channels"], "channel", "partner", "message", "people")))
    intro = say("channels.intro_no_staff" if not s.staff else "channels.intro_links" if links else "channels.intro",
                staff_days=fig("staff_days", "days"))
    intro += " " + say("channels.then_partners" if s.partners else "channels.then_participants")
    return [Para(intro),
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


def forecast_blocks(say: Say, figures: Figures, points: str) -> list:
    k = (say("forecast.k_days", k_first=fig("k_factor_day2", "ratio"), k_last=fig("k_factor_last_day", "ratio"))
         if figures.data["duration_days"] >= 3 else "")
    return [KpiGrid(()),
            Para(say("forecast.saturation", share=fig("pool_share_reached.p50", "share")) + (f" {k}" if k else "")),
            Para(say("forecast.points", mean=fig("mean_points", "number"), points=points,
                     share=fig("kpis.threshold_share.p50", "share"), threshold=fig("reward_threshold"))),
            Table("points_brackets", say("forecast.brackets_caption"), labels=(
                ("points", say("forecast.bracket", points=points)), ("share", say("forecast.share")),
                ("participants", say("forecast.participants"))),
                formats=(("share", "share"), ("participants", "count")))]


def kpi_blocks(say: Say, figures: Figures, labels: dict[str, str]) -> list:
    """The KPIs to track, with their target, the level to act at and where to read them."""
    p90 = fig("kpis.reward_liability.p90", "money")
    rows = tuple((labels[kpi], fig(f"tables.kpis.{i}.target", kind), fig(f"tables.kpis.{i}.warn", kind),
                  say(f"kpis.{how}", p90=p90))
                 for i, (kpi, kind, how) in enumerate(columns(figures.tables["kpis"], "kpi", "kind", "how")))
    return [Para(say("kpis.intro" if figures.data["duration_days"] >= 3 else "kpis.intro_short")),
            Table("kpis", labels=(("kpi", say.common("kpi.name")), ("target", say("kpis.target")),
                                  ("warn", say("kpis.warn")), ("how", say.common("kpi.how"))), rows=rows)]


def risk_blocks(say: Say, figures: Figures) -> list:
    """Risks, the sign to watch for and the backup, then the backup plan."""
    p90 = fig("kpis.reward_liability.p90", "money")
    rows = tuple((say(f"risks.{k}"), say(f"risks.{k}_sign", p90=p90), say(f"risks.{k}_backup"))
                 for k in figures.tables["risks"]["risk"].tolist())
    return [Table("risks", labels=(("risk", say.common("table.risk")), ("trigger", say.common("table.trigger")),
                                   ("backup", say.common("table.backup"))), rows=rows),
            Bullets((say("risks.backup_plan_1"), say("risks.backup_plan_2"), say("risks.backup_plan_3")))]
