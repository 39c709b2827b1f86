"""The panel's state, without widgets: the lever values, the live-preview params, the plan cache,
the sections a change touched, and Save/Reset against the params file.

Widget-free, so tests and the benchmark drive it directly; `panel.widgets.Panel` puts widgets on it.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import i18n
from ..errors import ParamsError, Problem
from ..figref import lookup, refs
from ..loading import PlaybookParams, load_params, validate_section
from ..plan import Plan, Rules, Table
from ..render import block_html, kpi_cards, plan_doc
from ..schema import MerchantSection, Range
from .controls import Control, get_value, resolve, set_in, to_json
from .lookup import plan_builder, section_model
from .params_file import replace_text, update_yaml
from .spec import PanelSpec

NS = "panel"
PLAN_CACHE_SIZE = 32


@dataclass
class Update:
    """What one change produced: problems (then nothing else), or the plan and its rendered parts."""

    problems: list[str] = field(default_factory=list)
    plan: Plan | None = None
    kpis_html: str = ""
    rules_html: str = ""
    chart_spec: dict | None = None
    changed: list[str] = field(default_factory=list)  # titles of the plan's sections that changed
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


class Explorer:
    """The panel's state and logic: current values, validation, plan, rendering, save, reset."""

    def __init__(self, params: PlaybookParams, spec: PanelSpec, params_file: Path | None = None,
                 plan: Plan | None = None) -> None:
        self.params = params
        self.spec = spec
        self.playbook = params.playbook
        self.lang = params.lang
        self.section_model = section_model(self.playbook)
        self._build_plan = plan_builder(self.playbook)
        self.controls = [resolve(lever, self.section_model) for lever in spec.levers]
        self.file = params_file
        self.values: dict[str, Any] = {c.path: self._typed(params, c) for c in self.controls}
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        if plan is not None:  # the notebook's full plan stands for its own values (as on the cover)
            self._plans[_key(params)] = plan
        self.last: Update | None = None
        self._shown: Plan | None = None  # the last plan shown, to say which sections a change touched

    # -- values

    def _typed(self, params: PlaybookParams, control: Control) -> Any:
        root = params.merchant if control.in_merchant else params.section
        return get_value(root, control.parts)

    def set(self, path: str, value: Any) -> Update:
        """Set one lever (a typed value or what its widget holds) and recompute."""
        control = self.control(path)
        self.values[path] = self.coerce(control, value)
        return self.update()

    def control(self, path: str) -> Control:
        for c in self.controls:
            if c.path == path:
                return c
        raise KeyError(path)

    def coerce(self, control: Control, value: Any) -> Any:
        """A widget's value as the schema's type (money to the cent, ranges as Range)."""
        if control.kind == "money":
            return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
        if control.kind == "range":
            if isinstance(value, Range):
                return value
            low, high = value
            return Range(low=round(float(low), 6), high=round(float(high), 6))  # checked as the field's type later
        if control.kind in ("float", "share") and value is not None:
            return round(float(value), 6)
        if control.kind == "int" and value is not None:
            return int(value)
        if control.kind == "optional":  # the text as typed; the schema parses it ("" is None: auto)
            text = "" if value is None else str(value).strip()
            return text or None
        return value

    # -- validation through the schema, then the plan

    def validated(self) -> tuple[PlaybookParams | None, list[Problem]]:
        merchant = self.params.merchant.model_dump(mode="json")
        section = self.params.section.model_dump(mode="json")
        for c in self.controls:
            set_in(merchant if c.in_merchant else section, c.parts, to_json(self.values[c.path]))
        m_obj, problems = validate_section(MerchantSection, merchant, "merchant")
        s_obj, more = validate_section(self.section_model, section, self.playbook)
        problems += more
        if problems:
            return None, problems
        return dataclasses.replace(self.params, merchant=m_obj, section=s_obj), []

    def preview(self, params: PlaybookParams) -> PlaybookParams:
        """The params the live preview runs: fewer draws and no review when the spec says so."""
        update = {name: None for name in self.spec.preview_without if getattr(params.section, name, None)}
        sims = self.spec.preview_simulations
        full = getattr(params.section, "simulations", None)
        if sims is not None and full is not None and full > sims:
            update["simulations"] = sims
        if not update:
            return params
        return dataclasses.replace(params, section=params.section.model_copy(update=update))

    @property
    def preview_note(self) -> str:
        """What the live preview leaves out, in the merchant's language ("" when nothing)."""
        notes = []
        sims, full = self.spec.preview_simulations, getattr(self.params.section, "simulations", None)
        if sims is not None and full is not None and full > sims:
            notes.append(i18n.t(f"{NS}.preview", self.lang, draws=i18n.number(sims), full=i18n.number(full)))
        if any(getattr(self.params.section, name, None) for name in self.spec.preview_without):
            notes.append(i18n.t(f"{NS}.preview_without", self.lang))
        return " ".join(notes)

    def plan_for(self, params: PlaybookParams) -> Plan:
        """The playbook's `build_plan` (the batch's function) on the preview params, or a plan already made."""
        key = _key(params)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build_plan(self.preview(params))
            self._plans[key] = plan
            if len(self._plans) > PLAN_CACHE_SIZE:
                self._plans.popitem(last=False)
        else:
            self._plans.move_to_end(key)
        return plan

    def update(self) -> Update:
        """Validate, plan, render: the work one control change costs (what `bench_widgets` times)."""
        started = time.perf_counter()
        params, problems = self.validated()
        if problems:
            self.last = Update(problems=[p.format("")[2:] for p in problems],  # "field = value message"
                               seconds=time.perf_counter() - started)
            return self.last
        plan = self.plan_for(params)
        rules = [block_html(plan, b) for b in rules_blocks(plan, self.spec.rules_section)]
        spec = self.spec.main_chart(plan).to_dict(validate=False)  # validated when the notebook displays it
        changed = changed_sections(self._shown, plan) if self._shown is not None else []
        self._shown = plan
        self.last = Update(plan=plan, kpis_html=kpi_cards(plan, plan.headline), rules_html="".join(rules),
                           chart_spec=spec, changed=changed, seconds=time.perf_counter() - started)
        return self.last

    # -- the params file

    def file_values(self) -> dict[str, Any]:
        """The levers' values as the file has them now (schema defaults where it is silent)."""
        if self.file is None:
            raise ValueError("no params file")
        mp = load_params(self.file)
        if self.playbook not in mp.sections:
            return {c.path: self.values[c.path] for c in self.controls}
        params = mp.for_playbook(self.playbook)
        return {c.path: self._typed(params, c) for c in self.controls}

    def reset(self) -> Update:
        """Back to the file's values."""
        self.values.update(self.file_values())
        return self.update()

    def current(self) -> dict[str, Any]:
        """The levers' values as the schema reads them (raises ParamsError when it rejects one)."""
        params, problems = self.validated()
        if problems:
            raise ParamsError(str(self.file or self.params.source), problems)
        return {c.path: self._typed(params, c) for c in self.controls}

    def changes(self) -> dict[str, Any]:
        """The levers whose value differs from the file's, with their values."""
        saved, now = self.file_values(), self.current()
        return {c.path: now[c.path] for c in self.controls if not _same(now[c.path], saved[c.path])}

    def save(self) -> list[str]:
        """Write the changed values into the params file, comments and order kept; the paths written.

        The new text is checked with `load_params` before it replaces the file, so a save
        never leaves a file `playbooks run` would reject (see `params_file.replace_text`:
        through a symlink to its target, the file's mode kept, never half a file).
        """
        if self.file is None:
            raise ValueError("no params file")
        changed = self.changes()
        if not changed:
            return []
        text = update_yaml(self.file.read_text(encoding="utf-8"), self.playbook, changed)
        source = str(self.file)
        replace_text(self.file, text, check=lambda tmp: load_params(tmp, source))  # ParamsError names the file
        return list(changed)


