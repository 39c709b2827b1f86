"""The live page stays whole: the cover and every section, shown as widgets the panel re-renders.

In JupyterLab or Voilà (`batch.batch_run` false), `show.cover(plan)` and `show.section(plan, key)`
display an HTML widget instead of static HTML and register it on the notebook's plan. When a lever
moves, the panel renders the new plan's cover (KPIs, warnings) and each registered section into those
widgets (`refresh`), so no part of the page keeps the old numbers. The widget also carries its HTML as
`text/html`, so a notebook saved from a live session still exports a whole handout. Batch runs
(papermill, nbval, `playbooks run`) never get here: they display plain HTML.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import i18n
from ..plan import Plan
from ..render import cover_html, esc, section_html, text_out
from .batch import batch_run

LIVE = "_live"  # plan.__dict__ key: part ("cover" or a section key) -> its widget
PAGES = "_pages"  # plan.__dict__ key: part -> rendered HTML, made once per plan


def pages(plan: Plan) -> dict[str, str]:
    """The cover and each section of `plan` as the handout renders them, made once per plan."""
    made = plan.__dict__.get(PAGES)
    if made is None:
        made = {"cover": cover_html(plan), **{s.key: section_html(plan, s) for s in plan.ordered_sections()}}
        plan.__dict__[PAGES] = made
    return made


@cache
def _live_html() -> type:
    import ipywidgets as w

    class LiveHTML(w.HTML):
        """An HTML widget that also offers its HTML as `text/html` (what the handout export reads)."""

        def _repr_mimebundle_(self, **kwargs: Any) -> dict:
            bundle = super()._repr_mimebundle_(**kwargs)
            bundle = bundle[0] if isinstance(bundle, tuple) else bundle
            return {**bundle, "text/html": self.value}

    return LiveHTML


def live_part(plan: Plan, part: str) -> Any:
    """A widget showing `part` of `plan` that the panel keeps up to date; None in a batch run."""
    if batch_run():
        return None
    widget = _live_html()(value=pages(plan)[part])
    widget.add_class("mp-live")
    widget.add_class(f"mp-live-{part}")
    plan.__dict__.setdefault(LIVE, {})[part] = widget
    return widget


def refresh(shown: Plan | None, plan: Plan) -> int:
    """Render `plan` into every live part registered on `shown` (the notebook's plan); how many."""
    parts = shown.__dict__.get(LIVE, {}) if shown is not None else {}
    new = pages(plan)
    for part, widget in parts.items():
        page = new.get(part)
        if page is None:  # a section the live preview leaves out (the review against actuals)
            page = _left_out(shown, plan, part)
        if widget.value != page:
            widget.value = page
    return len(parts)


def _left_out(shown: Plan, plan: Plan, part: str) -> str:
    section = shown.sections.get(part)
    title = text_out(shown, section.title) if section else esc(part)
    note = esc(i18n.t("panel.preview_without", plan.language))
    return (f'<section class="mp-section" id="mp-{esc(part)}" data-section="{esc(part)}"><h2>{title}</h2>'
            f'<p class="mp-note">{note}</p></section>')
