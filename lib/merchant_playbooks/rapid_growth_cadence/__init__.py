"""The rapid_growth_cadence playbook: a year of weekly fixtures, monthly themes and tentpole events.

Its declaration, light to import: every part that pulls in numpy, pandas or Altair is loaded
on first use. The parts, by job: `schema` (the params section), `calendar` (the year's dates
and which events discount), `products` (the catalogue and its scores), `model` with `targets`,
`simulation` and `stock` (the numbers), `figures` (the numbers as plan data, no words),
`view`, `words` and `words_year` (the merchant's language), `plan` (`build_plan`), `charts`,
`panel`, `compliance` (what it uses, for the platform rules) and `review` (plan vs actuals).
"""

from __future__ import annotations

from pathlib import Path

from ..playbook import Playbook


def _section():
    from .schema import Section

    return Section


def _figures(params):
    from .figures import plan_figures

    return plan_figures(params)


def _words(figures, params):
    from .words import plan_words

    return plan_words(figures, params)


def _uses(section, figures=None):
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
    name="rapid_growth_cadence",
    stage="growing",
    section=_section,
    figures=_figures,
    words=_words,
    uses=_uses,
    review=_review,
    panel=_panel,
    charts=_charts,
    data_files=("catalogue", "actuals"),
    preload=("merchant_playbooks.rapid_growth_cadence.schema", "merchant_playbooks.rapid_growth_cadence.model",
             "merchant_playbooks.rapid_growth_cadence.figures", "merchant_playbooks.rapid_growth_cadence.words",
             "merchant_playbooks.rapid_growth_cadence.plan", "merchant_playbooks.rapid_growth_cadence.charts",
             "merchant_playbooks.rapid_growth_cadence.panel", "merchant_playbooks.rapid_growth_cadence.calendar",
             "merchant_playbooks.rapid_growth_cadence.review", "merchant_playbooks.rapid_growth_cadence.compliance",
             "holidays.calendars.chinese", "lunar_python"),  # the festivals' lunar dates
    notebook=Path(__file__).resolve().parents[3] / "playbooks" / "rapid_growth_cadence.ipynb",
    description="A year of weekly fixtures, monthly themes and tentpole events for a shop that is growing.",
)