def _key(params: PlaybookParams) -> str:
    return json.dumps([params.merchant.model_dump(mode="json"), params.section.model_dump(mode="json")],
                      sort_keys=True, default=str)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Range) and isinstance(b, Range):
        return (a.low, a.high) == (b.low, b.high)
    return a == b


def changed_sections(before: Plan, after: Plan) -> list[str]:
    """The titles of `after`'s sections whose text or tables differ from `before`'s, in plan order.

    A lever can move what the panel does not show (the timeline, the budget decision):
    the panel names those sections so no change goes unseen. Blocks are frozen
    dataclasses of text, so this compares values, and costs well under a millisecond.
    """
    out = []
    for section in after.ordered_sections():
        old = before.sections.get(section.key)
        if old is None or old.blocks != section.blocks or any(
                _table_changed(before, after, b.name) for b in section.blocks if isinstance(b, Table)) or (
                _figures_changed(before, after, section.blocks)):
            out.append(section.title)
    return out


def _block_texts(block: object) -> list[str]:
    texts = [getattr(block, a) for a in ("text", "title", "caption") if isinstance(getattr(block, a, None), str)]
    for a in ("items", "rows"):
        for item in getattr(block, a, ()) or ():
            texts += [item] if isinstance(item, str) else [x for x in item if isinstance(x, str)]
    return texts


def _figures_changed(before: Plan, after: Plan, blocks: list) -> bool:
    """Whether a figure the blocks' text refers to (`figref`) reads differently in the two plans: the same
    words with a new number are a changed section."""
    keys = {key for b in blocks for text in _block_texts(b) for key, _kind, _range in refs(text)}
    if not keys:
        return False
    a, b = plan_doc(before), plan_doc(after)

    def value(doc: dict, key: str) -> Any:
        try:
            return lookup(doc, key)
        except KeyError:
            return None

    return any(value(a, k) != value(b, k) for k in keys)


def _table_changed(before: Plan, after: Plan, name: str) -> bool:
    a, b = before.tables.get(name), after.tables.get(name)
    if a is b:  # the same frame (a playbook's cache hands out one when nothing it depends on moved)
        return False
    if a is None or b is None:
        return (a is None) != (b is None)
    return not a.equals(b)


def rules_blocks(plan: Plan, section: str | None) -> list[Rules]:
    """The plan's publishable rules: the Rules blocks of `section` (or of the first section that has one)."""
    sections = [plan.sections[section]] if section in plan.sections else plan.ordered_sections()
    for sec in sections:
        found = [b for b in sec.blocks if isinstance(b, Rules)]
        if found:
            return found
    return []
