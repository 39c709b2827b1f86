"""`playbooks validate`'s platform-rule warnings: each forbidden use a params file asks for.

Warnings, never errors, because the consultant decides. What a section uses comes from
its playbook's declaration (`registry.get(name).uses(section, None)`: only the params
are known here, so a playbook lists every use its params may lead to).
"""

from __future__ import annotations

from typing import Any

from . import registry
from .compliance import check, check_groups


def playbook_uses(name: str, section: Any) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """What a playbook's section uses, from its declaration (`figures` None: only the params are known)."""
    playbook = registry.get(name)
    return list(playbook.uses(section, None)), list(playbook.group_sizes(section))


def warnings_for(merchant_params: Any) -> list[str]:
    """One line per forbidden use in a validated params file, for `playbooks validate` (in English)."""
    out = []
    for name, section in merchant_params.sections.items():
        uses, sizes = playbook_uses(name, section)
        for r in check(uses, "en") + check_groups(sizes, "en"):
            if r.status != "forbidden":
                continue
            what = f"a {r.channel} of {r.size} members" if r.size is not None else f"{r.mechanic} via {r.channel}"
            text = f"{what} is forbidden ({r.source}): {r.advice}"
            out.append(f"{merchant_params.source}: {name}: {text}")
    return out
