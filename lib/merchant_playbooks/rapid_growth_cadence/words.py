"""The cadence plan in the merchant's language: every section's text from the figures and the catalogues.

Nothing here computes a number: sentences read the figures (`plan_figures`), tables name the
figures tables' keys through their formats (see `view.EVENT` and the `key:` formats below).
The spine's first half is here (goal, audience, mechanics, rewards); the channels, the year's
calendar, forecast, products, KPIs, risks and event briefs are in `words_year.py`.
"""

from __future__ import annotations

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
                 sections={s.key: s for s in sections}, warnings=warnings(v))


def warnings(v: View) -> list[dict]:
    """For the cover, plan.json and `playbooks run`: fixed costs the budget does not cover (plain text:
    the command line prints it too)."""
    fixed, budget = v.model.fixed_cost, v.m.budget
    if fixed <= budget:
        return []
    return [{"code": "rapid_growth_cadence.over_budget", "level": "warning",
             "message": v.t("warning.over_budget", fixed=v.money(fixed), budget=v.money(budget),
                            events=len(v.model.discount_events))}]


def goal(v: View) -> Section:
    t, f = v.t, v.f
    reach = v.model.reach["sales"]
    share = f("kpis.reach_sales.p50", "share")
    verdict = Callout(t("goal.ambitious", share=share), "warning") if reach < 0.5 else Callout(
        t("goal.comfortable", share=share))
    stage = v.params.diagnosis.stage
    return v.section(
        "goal",
        Para(t("goal.stage_growing" if stage == "growing" else "goal.stage_other", merchant=v.m.name,
               monthly=f("monthly_sales", "money"), fans=f("fans"),
               stage=v.common(f"stage.{stage}"))),
        Para(t("goal.text", year=f("year", "text"), merchant=v.m.name, sales=f("targets.sales", "money"),
               traffic=f("targets.traffic"), products=f("targets.products"), members=f("targets.members"),
               events=f("event_count"), discounts=f("kpis.discount_events.p50"))),
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
        v.t("audience.fans", fans=v.f("fans")),
        v.t("audience.old"),
        v.t("audience.new"),
        v.t(f"audience.{positioning}", aov=v.f("average_order_value", "money_exact"),
            month_cap=v.f("max_discount_events_per_month"), year_cap=v.f("max_discount_events_per_year")),
    )))


def mechanics(v: View) -> Section:
    """Weekly fixtures, monthly themes, the year's discount rules and what the plan changed to keep them."""
    s, model, t, f = v.s, v.model, v.t, v.f
    caps = {"month_cap": f("max_discount_events_per_month"), "year_cap": f("max_discount_events_per_year")}
    weekly_rules = tuple(
        t("mechanics.weekly_rule", weekday=t(f"weekday_long.{a.weekday}"), activity=t(f"weekly.{a.activity}"))
        for a in s.weekly_activities)
    changes = [t(f"note.{e.note}", event=v.names[e.key], start=v.ev(e.key, "sale_start", "date"),
                 end=v.ev(e.key, "sale_end", "date"), other=v.names.get(e.note_other, e.note_other),
                 cap=caps["month_cap" if e.note == "month_cap" else "year_cap"])
               for e in model.events if e.note]
    blocks: list[object] = []
    if weekly_rules:
        blocks += [Rules(t("mechanics.weekly_title"), weekly_rules),
                   Para(t("mechanics.weekly_pause", count=f("weekly_days"))),
                   Para(fixture_note(v.lang, s.year, [WEEKDAYS.index(a.weekday) for a in s.weekly_activities]))]
    blocks.append(Para(presale_note(v.lang)))
    blocks += [
        Table("monthly_themes", t("mechanics.themes_caption"), labels=(
            ("month", t("mechanics.month")), ("theme", t("mechanics.theme")), ("events", t("mechanics.events"))),
            formats=(("month", f"key:{NS}.month"), ("theme", f"key:{NS}.month_theme"), ("events", f"key:{NS}.event"),
                     ("brand_years", "count"))),
        Rules(t("mechanics.rules_title"), (
            t("mechanics.rule_schemes"),
            t("mechanics.rule_overlap", gap=f("min_days_between_discounts")),
            t("mechanics.rule_month", cap=caps["month_cap"]),
            t("mechanics.rule_year", cap=caps["year_cap"], count=f("kpis.discount_events.p50")),
            t("mechanics.rule_warmup", days=f("warmup_days")))),
    ]
    if changes:
        blocks.append(Para(t("mechanics.changes")))
        blocks.append(Bullets(tuple(changes)))
    return v.section("mechanics", *blocks)


def rewards(v: View) -> Section:
    """What the discount events give away, against the budget."""
    model, t, f = v.model, v.t, v.f
    blocks: list[object] = [
        Table("discount_costs", t("rewards.caption"), labels=(
            ("event", t("rewards.event")), ("schemes", t("rewards.schemes")), ("markdown_p50", t("rewards.markdown"))),
            formats=(*EVENT, ("schemes", f"key:{NS}.scheme_list"), ("scheme_1", f"key:{NS}.scheme_name"),
                     ("scheme_2", f"key:{NS}.scheme_name"), ("markdown_p50", "money"))),
        Para(t("rewards.total", cost=v.fr("kpis.discount_cost", "money"), fixed=f("fixed_costs", "money"),
               per=f("fixed_cost_per_event", "money"))),
        Callout(t("rewards.budget_ok", budget=f("budget", "money"))) if model.fixed_cost <= v.m.budget
        else Callout(t("rewards.budget_over", fixed=f("fixed_costs", "money"), budget=f("budget", "money")),
                     "warning"),
    ]
    if v.data["products_at_cost"]:
        blocks.append(Callout(t("rewards.negative_margin", count=f("products_at_cost")), "warning"))
    return v.section("rewards", *blocks)
