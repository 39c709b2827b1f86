"""The shared spine: a playbook's figures and words put together into one `Plan`, with the
sections every playbook shares (platform rules, the review against actuals) added once here.

    plan = assemble(PLAYBOOK, params)

A playbook declares only what is its own (its figures and its words); it cannot forget a
shared section, because no playbook adds one itself.
"""

from __future__ import annotations

from typing import Any

from . import frames  # noqa: F401 - the pandas settings the plans are built under
from .clock import run_date
from .compliance import compliance_section
from .daysoff_text import flag_provisional
from .figures import Figures, Words
from .pastdates import warn_past
from .plan import Kpi, Plan, new_plan


def assemble(playbook: Any, params: Any) -> Plan:
    """The plan for validated `params` of `playbook` (a `playbook.Playbook`)."""
    figures: Figures = playbook.figures(params)
    words: Words = playbook.words(figures, params)
    plan = new_plan(params, words.title, figures.start, figures.end, figures.seed, figures.simulations)
    plan.kpis = {key: Kpi(key, words.kpi_labels[key], f.band, f.kind) for key, f in figures.kpis.items()}
    plan.headline = figures.headline
    plan.timeline = figures.timeline
    plan.tables = {**figures.tables, **words.tables}  # the view's copies carry their text columns
    plan.data = dict(figures.data)
    plan.model = figures.model
    plan.sections = dict(words.sections)
    for w in words.warnings:
        plan.warn(**w)
    if getattr(params, "priors", None):  # ranges learned from past campaigns (`priors:`)
        from .priors_text import note

        note(plan, params.priors)
    flag_provisional(plan)  # days off a year's notice has not confirmed yet (plan.json `days_off`)
    # -- the event's money: one P&L from the same draws as every other figure
    if figures.ledger is not None:
        from .economics import economics
        from .economics_text import economics_section

        plan.data["economics"] = economics(figures.ledger)
        plan.sections["economics"] = economics_section(plan)
    # -- platform rules: every mechanic and channel the plan uses (after plan.data, which it extends)
    compliance_section(plan, playbook.uses(params.section, figures), playbook.group_sizes(params.section))
    # -- dates against today: a plan to be run that starts before the run date is flagged
    has_actuals = bool(getattr(params.section, "actuals", None))
    plan.data["run_date"] = run_date()
    warn_past(plan, has_actuals)
    # -- review after the event: plan vs actual, ranges for the next plan (only with actuals:)
    if playbook.review is not None and has_actuals:
        from .review import add_review

        add_review(plan, playbook.review()(plan, params), params.data_path(params.section.actuals))
    plan.__dict__.pop("_doc", None)  # figure references are read from the finished plan
    return plan
