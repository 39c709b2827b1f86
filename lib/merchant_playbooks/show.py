"""What the notebook cells call: one call, one result to display.

    plan = build_plan(params)
    show.cover(plan)
    show.section(plan, "mechanics")
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import HTML

from .plan import Plan
from .planfiles import write_all
from .render import cover_html, section_html


def cover(plan: Plan):
    """The handout's cover: merchant, dates, stage, headline KPIs with ranges, contents.

    Live (JupyterLab, Voilà) it is a widget the panel re-renders when a lever moves (`panel.live`)."""
    from .panel.live import live_part

    return live_part(plan, "cover") or HTML(cover_html(plan))


def section(plan: Plan, key: str):
    """One section of the plan's spine, in the merchant's language (nothing if the plan has none);
    live, a widget the panel keeps up to date, as the cover."""
    if key not in plan.sections:
        return None
    from .panel.live import live_part

    return live_part(plan, key) or HTML(section_html(plan, plan.sections[key]))


def save(plan: Plan, plan_out: str) -> None:
    """Write plan.json, the .xlsx and the .ics next to `plan_out` when the batch runner asks for them."""
    if plan_out:
        write_all(plan, Path(plan_out))


def panel(params, plan: Plan, plan_out: str = ""):
    """The live control panel in JupyterLab or Voilà; nothing at all in a batch run (see merchant_playbooks.panel)."""
    from .panel import show_panel

    return show_panel(params, plan, plan_out)
