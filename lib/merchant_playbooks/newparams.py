"""`playbooks new "Client name"`: a fresh params file for a new client, with an id of its own.

Copying a sample by hand keeps the sample's `id:` line, and the copy then writes over the
other client's handouts; this writes `params/<id>.yaml` with an id no other file in the
folder uses, and either the sample's values (`--from`, comments kept) or every key of the
merchant block and of the chosen playbook as a commented default, ready to uncomment.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import registry
from .errors import ParamsError, UserError
from .loading import merchant_slug, slugify
from .schema import MerchantSection, Range
from .yamlread import display_path, read_yaml


def taken_ids(folder: Path) -> set[str]:
    """Output folder names the params files in `folder` already use (their id, or the slug of their name)."""
    taken = set()
    for path in sorted(folder.glob("*.y*ml")):
        taken.add(path.stem)
        try:
            merchant = read_yaml(path).get("merchant") or {}
        except (ParamsError, AttributeError):
            continue
        if isinstance(merchant, dict):
            taken.add(str(merchant.get("id") or slugify(str(merchant.get("name") or ""))))
    return taken


def new_id(name: str, folder: Path) -> str:
    base = merchant_slug(MerchantSection(name=name)) if slugify(name) else "merchant"
    taken, n = taken_ids(folder), 1
    candidate = base
    while candidate in taken:
        n += 1
        candidate = f"{base[:60]}-{n}"
    return candidate


def _flow(value: Any) -> str | None:
    """A default as YAML text on one line, or None when it has no short form (a section)."""
    if isinstance(value, Range):
        value = value.as_list()
    if isinstance(value, BaseModel):
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, tuple | list):
        return json.dumps([_plain(v) for v in value], ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps({str(k): _plain(v) for k, v in value.items()}, ensure_ascii=False) if value else "{}"
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v) if v != v.to_integral() else int(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, Range):
        return v.as_list()
    return v


def commented_section(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    """Every key of a section as a commented line: `#   key: default  # meaning` (REQUIRED when it has none)."""
    lines = []
    for key, info in model.model_fields.items():
        if key in skip:
            continue
        meaning = (info.description or "").replace("\n", " ")
        if info.is_required():
            lines.append(f"  # {key}:   # REQUIRED: {meaning}")
            continue
        text = _flow(info.get_default(call_default_factory=True))
        shown = "see the README's params reference" if text is None else text
        lines.append(f"  # {key}: {shown}  # {meaning}" if text is not None else f"  # {key}: ({shown})  # {meaning}")
    return lines


def template_text(name: str, mid: str, playbook: str | None) -> str:
    lines = [f"# {name}: params for Merchant Growth Playbooks, written by `playbooks new`.",
             "# Uncomment a line and change its value to differ from the default (shown);",
             "# `playbooks validate <this file>` checks it, `playbooks run <this file>` runs it.",
             "merchant:", f"  name: {json.dumps(name, ensure_ascii=False)}", f"  id: {mid}",
             *commented_section(MerchantSection, skip=("name", "id"))]
    if playbook:
        lines += ["", f"playbooks: [{playbook}]", "", f"{playbook}:",
                  "  # keys marked REQUIRED have no default: give each a value",
                  *commented_section(registry.section_model(playbook))]
    else:
        lines += ["", "# No playbook section: `playbooks diagnose` says which one fits; add it with",
                  f"# `playbooks new ... --playbook NAME` ({', '.join(registry.names())})."]
    return "\n".join(lines) + "\n"


def from_sample(sample: Path, name: str, mid: str, playbook: str | None) -> str:
    """The sample's text (comments and order kept) with the new name and id; only `playbook` when given."""
    from ruamel.yaml import YAML

    read_yaml(sample)  # size, encoding and YAML checked as for any params file
    yaml = YAML(typ="rt", pure=True)  # dates stay dates, so they are written back unquoted
    data = yaml.load(sample.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("merchant"), dict):
        raise UserError(f"playbooks: error: --from {sample}: has no merchant: section to start from")
    data["merchant"]["name"] = name
    data["merchant"]["id"] = mid
    if playbook:
        for other in registry.names():
            if other != playbook and other in data:
                del data[other]
        if list(data.get("playbooks") or []) != [playbook]:
            from ruamel.yaml.comments import CommentedSeq

            data["playbooks"] = CommentedSeq([playbook])
            data["playbooks"].fa.set_flow_style()
        if playbook not in data:
            data[playbook] = {}
    buf = io.StringIO()
    yaml.dump(data, buf)
    head = f"# {name}: started from {sample.name} by `playbooks new` (its id is this client's own).\n"
    return head + buf.getvalue()


def write_new(name: str, folder: Path, sample: Path | None = None, playbook: str | None = None) -> Path:
    """Write `<folder>/<new id>.yaml`; never overwrites a file."""
    if not name.strip() or any(ord(c) < 32 for c in name):
        raise UserError("playbooks: error: the client's name must be some text (no control characters)")
    folder.mkdir(parents=True, exist_ok=True)
    mid = new_id(name, folder)
    text = from_sample(sample, name, mid, playbook) if sample else template_text(name, mid, playbook)
    path = folder / f"{mid}.yaml"
    with open(path, "x", encoding="utf-8") as f:  # "x": a file of that name appearing meanwhile is never replaced
        f.write(text)
    return path


__all__ = ["display_path", "new_id", "template_text", "write_new"]
