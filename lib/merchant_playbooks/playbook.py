"""What a playbook is: one declaration per playbook package, which the registry lists.

A playbook package declares itself in its `__init__.py` as

    PLAYBOOK = Playbook(name="first_event_bargaining", stage="first_event", ...)

and everything else — batch, kernels, panel, platform rules, review, docs,
diagnosis, tools and tests — asks the registry (`merchant_playbooks.registry`)
for it; nothing builds a module path from a playbook's name.

The declaration is light to import: the parts that pull in numpy, pandas or
Altair are given as zero-argument loaders (`lambda: ...` or a small function
that imports inside), so loading params or starting the CLI stays fast.

A plan is made in two steps, numbers first:

    figures(params) -> Figures                 # the model: numbers, dates, choices, tables; no words
    words(figures, params) -> Words            # the view: headings, sentences, labels from the catalogues

and the shared spine (`merchant_playbooks.spine.assemble`) puts them together
with the sections every playbook shares (platform rules, review).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Loader = Callable[[], Any]


@dataclass(frozen=True)
class Playbook:
    """One playbook, declared once.

    - `name`: the params section key, the notebook's stem and the plan's `playbook`.
    - `stage`: the diagnosed stage this playbook serves (diagnosis.STAGES).
    - `section`: loader of the params section's pydantic model.
    - `figures`: params -> Figures (numbers only; imports no i18n, charts, render, panel, runner).
    - `words`: (Figures, params) -> Words (the merchant's language).
    - `uses`: (section, figures) -> list of (mechanic, channel) pairs the plan uses (platform rules);
      `figures` is None when only the params are known (`playbooks validate`'s warnings), so list
      every pair the params may lead to.
    - `group_sizes`: (section) -> list of (channel, members) the plan fills (platform group limits).
    - `review`: loader of a function (plan, params) -> ReviewSpec, or None when the playbook has no review.
    - `panel`: loader of the playbook's PanelSpec, or None.
    - `charts`: loader of the module holding the notebook's chart functions, or None.
    - `data_files`: section fields naming data files (relative to the params file).
    - `preload`: modules a batch kernel imports ahead of the notebook.
    - `notebook`: the notebook's path; `messages`: a folder with `<lang>.yaml` catalogues of its own, if any.
    """

    name: str
    stage: str
    section: Loader
    figures: Callable[[Any], Any]
    words: Callable[[Any, Any], Any]
    uses: Callable[[Any, Any], list[tuple[str, str]]] = lambda section, figures: []
    group_sizes: Callable[[Any], list[tuple[str, int]]] = lambda section: []
    review: Loader | None = None
    panel: Loader | None = None
    charts: Loader | None = None
    data_files: tuple[str, ...] = ("actuals",)
    preload: tuple[str, ...] = ()
    notebook: Path | None = None
    messages: Path | None = None
    description: str = ""
