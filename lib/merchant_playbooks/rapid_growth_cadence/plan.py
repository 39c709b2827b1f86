"""The cadence plan: the year's calendar laid out on the playbook spine.

Numbers first (`figures.plan_figures`), then words (`words.plan_words`); the spine
(`merchant_playbooks.spine.assemble`) puts them together and adds the platform rules and
the review. Kept as `build_plan` for the notebook and the tests.
"""

from __future__ import annotations

from ..loading import PlaybookParams
from ..plan import Plan
from ..spine import assemble
from . import PLAYBOOK


def build_plan(params: PlaybookParams) -> Plan:
    return assemble(PLAYBOOK, params)


__all__ = ["build_plan"]
