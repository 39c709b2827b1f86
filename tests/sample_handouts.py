"""Every sample merchant's plans and handouts, built once per test session by direct library calls.

No papermill, no charts: the plan comes from the playbook's `build_plan` (the batch's function) with
fewer Monte Carlo draws, and the handout from our nbconvert template over a notebook holding what the
notebook's cells display — the cover, then every section of the plan in the spine's order. The
tests of figures (test_handout_figures.py) and of plan invariants (test_plan_invariants.py) share it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import cache

import nbformat
from conftest import PARAMS
from merchant_playbooks import registry
from merchant_playbooks.export import handout_html
from merchant_playbooks.loading import load_params
from merchant_playbooks.plan import Plan
from merchant_playbooks.render import cover_html, plan_doc, section_html
from nbformat.v4 import new_code_cell, new_notebook, new_output

SIMULATIONS = 400  # enough for stable P10/P90, cheap on two cores


@dataclasses.dataclass(frozen=True)
class Sample:
    name: str  # "<params file stem>/<playbook>"
    plan: Plan
    doc: dict  # plan.json
    html: str  # the handout page


def fewer_draws(params, simulations: int = SIMULATIONS):
    if getattr(params.section, "simulations", None) is None:
        return params
    return dataclasses.replace(params, section=params.section.model_copy(update={"simulations": simulations}))


def handout_notebook(plan: Plan) -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: the cover's and every section's HTML as cell outputs."""
    pages = [cover_html(plan)] + [section_html(plan, s) for s in plan.ordered_sections()]
    nb = new_notebook()
    nb.cells = [new_code_cell("show(...)", outputs=[new_output(
        "display_data", {"text/html": page, "text/plain": "<IPython.core.display.HTML object>"})]) for page in pages]
    return nb


def handout(plan: Plan) -> str:
    return handout_html(handout_notebook(plan), lang=plan.language, title=plan.merchant_name, source=plan.source,
                        today=date(2026, 12, 4))


def sample_ids() -> list[str]:
    """"<params file stem>/<playbook>" for each sample params file × each playbook it runs (en and zh)."""
    return [f"{p.stem}/{pb}" for p in sorted(PARAMS.glob("*.yaml")) for pb in load_params(p).playbooks]


@cache
def sample(name: str) -> Sample:
    """One sample's plan, plan.json and handout, built the first time a test asks for it."""
    stem, playbook = name.split("/")
    params = fewer_draws(load_params(PARAMS / f"{stem}.yaml").for_playbook(playbook))
    plan = registry.build_plan(playbook, params)
    return Sample(name, plan, plan_doc(plan), handout(plan))
