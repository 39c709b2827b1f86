"""The zero-fan launch plan: its figures and words put on the shared spine (`spine.assemble`).

The numbers are made in `figures.py`, the text in `words.py`; the spine adds the
platform rules and, with actuals, the review. Notebooks and tests import `build_plan` from here.
"""

from __future__ import annotations

from ..loading import PlaybookParams
from ..plan import Plan
from ..spine import assemble
from . import PLAYBOOK


def build_plan(params: PlaybookParams) -> Plan:
    return assemble(PLAYBOOK, params)


__all__ = ["build_plan"]
