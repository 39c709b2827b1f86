"""The cadence plan in the merchant's language: every section's text from the figures and the catalogues.

Nothing here computes a number: sentences read the figures (`plan_figures`), tables name the
figures tables' keys through their formats (see `view.EVENT` and the `key:` formats below).
The spine's first half is here (goal, audience, mechanics, rewards); the channels, the year's
calendar, forecast, products, KPIs, risks and event briefs are in `words_year.py`.
"""

from __future__ import annotations

from .. import i18n
from ..daysoff_text import fixture_note, presale_note
from ..figures import Figures, Words
from ..loading import PlaybookParams
from ..plan import Bullets, Callout, KpiGrid, Para, Rules, Section, Table
from .schema import WEEKDAYS
from .view import EVENT, NS, View
from .words_year import channels, decision, event_briefs, forecast, kpis, risks, timeline


def plan_words(figures: Figures, params: PlaybookParams) -> Words:
    v = View(figures, params)
    sections = [goal(v), audience(v), mechanics(v), rewards(v), channels(v), timeline(v), forecast(v),
                decision(v), kpis(v), risks(v), event_briefs(v)]
    return Words(title=v.t("title", year=v.s.year), kpi_labels={k: v.t(f"kpi.{k}") for k in figures.kpis},
                 sections={s.key: s for s in sections})


def goal(v: View) -> Section:
    s, m, model, t = v.s, v.m, v.model, v.t
    targets = s.targets
    reach = model.reach["sales"]
    share = i18n.percent(reach, 0)
    verdict = Callout(t("goal.ambitious", share=share), "warning") if reach < 0.5 else Callout(
        t("goal.comfortable", share=share))
    return v.section(
        "goal",
        Para(t("goal.text", year=s.year, merchant=m.name, sales=v.money(targets.sales), traffic=v.count(targets.traffic),
               products=v.count(targets.products), members=v.count(targets.members), events=len(model.events),
               discounts=len(model.discount_events))),
        Para(t("goal.why")),
        KpiGrid(v.figures.headline),
        Table("targets", t("goal.table_caption"), labels=(
            ("goal", t("goal.goal")), ("target", t("goal.target")), ("forecast_p50", t("goal.forecast")),
            ("range", t("goal.range")), ("reach", t("goal.reach"))),
            formats=(("goal", f"key:{NS}.goal_name"), ("target", "count"), ("forecast_p50", "count"),
                     ("range", f"key:{NS}.range"), ("forecast_p10", "count"), ("forecast_p90", "count"),
                     ("money_p10", "money"), ("money_p90", "money"), ("reach", "share"))),
        verdict)


def audience(v: View) -> Section:
    model = v.model
    positioning = "premium" if model.premium else "mass"
    return v.section("audience", Bullets((
        v.t("audience.fans", fans=v.count(v.m.fans)),
        v.t("audience.old"),
        v.t("audience.new"),
        v.t(f"audience.{positioning}", aov=v.money(model.average_order_value, 2), month_cap=model.month_cap,
            year_cap=model.year_cap),
    )))


def mechanics(v: View) -> Section:
    """Weekly fixtures, monthly themes, the year's discount rules and what the plan changed to keep them."""
    s, model, t = v.s, v.model, v.t
    weekly_rules = tuple(
        t("mechanics.weekly_rule", weekday=t(f"weekday_long.{a.weekday}"), activity=t(f"weekly.{a.activity}"))
        for a in s.weekly_activities)
    changes = [t(f"note.{e.note}", event=v.names[e.key], start=v.day(e.sale_start), end=v.day(e.sale_end),
                 other=v.names.get(e.note_other, e.note_other),
                 cap=model.month_cap if e.note == "month_cap" else model.year_cap)
               for e in model.events if e.note]
    blocks: list[object] = []
    if weekly_rules:
        blocks += [Rules(t("mechanics.weekly_title"), weekly_rules),
                   Para(t("mechanics.weekly_pause", count=v.data["weekly_days"])),
                   Para(fixture_note(v.lang, s.year, [WEEKDAYS.index(a.weekday) for a in s.weekly_activities]))]
    blocks.append(Para(presale_note(v.lang)))
    blocks += [
        Table("monthly_themes", t("mechanics.themes_caption"), labels=(
            ("month", t("mechanics.month")), ("theme", t("mechanics.theme")), ("events", t("mechanics.events"))),
            formats=(("month", f"key:{NS}.month"), ("theme", f"key:{NS}.month_theme"), ("events", f"key:{NS}.event"),
                     ("brand_years", "count"))),
        Rules(t("mechanics.rules_title"), (
            t("mechanics.rule_schemes"),
            t("mechanics.rule_overlap", gap=s.min_days_between_discounts),
            t("mechanics.rule_month", cap=model.month_cap),
            t("mechanics.rule_year", cap=model.year_cap, count=len(model.discount_events)),
            t("mechanics.rule_warmup", days=s.warmup_days))),
    ]
    if changes:
        blocks.append(Para(t("mechanics.changes")))
        blocks.append(Bullets(tuple(changes)))
    return v.section("mechanics", *blocks)


def rewards(v: View) -> Section:
    """What the discount events give away, against the budget."""
    model, t, money = v.model, v.t, v.money
    fixed, budget = model.fixed_cost, v.m.budget
    blocks: list[object] = [
        Table("discount_costs", t("rewards.caption"), labels=(
            ("event", t("rewards.event")), ("schemes", t("rewards.schemes")), ("markdown_p50", t("rewards.markdown"))),
            formats=(*EVENT, ("schemes", f"key:{NS}.scheme_list"), ("scheme_1", f"key:{NS}.scheme_name"),
                     ("scheme_2", f"key:{NS}.scheme_name"), ("markdown_p50", "money"))),
        Para(t("rewards.total", cost=money(model.discount_cost.p50), low=money(model.discount_cost.p10),
               high=money(model.discount_cost.p90), fixed=money(fixed), per=money(v.s.fixed_cost_per_event))),
        Callout(t("rewards.budget_ok", budget=money(budget))) if fixed <= budget
        else Callout(t("rewards.budget_over", fixed=money(fixed), budget=money(budget)), "warning"),
    ]
    if v.data["products_at_cost"]:
        blocks.append(Callout(t("rewards.negative_margin", count=v.data["products_at_cost"]), "warning"))
    return v.section("rewards", *blocks)

