"""Live control panels: a playbook's key levers as ipywidgets, over the functions the batch calls.

    show.panel(params, plan, plan_out)    # the notebook cell right after the cover

A playbook plugs in with a module `merchant_playbooks.<playbook>.panel` exposing
`PANEL = PanelSpec(levers=(...), main_chart=charts.chart_x, rules_section="mechanics")`.
Everything else is shared and lives here:

* **Controls from the schema.** A `Lever` names a params field by its dotted path in
  the playbook's section (`"helpers_needed"`, `"group_buy.team_size"`) or in the
  merchant block (`"merchant.budget"`). The widget follows the field's type (money,
  whole number, number, share, `[low, high]` range, yes/no, choice, date, text; an
  optional field is a text box where empty means "auto" and the key is removed), its
  bounds are the schema's own `ge`/`gt`/`le`/`lt` (a lever may narrow them for the
  slider, never widen). Its label is `<playbook>.panel.<path>` in the playbook's own
  catalogue (choice names: `<playbook>.panel_choice.<value>`); units are `panel.unit.*`.
* **One code path.** A change re-validates every value through the section models
  (`loading.validate_section`, what `playbooks validate` runs): a value the schema
  rejects shows the schema's message at once and leaves the plan as it was. Valid
  values go to the playbook's own `build_plan`; the KPI cards and the rules are
  rendered by `render.py`, the chart by the playbook's chart function and the active
  Altair renderer, exactly as the notebook's cells and the handout do.
* **Latency.** The live preview may run fewer Monte Carlo draws than the plan
  (`PanelSpec.preview_simulations`, 1,000 by default; the panel says so), and plans
  already computed for the same values are reused (a slider moved back and forth).
* **Save to params** writes the values that differ from the file into the merchant's
  YAML with ruamel.yaml's round trip (comments, key order, number formats kept),
  re-validates the result with `load_params` and replaces the file atomically.
  **Reset** reloads the file's values.

Batch runs (papermill, nbval, `playbooks run`) never build a widget: see `batch_run`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import itertools
import json
import os
import time
import types
import typing
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import annotated_types as at

from . import i18n
from .errors import ParamsError, Problem
from .loading import (
    PlaybookParams,
    find_params_dir,
    load_params,
    read_yaml,
    slugify,
    validate_section,
)
from .plan import Plan, Rules, Table
from .schema import MerchantSection, Range, StrictModel

NS = "panel"
GROUPS = ("product", "audience", "rewards", "dates")
PREVIEW_SIMULATIONS = 1000
PLAN_CACHE_SIZE = 32
MONEY_MAX = 9_999_999_999.99  # Money: at most 12 digits, 2 after the point


# ---------------------------------------------------------------- what a playbook declares


@dataclass(frozen=True)
class Lever:
    """One control: a params field, where it sits on the panel, how it reads.

    `path` is dotted inside the playbook's section, or starts with `merchant.`;
    `unit` is a key of `panel.unit` (`money` shows the merchant's currency symbol);
    `low`/`high` narrow the slider within the schema's bounds; `step` is the slider step;
    `widget` forces "slider" or "text" for numbers (default: a slider when both ends are known).
    """

    path: str
    group: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    step: float | None = None
    widget: str = ""

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"lever {self.path}: group must be one of {', '.join(GROUPS)}")


@dataclass(frozen=True)
class PanelSpec:
    """A playbook's panel: its levers, its main chart and the section holding its publishable rules."""

    levers: tuple[Lever, ...]
    main_chart: Callable[[Plan], Any]  # plan -> alt.Chart (or a layered/concatenated chart)
    rules_section: str | None = "mechanics"  # None: the first section with a Rules block
    preview_simulations: int | None = PREVIEW_SIMULATIONS  # None: the plan's own count
    # section fields the live preview leaves out: the review against actuals adds its own
    # section (none of the KPIs, the chart or the rules) and reading a CSV is slow
    preview_without: tuple[str, ...] = ("actuals",)


def load_spec(playbook: str) -> PanelSpec | None:
    """The playbook's `PANEL`, or None when the playbook has no panel (yet)."""
    try:
        module = importlib.import_module(f"merchant_playbooks.{playbook}.panel")
    except ModuleNotFoundError as exc:
        if exc.name in (f"merchant_playbooks.{playbook}.panel", f"merchant_playbooks.{playbook}"):
            return None
        raise
    return getattr(module, "PANEL", None)


# ---------------------------------------------------------------- batch or a person?


def batch_run(plan_out: str = "") -> bool:
    """True unless a person looks at this kernel through a Jupyter frontend.

    Papermill, nbval and `playbooks run` run notebooks in kernels no frontend is
    connected to; widgets there would only leave state and placeholders in the output
    notebook (and `@interact`-style waiting can hang papermill, nteract/papermill#723).
    The panel is built only when the kernel was started for a frontend: by Voilà (it
    gives its kernels `VOILA_*` variables) or by a Jupyter server for an open notebook
    (jupyter_server's session manager sets `JPY_SESSION_NAME`) — and never when the
    batch runner asks for plan files (`plan_out`), which also covers a `playbooks run`
    started from a notebook whose kernel passed those variables on. No runner change is
    needed. `MERCHANT_PLAYBOOKS_PANEL=1` or `=0` forces either way.
    """
    forced = os.environ.get("MERCHANT_PLAYBOOKS_PANEL", "").strip().lower()
    if forced in ("1", "on", "yes", "true"):
        return False
    if forced in ("0", "off", "no", "false"):
        return True
    if plan_out:
        return True
    try:
        from IPython import get_ipython
    except ImportError:
        return True
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return True  # plain Python or terminal IPython: nothing renders widgets
    voila = any(k.startswith("VOILA_") for k in os.environ) or os.environ.get(
        "SERVER_SOFTWARE", "").startswith("voila")
    return not (voila or os.environ.get("JPY_SESSION_NAME"))


# ---------------------------------------------------------------- levers resolved against the schema


@dataclass(frozen=True)
class Control:
    """A lever resolved against the params schema: its kind and the bounds the schema allows."""

    lever: Lever
    kind: str  # money | int | float | share | range | bool | choice | date | text | optional
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.lever.path

    @property
    def in_merchant(self) -> bool:
        return self.path.startswith("merchant.")

    @property
    def parts(self) -> list[str]:
        return self.path.split(".")[1:] if self.in_merchant else self.path.split(".")


def _field_info(model: type[StrictModel], parts: list[str]):
    info = None
    for i, name in enumerate(parts):
        if name not in model.model_fields:
            raise KeyError(f"{'.'.join(parts)}: {model.__name__} has no field {name!r}")
        info = model.model_fields[name]
        if i < len(parts) - 1:
            model = _unwrap(info.annotation)
    return info


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` → X."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def resolve(lever: Lever, section_model: type[StrictModel]) -> Control:
    """The control a lever needs, from the field's type and the schema's bounds."""
    parts = lever.path.split(".")
    model = MerchantSection if parts[0] == "merchant" else section_model
    info = _field_info(model, parts[1:] if parts[0] == "merchant" else parts)
    ann = _unwrap(info.annotation)
    if type(None) in typing.get_args(info.annotation):
        # None means "work it out from the data". A yes/no or a choice: a dropdown with "auto" first;
        # a number: a text box, empty for auto. Either way the text goes to the schema to parse.
        if ann is bool:
            return Control(lever, "optional", choices=("true", "false"))
        if typing.get_origin(ann) is typing.Literal:
            return Control(lever, "optional", choices=tuple(str(a) for a in typing.get_args(ann)))
        if ann in (int, float, Decimal):
            return Control(lever, "optional")
        raise TypeError(f"lever {lever.path}: no control for an optional {ann!r}")
    low = high = None
    for meta in info.metadata:
        if isinstance(meta, at.Ge):
            low = float(meta.ge)
        elif isinstance(meta, at.Gt):
            low = float(meta.gt) + (0.01 if ann is Decimal else 1 if ann is int else 1e-9)
        elif isinstance(meta, at.Le):
            high = float(meta.le)
        elif isinstance(meta, at.Lt):
            high = float(meta.lt) - (0.01 if ann is Decimal else 1 if ann is int else 1e-9)
    if isinstance(ann, type) and issubclass(ann, Range):
        low, high = ann.bounds()
        return Control(lever, "range", low, high)
    if typing.get_origin(ann) is typing.Literal:
        return Control(lever, "choice", choices=tuple(typing.get_args(ann)))
    kinds = {Decimal: "money", bool: "bool", int: "int", date: "date", str: "text"}
    if ann is float:
        return Control(lever, "share" if lever.unit == "share" else "float", low, high)
    if ann in kinds:
        if ann is Decimal:
            high = MONEY_MAX if high is None else high
        return Control(lever, kinds[ann], low, high)
    raise TypeError(f"lever {lever.path}: no control for a field of type {ann!r}")


def get_value(obj: Any, parts: list[str]) -> Any:
    for name in parts:
        obj = getattr(obj, name)
    return obj


def to_json(value: Any) -> Any:
    """A typed params value as the plain data the schema validates (and YAML holds)."""
    if isinstance(value, Range):
        return [value.low, value.high]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    return value


def _set_in(data: dict, parts: list[str], value: Any) -> None:
    for name in parts[:-1]:
        data = data.setdefault(name, {})
    data[parts[-1]] = value


# ---------------------------------------------------------------- the live plan, without widgets


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
    """The panel's state and logic: current values, validation, plan, rendering, save, reset.

    Widget-free, so tests and the benchmark drive it directly; `Panel` puts widgets on it.
    """

    def __init__(self, params: PlaybookParams, spec: PanelSpec, params_file: Path | None = None,
                 plan: Plan | None = None) -> None:
        from . import registry

        self.params = params
        self.spec = spec
        self.playbook = params.playbook
        self.lang = params.lang
        self.section_model = registry.section_model(self.playbook)
        self._build_plan = functools.partial(registry.build_plan, self.playbook)
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
            _set_in(merchant if c.in_merchant else section, c.parts, to_json(self.values[c.path]))
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
        from .render import block_html, kpi_cards

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
        never leaves a file `playbooks run` would reject.
        """
        if self.file is None:
            raise ValueError("no params file")
        changed = self.changes()
        if not changed:
            return []
        text = update_yaml(self.file.read_text(encoding="utf-8"), self.playbook, changed)
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            load_params(tmp, str(self.file))  # raises ParamsError naming the real file
            os.replace(tmp, self.file)
        finally:
            tmp.unlink(missing_ok=True)
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
                _table_changed(before, after, b.name) for b in section.blocks if isinstance(b, Table)):
            out.append(section.title)
    return out


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


# ---------------------------------------------------------------- writing YAML back


def update_yaml(text: str, playbook: str, values: dict[str, Any]) -> str:
    """The params file's text with `values` (lever path → typed value) written in.

    ruamel.yaml's round trip keeps comments, key order, blank lines and the way
    numbers were written (`99.00` stays two decimals); new keys go at the end of
    their section; ranges stay `[low, high]` lists.
    """
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a consultant's long lines
    # keep the file's own indentation: `key:\n    - item` stays as it is, not re-indented to `  - item`
    mapping, dash = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=dash + 2, offset=dash)
    doc = yaml.load(text)
    for path, value in values.items():
        parts = path.split(".")
        keys = parts if parts[0] == "merchant" else [playbook, *parts]
        node, parents = doc, []
        for name in keys[:-1]:
            if node.get(name) is None:
                from ruamel.yaml.comments import CommentedMap

                node[name] = CommentedMap()
            parents.append((node, name))
            node = node[name]
        if value is None:  # "auto": the schema's default works it out, so the key goes (and sections left empty)
            node.pop(keys[-1], None)
            for parent, name in reversed(parents):
                if parent[name]:
                    break
                del parent[name]
        else:
            node[keys[-1]] = _yaml_value(value, node.get(keys[-1]))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _guess_indent(text: str) -> tuple[int, int]:
    """How the file indents: a nested mapping's step, and how far a list's dashes sit in from their key.

    (ruamel's own guess reports the first list's indent, not the mappings'.)
    """
    mapping = dash = None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for above, line in itertools.pairwise(lines):
        if not above.split(" #", 1)[0].rstrip().endswith(":"):
            continue
        step = (len(line) - len(line.lstrip())) - (len(above) - len(above.lstrip()))
        if line.lstrip().startswith("- "):
            dash = step if dash is None and step >= 0 else dash
        elif step > 0 and mapping is None:
            mapping = step
        if mapping is not None and dash is not None:
            break
    return mapping or 2, dash or 0


def _yaml_value(value: Any, old: Any) -> Any:
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarfloat import ScalarFloat

    if isinstance(value, Range):
        low, high = _number(value.low), _number(value.high)
        if isinstance(old, list) and len(old) == 2:
            old[0], old[1] = low, high
            return old
        if low == high and not isinstance(old, list):
            return low
        seq = CommentedSeq([low, high])
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, tuple):
        seq = CommentedSeq([_yaml_value(v, None) for v in value])
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and not isinstance(old, float):
            return int(value)
        decimals = max(2, old._width - old._prec - 1) if isinstance(old, ScalarFloat) and old._prec else 2
        text = f"{value:.{decimals}f}"
        return ScalarFloat(float(value), width=len(text), prec=text.index("."), m_sign=False, m_lead0=0)
    if isinstance(value, float):
        return _number(value)
    return value  # int, bool, str, date (written unquoted, as a YAML date)


def _number(x: float) -> float | int:
    x = round(float(x), 6)
    return int(x) if x == int(x) and abs(x) < 1e15 else x


# ---------------------------------------------------------------- which file to save to


def params_file_for(params: PlaybookParams) -> Path | None:
    """The YAML file the notebook's values came from.

    `playbooks run` and `playbooks app` pass it as `params_file`; a notebook opened with
    its defaults has none, so look in the project's `params/` folder for the file of the
    same merchant (its `id`, else its name's slug).
    """
    if params.source and not params.source.startswith("<"):
        path = Path(params.source)
        return path if path.is_file() else None
    want = params.merchant.id or slugify(params.merchant.name)
    folder = find_params_dir()
    for path in sorted(folder.glob("*.y*ml")):
        try:
            merchant = read_yaml(path).get("merchant") or {}
        except (ParamsError, AttributeError):
            continue
        if (merchant.get("id") or slugify(str(merchant.get("name", "")))) == want:
            return path
    return None


# ---------------------------------------------------------------- the widgets


PANEL_CSS = """
.mp-panel { border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 14px; }
.mp-panel .mp-panel-title { font-size: 1.15em; font-weight: 700; margin: 2px 0; }
.mp-panel .mp-panel-note { color: #57606a; font-size: .9em; margin: 0 0 4px; }
.mp-panel .mp-panel-group { border-top: 3px solid #1f6f78; padding: 4px 8px 6px 0; }
.mp-panel .mp-panel-group h4 { margin: 4px 0 6px; font-size: .95em; color: #1f6f78; }
.mp-panel .mp-panel-status { min-height: 1.4em; font-size: .92em; }
.mp-panel .mp-panel-status .mp-bad { color: #b42318; }
.mp-panel .mp-panel-status .mp-good { color: #1a7f37; }
.mp-panel .mp-kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; }
.mp-panel .mp-kpi { border: 1px solid #d8dee4; border-top: 3px solid #1f6f78; border-radius: 6px; padding: 6px 10px; }
.mp-panel .mp-kpi-label { font-size: .8em; color: #57606a; }
.mp-panel .mp-kpi-p50 { font-size: 1.45em; font-weight: 700; font-variant-numeric: tabular-nums; }
.mp-panel .mp-kpi-bar { position: relative; height: 5px; background: #eaeef2; border-radius: 3px; margin: 2px 0 4px; }
.mp-panel .mp-kpi-bar span { position: absolute; top: 0; bottom: 0; background: #9cc7cb; border-radius: 3px; }
.mp-panel .mp-kpi-bar i { position: absolute; top: -3px; width: 3px; height: 11px; background: #174f55; }
.mp-panel .mp-kpi-range { font-size: .78em; color: #57606a; }
.mp-panel .mp-rules { border: 1.5px dashed #1f6f78; border-radius: 8px; padding: 8px 14px 2px; }
.mp-panel .mp-rules-title { font-weight: 700; color: #174f55; }
.mp-panel h5 { margin: 10px 0 4px; font-size: .95em; }
.mp-panel .mp-lever-label { font-size: .9em; color: #30363d; }
.mp-panel .widget-readout { min-width: 110px; max-width: none; }
"""


class Panel:
    """The ipywidgets over an `Explorer`: grouped controls, Save and Reset, KPIs, rules, chart."""

    def __init__(self, explorer: Explorer) -> None:
        import ipywidgets as w

        self.x = explorer
        self.w = w
        lang = explorer.lang
        self.t = lambda key, **kw: i18n.t(f"{NS}.{key}", lang, **kw)
        self.inputs: dict[str, Any] = {}
        self._quiet = False
        groups = []
        for group in GROUPS:
            members = [self._input(c) for c in explorer.controls if c.lever.group == group]
            if members:
                head = w.HTML(f"<h4>{_esc(self.t(f'group.{group}'))}</h4>")
                box = w.VBox([head, *members], layout=w.Layout(width="100%"))
                box.add_class("mp-panel-group")
                box.add_class(f"mp-panel-group-{group}")
                groups.append(box)
        grid = w.GridBox(groups, layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))",
                                                  grid_gap="8px 16px", width="100%"))
        self.status = w.HTML()
        self.status.add_class("mp-panel-status")
        self.save_button = w.Button(description=self.t("button.save"), button_style="primary",
                                    disabled=explorer.file is None, layout=w.Layout(width="auto"))
        self.save_button.add_class("mp-panel-save")
        self.reset_button = w.Button(description=self.t("button.reset"),
                                     disabled=explorer.file is None, layout=w.Layout(width="auto"))
        self.reset_button.add_class("mp-panel-reset")
        self.save_button.on_click(lambda _: self.save())
        self.reset_button.on_click(lambda _: self.reset())
        self.kpis = w.HTML()
        self.kpis.add_class("mp-panel-kpis")
        self.rules = w.HTML()
        self.rules.add_class("mp-panel-rules")
        self.chart = w.HTML()
        self.chart.add_class("mp-panel-chart")
        notes = [self.t("intro"), explorer.preview_note,
                 self.t("target", file=_short(explorer.file)) if explorer.file else self.t("no_file")]
        header = w.HTML(f"<style>{PANEL_CSS}</style><div class='mp-panel-title'>{_esc(self.t('title'))}</div>"
                        f"<p class='mp-panel-note'>{_esc(' '.join(n for n in notes if n))}</p>")
        outputs = w.VBox([w.HTML(f"<h5>{_esc(self.t('heading.kpis'))}</h5>"), self.kpis, self.chart,
                          w.HTML(f"<h5>{_esc(self.t('heading.rules'))}</h5>"), self.rules])
        self.widget = w.VBox([header, grid, w.HBox([self.save_button, self.reset_button]), self.status, outputs],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("mp-panel")
        self.widget.add_class(f"mp-panel-{explorer.playbook}")
        self.show(explorer.update(), note="")

    # -- building controls

    def _label(self, c: Control) -> str:
        label = i18n.t(f"{self.x.playbook}.panel.{c.path}", self.x.lang)
        unit = c.lever.unit
        if unit == "money":
            unit = i18n.CURRENCY_SYMBOLS.get(self.x.params.merchant.currency, self.x.params.merchant.currency)
        elif unit:
            unit = self.t(f"unit.{unit}")
        return self.t("label_unit", label=label, unit=unit) if unit else label

    def _input(self, c: Control) -> Any:
        w = self.w
        value = self.x.values[c.path]
        label = self._label(c)
        # the label sits above its control: long and Chinese labels never squeeze a slider
        common = {"tooltip": label, "layout": w.Layout(width="100%")}
        lever = c.lever
        if c.kind in ("int", "float", "share", "money"):
            low, high = _ui_bounds(c, float(value))
            as_int = c.kind == "int"
            step = lever.step or (1 if as_int else 0.01 if c.kind in ("money", "share") else 0.1)
            slider = lever.widget == "slider" or (lever.widget != "text" and c.kind != "money"
                                                  and low is not None and high is not None)
            if slider and as_int:
                box = w.IntSlider(value=value, min=int(low), max=int(high), step=int(step), continuous_update=False,
                                  **common)
            elif slider:
                box = w.FloatSlider(value=value, min=low, max=high, step=step, continuous_update=False,
                                    readout_format=".0%" if c.kind == "share" else ".2f", **common)
            elif as_int:
                box = w.BoundedIntText(value=value, min=int(low if low is not None else -10**12),
                                       max=int(high if high is not None else 10**12), step=int(step), **common)
            else:
                box = w.BoundedFloatText(value=float(value), min=low if low is not None else -1e12,
                                         max=high if high is not None else 1e12, step=step, **common)
        elif c.kind == "range":
            lo, hi = _ui_bounds(c, value.low, value.high)
            # a range the schema leaves open at an end: a slider from 0 (or 3x below) to 3x the high end
            lo = lo if lo is not None else (0.0 if value.low >= 0 else value.low * 3)
            hi = hi if hi is not None else max(value.high * 3, value.high + 1)
            share = c.lever.unit == "share"
            box = w.FloatRangeSlider(value=(value.low, value.high), min=lo, max=hi,
                                     step=lever.step or (0.005 if share else 0.1), continuous_update=False,
                                     readout_format=".1%" if share else ".1f", **common)
        elif c.kind == "bool":
            box = w.Checkbox(value=bool(value), indent=False, description=label, **common)
        elif c.kind == "choice":
            options = [(choice_label(self.x.playbook, v, self.x.lang), v) for v in c.choices]
            box = w.Dropdown(options=options, value=value, **common)
        elif c.kind == "date":
            box = w.DatePicker(value=value, **common)
        elif c.kind == "optional" and c.choices:
            names = {"true": self.t("choice_yes"), "false": self.t("choice_no")}
            options = [(self.t("auto"), ""), *((names.get(v) or choice_label(self.x.playbook, v, self.x.lang), v)
                                              for v in c.choices)]
            box = w.Dropdown(options=options, value=_text(value), **common)
        elif c.kind == "optional":
            box = w.Text(value=_text(value), placeholder=self.t("auto"), continuous_update=False, **common)
        else:
            box = w.Text(value=str(value), continuous_update=False, **common)
        box.add_class("mp-lever")
        box.add_class("mp-lever-" + c.path.replace(".", "-"))
        box.observe(lambda change, path=c.path: self.changed(path, change["new"]), names="value")
        self.inputs[c.path] = box
        if c.kind == "bool":
            return box
        return w.VBox([w.HTML(f"<span class='mp-lever-label'>{_esc(label)}</span>"), box],
                      layout=w.Layout(width="100%", margin="0 0 4px 0"))

    # -- reacting

    def changed(self, path: str, value: Any) -> None:
        if self._quiet:
            return
        if value is None:  # a cleared date or number box: not a value the schema takes
            return
        self.show(self.x.set(path, value))

    def show(self, update: Update, note: str | None = None) -> None:
        if not update.ok:
            items = "".join(f"<li>{_esc(p)}</li>" for p in update.problems)
            self.status.value = f"<div class='mp-bad'>{_esc(self.t('status.invalid'))}<ul>{items}</ul></div>"
            self.save_button.disabled = True
            return
        self.kpis.value = update.kpis_html
        self.rules.value = update.rules_html
        self.save_button.disabled = self.x.file is None
        if note is None:
            note = self.t("status.updated")
            if update.changed:
                note += " " + self.t("status.changed", sections=self.t("list_sep").join(update.changed))
        self.status.value = f"<div class='mp-good'>{_esc(note)}</div>" if note else ""
        self.chart.value = chart_svg(update.chart_spec)

    def save(self) -> None:
        try:
            written = self.x.save()
        except (ParamsError, OSError, ValueError) as exc:
            self.status.value = f"<div class='mp-bad'>{_esc(self.t('status.save_failed', error=str(exc)))}</div>"
            return
        name = _short(self.x.file)
        msg = (self.t("status.saved", count=len(written), file=name, fields=", ".join(written)) if written
               else self.t("status.unchanged", file=name))
        self.status.value = f"<div class='mp-good'>{_esc(msg)}</div>"

    def reset(self) -> None:
        try:
            values = self.x.file_values()
        except (ParamsError, OSError, ValueError) as exc:
            self.status.value = f"<div class='mp-bad'>{_esc(self.t('status.save_failed', error=str(exc)))}</div>"
            return
        self._quiet = True
        try:
            for c in self.x.controls:
                box, value = self.inputs[c.path], values[c.path]
                if c.kind == "range":
                    box.min, box.max = min(box.min, value.low), max(box.max, value.high)
                    box.value = (value.low, value.high)
                elif c.kind in ("int", "float", "share", "money"):
                    if hasattr(box, "max") and value > box.max:
                        box.max = value
                    box.value = float(value) if c.kind == "money" else value
                elif c.kind == "optional":
                    box.value = _text(value)
                else:
                    box.value = value
        finally:
            self._quiet = False
        self.x.values.update(values)
        self.show(self.x.update(), note=self.t("status.reset", file=_short(self.x.file)))


def choice_label(playbook: str, value: str, lang: str) -> str:
    """A choice's name in the merchant's language (the playbook's `panel_choice`), else the value itself."""
    key = f"{playbook}.panel_choice.{value}"
    return i18n.t(key, lang) if i18n.has(key, lang) else value


def _ui_bounds(c: Control, *values: float) -> tuple[float | None, float | None]:
    """The slider's ends: the lever's, within the schema's, always including the current value."""
    low = c.lever.low if c.lever.low is not None else c.low
    high = c.lever.high if c.lever.high is not None else c.high
    if c.low is not None and low is not None:
        low = max(low, c.low)
    if c.high is not None and high is not None:
        high = min(high, c.high)
    if low is not None:
        low = min(low, *values)
    if high is not None:
        high = max(high, *values)
    return low, high


def chart_svg(spec: dict | None) -> str:
    """The chart through the active Altair renderer (SVG via vl-convert, as in the notebook)."""
    if not spec:
        return ""
    import altair as alt

    bundle = alt.renderers.get()(spec)
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    svg = data.get("image/svg+xml", "")
    return f'<figure class="mp-chart">{svg}</figure>' if svg else ""


def _text(value: Any) -> str:
    """An optional value in its text box: empty for None (auto), `true`/`false` as YAML writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _esc(text: object) -> str:
    from .render import esc

    return esc(text)


def _short(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- the notebook's entry point


def show_panel(params: PlaybookParams, plan: Plan, plan_out: str = "") -> Any:
    """The live panel for a person in JupyterLab or Voilà; None (no output at all) in a batch run."""
    if batch_run(plan_out):
        return None
    spec = load_spec(params.playbook)
    if spec is None:
        return None
    import merchant_playbooks.charts  # noqa: F401 - the theme and the SVG renderer

    explorer = Explorer(params, spec, params_file_for(params), plan)
    return Panel(explorer).widget
