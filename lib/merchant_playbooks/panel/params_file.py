"""The params file behind the panel: which file to save to, the YAML written back, the safe replace.

* `params_file_for`: the merchant's YAML file the notebook's values came from.
* `update_yaml`: ruamel.yaml's round trip writes the changed values in, keeping comments,
  key order, blank lines and number formats.
* `replace_text`: the new text replaces the file's atomically: through a symbolic link to
  its target (the link stays a link), with the target's permissions (0600 stays 0600), from an
  unpredictable temporary file in the target's own folder, fsynced before the rename, checked
  before it goes in, and removed whatever goes wrong — never half a file.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import stat
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import ParamsError
from ..loading import PlaybookParams, find_params_dir, read_yaml, slugify
from ..schema import Range

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


# ---------------------------------------------------------------- replacing the file safely


def replace_text(path: Path, text: str, check: Callable[[Path], Any] | None = None) -> Path:
    """Replace the file `path` names with `text`; the file written (a link's target).

    `check(tmp)` sees the new file before it goes in and may raise to refuse it (the file
    is then untouched). The temporary file is made by `tempfile.mkstemp` (a random name,
    created exclusively, private) next to the target, so the rename stays on one filesystem.
    """
    target = Path(os.path.realpath(path))  # a symlink (or a chain of them): write its target
    mode = stat.S_IMODE(os.stat(target).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not every filesystem can: then the rename stands anyway)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------- writing YAML back


def update_yaml(text: str, playbook: str, values: dict[str, Any]) -> str:
    """The params file's text with `values` (lever path → typed value) written in.

    ruamel.yaml's round trip keeps comments, key order, blank lines and the way
    numbers were written (`99.00` stays two decimals); new keys go at the end of
    their section; ranges stay `[low, high]` lists.
    """
    from ruamel.yaml import YAML  # imported when a file is saved, not with the panel

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a consultant's long lines
    # keep the file's own indentation: `key:\n    - item` stays as it is, not re-indented to `  - item`
    mapping, dash = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=dash + 2, offset=dash)
    doc = yaml.load(text)
    for path, value in values.items():
        parts = path.split(".")
        _put(doc, parts if parts[0] == "merchant" else [playbook, *parts], value)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _put(doc: Any, keys: list[str], value: Any) -> None:
    """Set `keys` in the loaded document; None removes the key (and the mappings it leaves empty)."""
    from ruamel.yaml.comments import CommentedMap

    node, parents = doc, []
    for name in keys[:-1]:
        if node.get(name) is None:
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
