"""What every plan must hold, as checks that list problems: a plan that holds together has none.

Each check reads what the merchant gets — `plan.json` (as a dict) and the handout's HTML — and
returns the problems it finds as sentences (an empty list when the plan holds):

- `forbidden_unwarned`: a use the platform rules forbid without a `forbidden` warning;
- `figure_problems`: a figure marked `<data value data-key>` showing more than one value, or a
  value other than plan.json's at that path;
- `decision_problems`: a decision whose options do not have exactly one chosen, or whose chosen
  option is over budget with no `override_reason`;
- `past_problems`: a dated timeline step before the run date without a `past` warning (a plan
  reviewed against actuals is about the past and is exempt);
- `one_number_ranges`: a range printed "X – X", the same figure on both sides;
- `ledger_problems`: the P&L identities per draw, and plan.json `economics` read from those draws.

`plan_problems` runs the checks that need only plan.json and the handout.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

from .figref import lookup

# ---------------------------------------------------------------- marked figures


class _DataParser(HTMLParser):
    """Every `<data value=… data-key=…>shown</data>` of a page, as (key, value, shown)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._open: list[list] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "data":
            a = dict(attrs)
            self._open.append([a.get("data-key") or "", a.get("value") or "", []])

    def handle_data(self, data: str) -> None:
        for item in self._open:
            item[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "data" and self._open:
            key, value, shown = self._open.pop()
            self.found.append((key, value, "".join(shown)))


def marked_figures(page: str) -> list[tuple[str, str, str]]:
    """(data-key, value, shown text) of every marked figure of an HTML page, in order."""
    parser = _DataParser()
    parser.feed(page)
    parser.close()
    return parser.found


def same_value(marked: str, value: Any) -> bool:
    """Whether a `<data value>` attribute holds plan.json's `value`."""
    if value is None:
        return marked == ""
    if isinstance(value, bool | str):
        return marked == str(value)
    if isinstance(value, int | float):
        try:
            return math.isclose(float(marked), float(value), rel_tol=1e-9, abs_tol=1e-9)
        except ValueError:
            return False
    return False


def figure_problems(page: str, doc: dict) -> list[str]:
    """Each marked figure shows one value (one value and one text per key), equal to plan.json's."""
    problems: list[str] = []
    values: dict[str, set[str]] = {}
    shown: dict[str, set[str]] = {}
    for key, value, text in marked_figures(page):
        values.setdefault(key, set()).add(value)
        shown.setdefault(key, set()).add(" ".join(text.split()))
    for key, seen in values.items():
        if len(seen) > 1:
            problems.append(f"{key}: marked with {len(seen)} values {sorted(seen)}")
        if len(shown[key]) > 1:
            problems.append(f"{key}: shown as {' / '.join(sorted(shown[key]))}")
        try:
            expected = lookup(doc, key)
        except KeyError as exc:
            problems.append(f"{key}: not in plan.json ({exc.args[0]})")
            continue
        for value in seen:
            if not same_value(value, expected):
                problems.append(f"{key}: the page says {value!r}, plan.json {expected!r}")
    return problems


# ---------------------------------------------------------------- the page's text

_STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
#: a table cell, list item, paragraph or heading ends a run of text: no range spans two of them
_BLOCK = re.compile(r"</?(?:td|th|tr|li|p|div|h[1-6]|dt|dd|caption|section|header|br)\b[^>]*>", re.IGNORECASE)
#: a figure as printed: an optional currency sign, digits with separators, an optional unit
_FIG = r"[¥$€£]?-?\d[\d,]*(?:\.\d+)?\s?(?:%|万|元|×)?"
#: the same figure both sides of a range's dash (en dash, "~", "至", or a spaced hyphen; an em dash
#: separates a title from its date, "Double 11 — 11 Nov")
ONE_NUMBER_RANGE = re.compile(rf"(?<![\w.,¥$€£-])({_FIG})\s*(?:–|~|～|至| - )\s*\1(?![\w.,%万])")


def visible_text(page: str) -> str:
    """What a reader of the page sees, as one string (tags dropped, entities read); " ¦ " between
    table cells, list items and paragraphs."""
    text = _TAG.sub("", _BLOCK.sub(" ¦ ", _STYLE.sub(" ", page)))
    return " ".join(html.unescape(text).split())


def one_number_ranges(text: str) -> list[str]:
    """Every "X – X" in `text`: a range whose two ends read the same (print one number instead)."""
    return [m.group(0) for m in ONE_NUMBER_RANGE.finditer(text)]


# ---------------------------------------------------------------- plan.json


def _codes(doc: dict) -> list[str]:
    return [str(w.get("code", "")) for w in doc.get("warnings") or []]


def forbidden_unwarned(doc: dict) -> list[str]:
    """A use the rules forbid (plan.json `compliance`) needs a warning whose code says `forbidden`."""
    forbidden = [f"{r.get('mechanic')} on {r.get('channel')}" for r in doc.get("compliance") or []
                 if r.get("status") == "forbidden"]
    if forbidden and not any("forbidden" in c for c in _codes(doc)):
        return [f"forbidden use without a 'forbidden' warning: {', '.join(forbidden)}"]
    return []


def decision_problems(doc: dict) -> list[str]:
    """Exactly one option chosen; within budget, or the consultant's `override_reason` says why not."""
    decision = doc.get("decision")
    if not isinstance(decision, dict) or "options" not in decision:
        return []
    options = decision["options"] or []
    chosen = [o for o in options if o.get("chosen")]
    if len(chosen) != 1:
        return [f"decision: {len(chosen)} of {len(options)} options chosen, expected exactly one"]
    if not chosen[0].get("within_budget") and not decision.get("override_reason"):
        return ["decision: the chosen option is over budget and no override_reason says why"]
    return []


def past_problems(doc: dict, today: date) -> list[str]:
    """A plan (without actuals) whose timeline has a step before `today` needs a `past` warning."""
    if doc.get("review"):  # a review against actuals: the campaign is over, its dates are past by design
        return []
    past = sorted({str(step["date"])[:10] for step in doc.get("timeline") or []
                   if step.get("date") and date.fromisoformat(str(step["date"])[:10]) < today})
    if past and not any("past" in c for c in _codes(doc)):
        return [f"timeline starts {past[0]}, before the run date {today.isoformat()}, with no 'past' warning"]
    return []


def plan_problems(doc: dict, page: str, today: date) -> list[str]:
    """Every check that needs only plan.json and the handout's HTML."""
    return (forbidden_unwarned(doc) + figure_problems(page, doc) + decision_problems(doc)
            + past_problems(doc, today) + [f"one-number range printed as a range: {r!r}"
                                           for r in one_number_ranges(visible_text(page))])


# ---------------------------------------------------------------- the P&L


def ledger_problems(arrays: dict, economics: dict | None = None, tol: float = 1e-6) -> list[str]:
    """The identities, draw by draw (`economics.Ledger.arrays()`), and plan.json's `economics` read from them."""
    import numpy as np

    a = {k: np.asarray(v, dtype=float) for k, v in arrays.items()}
    problems = []
    identities = {
        "net_sales = revenue - discounts": (a["net_sales"], a["revenue"] - a["discounts"]),
        "gross_profit = net_sales - cogs": (a["gross_profit"], a["net_sales"] - a["cogs"]),
        "cash_out = cogs + rewards + fixed": (a["cash_out"], a["cogs"] + a["rewards"] + a["fixed"]),
        "net = revenue - discounts - cogs - rewards - fixed": (
            a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"]),
    }
    for name, (left, right) in identities.items():
        bad = int(np.sum(~np.isclose(left, right, rtol=tol, atol=0.01)))
        if bad:
            problems.append(f"P&L: {name} fails in {bad} of {left.size} draws")
    for line in ("revenue", "net") if economics is not None else ():
        band = economics.get(line) or {}
        drawn = np.percentile(a[line], [10, 50, 90])
        for p, v in zip(("p10", "p50", "p90"), drawn, strict=True):
            if band.get(p) is None or not math.isclose(band[p], float(v), rel_tol=1e-6, abs_tol=0.01):
                problems.append(f"P&L: economics.{line}.{p} = {band.get(p)!r}, the draws give {float(v):.2f}")
    return problems
