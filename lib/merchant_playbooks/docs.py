"""README.md's generated parts, so they cannot drift: the params reference (from the schemas)
and the live panels' levers (from each playbook's `PanelSpec`), for every playbook the registry
finds (`registry.playbooks()`: its `section` and `panel`).

    python -m merchant_playbooks.docs README.md   # rewrite the parts between their markers
"""

from __future__ import annotations

import sys
import typing
from decimal import Decimal
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from . import registry
from .schema import MerchantSection, Range

START, END = "<!-- params-reference:start -->", "<!-- params-reference:end -->"
PANELS_START, PANELS_END = "<!-- panels:start -->", "<!-- panels:end -->"


def _type(ann: object) -> str:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return _type(typing.get_args(ann)[0])
    if origin is typing.Literal:
        return " \\| ".join(str(a) for a in typing.get_args(ann))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return " or ".join(_type(a) for a in args) + " (optional)"
    if origin in (list, tuple):
        return "list"
    if isinstance(ann, type):
        if issubclass(ann, Range):
            lo, hi = ann.bounds()
            return "range [low, high]" + (f" in {lo:g}..{hi:g}" if hi is not None and hi <= 1 else "")
        if issubclass(ann, BaseModel):
            return "section"
        if issubclass(ann, Decimal):
            return "amount"
        if issubclass(ann, Enum):
            return " \\| ".join(m.value for m in ann)
        return {"int": "whole number", "float": "number", "str": "text", "bool": "true/false",
                "date": "date YYYY-MM-DD or today±N"}.get(ann.__name__, ann.__name__)
    if origin is dict:  # Text is str with a validator: shown as str
        key, value = (str if typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] is str else a
                      for a in typing.get_args(ann))
        return str(dict[key, value])
    return str(ann)


def _default(field) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, Range):
        return f"[{value.low:g}, {value.high:g}]"
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, tuple):
        return str(list(value))
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value}"


def model_table(model: type[BaseModel], prefix: str = "") -> list[str]:
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        desc = (field.description or "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{prefix}{name}` | {_type(field.annotation)} | {_default(field)} | {desc} |")
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and not issubclass(ann, Range):
            nested.append((f"{prefix}{name}.", ann))
    for sub_prefix, sub in nested:
        lines += ["", f"`{sub_prefix[:-1]}`: {(sub.__doc__ or '').strip().splitlines()[0]}", ""]
        lines += model_table(sub, sub_prefix)
    return lines


def reference() -> str:
    parts = ["### `merchant:`", "", *model_table(MerchantSection), ""]
    parts += ["### `playbooks:`", "",
              "Optional list of playbooks to run for this merchant, from: "
              + ", ".join(f"`{n}`" for n in registry.names())
              + ". Default: the playbook of the diagnosed stage (`playbooks diagnose`).", ""]
    for name in registry.names():
        model = registry.section_model(name)
        if not model.model_fields:
            continue
        doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
        parts += [f"### `{name}:`", "", doc, "", *model_table(model), ""]
    return "\n".join(parts).rstrip() + "\n"


def panels_reference() -> str:
    """A table of every playbook's panel: its levers by group (English label and params key) and main chart."""
    from . import i18n
    from .panel import GROUPS

    head = [i18n.t(f"panel.group.{g}", "en") for g in GROUPS]
    lines = ["| playbook | " + " | ".join(head) + " | main chart |", "| --- |" + " --- |" * (len(GROUPS) + 1)]
    for playbook in registry.playbooks():
        name, spec = playbook.name, playbook.panel() if playbook.panel else None
        if spec is None:
            continue
        cells = []
        for group in GROUPS:
            levers = [lv for lv in spec.levers if lv.group == group]
            cells.append("<br>".join(f"{i18n.t(f'{name}.panel.{lv.path}', 'en')} (`{lv.path}`)" for lv in levers) or "—")
        main = getattr(spec.main_chart, "__wrapped__", spec.main_chart)  # a caching wrapper names its chart
        chart = (main.__doc__ or main.__name__).strip().splitlines()[0].rstrip(".")
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {chart.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _replace(text: str, start: str, end: str, body: str) -> str:
    head, found, rest = text.partition(start)
    if not found:
        return text
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}{end}{tail}"


def update(readme: Path) -> bool:
    text = readme.read_text(encoding="utf-8")
    new = _replace(text, START, END, reference())
    new = _replace(new, PANELS_START, PANELS_END, panels_reference())
    if new != text:
        readme.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    changed = update(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("README params reference and panel levers " + ("updated" if changed else "already up to date"))
