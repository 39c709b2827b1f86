"""Figures named in words: a sentence refers to a number by its path in `plan.json`, never by a copy.

The view writes `fig("kpis.new_followers.p50", "count")` (or `fig_range("kpis.orders", "count")`
for a whole P10/P50/P90 range) into its text. The text keeps that reference, a token, until it is
shown: `render` reads the value from the plan's own `plan.json` data at that path, formats it in its
kind and, in HTML, marks it up as `<data value="…" data-key="…">…</data>`. So a figure is computed
once, lives in the plan data, and every place the merchant reads it shows the same value.

Paths are dotted: `kpis.<key>.p50`, `economics.net.p90`, `tables.<name>.<row>.<column>`,
`decision.options.2.helpers`, or any playbook field of `plan.json`.
"""

from __future__ import annotations

import re
from typing import Any

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧: never typed by a merchant; escaped text keeps them as they are
TOKEN = re.compile(f"{OPEN}([^{CLOSE}|]+)\\|([^{CLOSE}|]+)(?:\\|(range))?{CLOSE}")
KINDS = ("money", "money_whole", "money_exact", "share", "count", "number", "ratio", "date", "days", "text")


def fig(key: str, kind: str = "count") -> str:
    """A reference to the figure at `key` of plan.json, shown in `kind` (see `KINDS`)."""
    _check(key, kind)
    return f"{OPEN}{key}|{kind}{CLOSE}"


def fig_range(key: str, kind: str = "count") -> str:
    """A reference to the range at `key` (a `{p10, p50, p90}` object): shown "P50 (P10 – P90)",
    or as one number when its low and high read the same."""
    _check(key, kind)
    return f"{OPEN}{key}|{kind}|range{CLOSE}"


def _check(key: str, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown figure kind {kind!r} for {key!r}: expected one of {', '.join(KINDS)}")
    if not key or any(c in key for c in (OPEN, CLOSE, "|")):
        raise ValueError(f"a figure key is a dotted path of plan.json, got {key!r}")


def has_refs(text: str) -> bool:
    return OPEN in text


def lookup(doc: Any, key: str) -> Any:
    """The value at dotted path `key` of a plan.json document; KeyError naming the path if absent."""
    node = doc
    for part in key.split("."):
        if isinstance(node, list):
            try:
                node = node[int(part)]
            except (ValueError, IndexError):
                raise KeyError(f"plan.json has no {key!r} (no item {part!r})") from None
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(f"plan.json has no {key!r} (no field {part!r})")
    return node


def refs(text: str) -> list[tuple[str, str, bool]]:
    """Every (key, kind, is_range) the text refers to, in order."""
    return [(m.group(1), m.group(2), bool(m.group(3))) for m in TOKEN.finditer(text)]
