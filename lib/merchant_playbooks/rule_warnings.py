"""`playbooks validate`'s warnings: what each plan would warn about, and the forbidden uses a params file asks for.

Warnings, never errors, because the consultant decides. `plan_warnings` builds the plans (as
`playbooks run` would, with fewer draws) and returns their `warnings`: what validate prints.
`warnings_for` needs only the params: what a section uses comes from
its playbook's declaration (`registry.get(name).uses(section, None)`: only the params
are known here, so a playbook lists every use its params may lead to).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import registry
from .compliance import check, check_groups


def playbook_uses(name: str, section: Any) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """What a playbook's section uses, from its declaration (`figures` None: only the params are known)."""
    playbook = registry.get(name)
    return list(playbook.uses(section, None)), list(playbook.group_sizes(section))


#: Monte Carlo draws behind validate's plans: the warnings are about uses and dates, not about ranges
VALIDATE_SIMULATIONS = 500


def plan_warnings(merchant_params: Any, simulations: int = VALIDATE_SIMULATIONS) -> list[tuple[str, dict]]:
    """(playbook, warning) for every warning each playbook's plan carries, as `playbooks run` writes them
    into plan.json (a forbidden use, a date before today...). Each plan is built in this process with at
    most `simulations` draws, so its data files are read and checked too (a `UserError` names the file)."""
    out = []
    for name in merchant_params.playbooks:
        params = merchant_params.for_playbook(name)
        if getattr(params.section, "simulations", 0) > simulations:
            params = replace(params, section=params.section.model_copy(update={"simulations": simulations}))
        out += [(name, w) for w in registry.build_plan(name, params).warnings]
    return out


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
