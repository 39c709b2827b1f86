"""First-event bargaining: a merchant with a few fans runs its first price-cut (bargain) event.

The package, by job: `schema` (the params section), `cuts`, `campaign`, `compare` and `model`
(the model), `figures` (the plan's numbers), `words` (its text), `plan` (both on the shared
spine), `compliance` (what the event uses, for the platform rules), `review` (plan vs actuals),
`charts` and `panel`. `PLAYBOOK` below declares it; importing this module stays light (the
loaders import the parts when they are asked for).
"""

from __future__ import annotations

from pathlib import Path

from ..playbook import Playbook

NAME = "first_event_bargaining"
_PACKAGE = f"merchant_playbooks.{NAME}"


def _section() -> type:
    from .schema import Section

    return Section


def _figures(params):  # validated PlaybookParams -> Figures
    from .figures import plan_figures

    return plan_figures(params)


def _words(figures, params):  # (Figures, PlaybookParams) -> Words
    from .words import plan_words

    return plan_words(figures, params)


def _uses(section, figures=None):  # (Section, Figures) -> [(mechanic, channel)]
    from .compliance import uses

    return uses(section, figures)


def _review():  # the review spec function (plan, params) -> ReviewSpec
    from .review import spec

    return spec


def _panel():  # the panel's PanelSpec
    from .panel import PANEL

    return PANEL


def _charts():  # the module of the notebook's chart functions
    from . import charts

    return charts


PLAYBOOK = Playbook(
    name=NAME,
    stage="few_fans",
    section=_section,
    figures=_figures,
    words=_words,
    uses=_uses,
    review=_review,
    panel=_panel,
    charts=_charts,
    data_files=("actuals",),
    preload=tuple(f"{_PACKAGE}.{m}" for m in ("schema", "model", "figures", "words", "plan", "charts", "panel",
                                                   "review", "compliance")),
    notebook=Path(__file__).resolve().parents[3] / "playbooks" / f"{NAME}.ipynb",
    description="A merchant with a few fans runs its first price-cut (bargain) event.",
)

__all__ = ["NAME", "PLAYBOOK"]
