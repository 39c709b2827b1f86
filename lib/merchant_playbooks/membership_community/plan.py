"""The membership and community plan: its figures and words on the shared spine (`spine.assemble`)."""

from __future__ import annotations

from ..loading import PlaybookParams
from ..plan import Plan
from ..spine import assemble
from . import PLAYBOOK


def build_plan(params: PlaybookParams) -> Plan:
    return assemble(PLAYBOOK, params)


__all__ = ["build_plan"]
