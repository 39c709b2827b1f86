"""The bargaining plan: its figures (`figures.py`) and words (`words.py`) on the shared spine.

`build_plan` is what the notebook and the tests call; the spine (`merchant_playbooks.spine`)
puts the numbers and the words together and adds the sections every playbook shares
(platform rules, the review against actuals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spine import assemble
from . import PLAYBOOK

if TYPE_CHECKING:
    from ..loading import PlaybookParams
    from ..plan import Plan


def build_plan(params: PlaybookParams) -> Plan:
    return assemble(PLAYBOOK, params)


__all__ = ["build_plan"]
