"""The zero-fan launch playbook: traffic first, for a merchant with no fans and no budget.

Its parts: `schema` (the params section), `model` with `fission` and `mechanics`
(the numbers), `figures` (params → Figures), `words` and `decision_words`
(Figures → the sections' text), `plan` (`build_plan`, through the shared spine),
`compliance` (what the plan uses, for the platform rules), `review` (the review
spec), `charts`, `panel` (the live panel's levers). Declared once, below; the
loaders import inside, so importing this package stays light.
"""

from __future__ import annotations

from pathlib import Path

from ..playbook import Playbook

NAME = "zero_fan_launch"


def _section():
    from .schema import Section

    return Section


def _figures(params):
    from .figures import plan_figures

    return plan_figures(params)


def _words(figures, params):
    from .words import plan_words

    return plan_words(figures, params)


def _uses(section, figures):
    from .compliance import uses

    return uses(section, figures)


def _review():
    from .review import spec

    return spec


def _panel():
    from .panel import PANEL

    return PANEL


def _charts():
    from . import charts

    return charts


PLAYBOOK = Playbook(
    name=NAME,
    stage="zero",
    section=_section,
    figures=_figures,
    words=_words,
    uses=_uses,
    review=_review,
    panel=_panel,
    charts=_charts,
    data_files=("actuals",),
    preload=tuple(f"merchant_playbooks.{NAME}.{m}" for m in (
        "schema", "model", "fission", "mechanics", "figures", "text", "words", "decision_words", "plan", "charts",
        "panel", "review", "compliance")),
    notebook=Path(__file__).resolve().parents[3] / "playbooks" / f"{NAME}.ipynb",
    description="Zero-fan launch: a friend-help (or voting) campaign seeded by staff and partners, "
                "for a merchant with no fans and no budget.",
)
