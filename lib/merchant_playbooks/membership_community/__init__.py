"""The membership_community playbook: levels, CLV and a community sale for a stable business.

Declared once here (`PLAYBOOK`); the registry lists it. Light to import: every part that
pulls in numpy, pandas or Altair is loaded on first use.

    figures.py  plan_figures: the model's numbers (model.py, cache.py, tiers, rfm, clv, community)
    words.py    plan_words: the sections in the merchant's language (with voice.py, words_value.py)
    plan.py     build_plan = spine.assemble(PLAYBOOK, params)
"""

from __future__ import annotations

from pathlib import Path

from ..playbook import Playbook

NAME = "membership_community"


def _section():
    from .schema import Section

    return Section


def _figures(params):
    from .figures import plan_figures
    from .words import level_names

    return plan_figures(params, level_names(params.lang))  # the template's levels are named in the merchant's language


def _words(figures, params):
    from .words import plan_words

    return plan_words(figures, params)


def _uses(section, figures):
    from .compliance import uses

    return uses(section, figures)


def _group_sizes(section):
    from .compliance import group_sizes

    return group_sizes(section)


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
    stage="stable",
    section=_section,
    figures=_figures,
    words=_words,
    uses=_uses,
    group_sizes=_group_sizes,
    review=_review,
    panel=_panel,
    charts=_charts,
    data_files=("orders_file", "actuals"),
    preload=tuple(f"merchant_playbooks.{NAME}.{m}" for m in ("schema", "model", "figures", "words", "plan", "charts",
                                                             "panel", "review", "compliance")),
    notebook=Path(__file__).resolve().parents[3] / "playbooks" / f"{NAME}.ipynb",
    description="Member levels from the order history (RFM, CLV), benefits against customer value, "
                "and a community sale in WeChat groups with a top-up lottery and a challenge camp.",
)

__all__ = ["NAME", "PLAYBOOK"]
