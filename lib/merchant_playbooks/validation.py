"""Turning pydantic's validation errors into a consultant's problems: field, value, expectation, line.

    params/bloom.yaml:14: first_event_bargaining.floor_price = 250 must be below original_price (199)
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError

from .errors import Problem
from .schema import StrictModel
from .yamlread import line_of

_FRIENDLY = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "is too large",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be an amount (a number)",
    "decimal_type": "must be an amount (a number)",
    "finite_number": "must be a finite number (not NaN or infinity)",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a section of keys and values",
    "model_type": "must be a section of keys and values",
    "model_attributes_type": "must be a section of keys and values",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date without a time (YYYY-MM-DD)",
}


def _friendly(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("too_short", "too_long") and isinstance(err.get("input"), str):
        # Text's lengths are checked after its own validator, so pydantic names them as any length
        kind, ctx = f"string_{kind}", {"min_length": ctx.get("min_length"), "max_length": ctx.get("max_length")}
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "decimal_max_places":
        return f"must have at most {ctx['decimal_places']} decimal places"
    if kind == "decimal_max_digits":
        return "is too large"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else f"must be at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return msg[0].lower() + msg[1:] if msg else "is not valid"
    msg = err["msg"]
    return "must be " + msg[len("Input should be "):] if msg.startswith("Input should be ") else msg


def unknown_key(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
    return f"is not a known key{hint}"


def _model_fields(model: type[StrictModel], loc: tuple) -> list[str]:
    """The field names of the (sub)model an unknown key was found in."""
    current: Any = model
    for part in loc:
        info = getattr(current, "model_fields", {}).get(part) if isinstance(part, str) else None
        if info is None:
            continue
        ann = info.annotation
        args = getattr(ann, "__args__", ()) or ()
        candidates = [a for a in (ann, *args) if isinstance(a, type) and issubclass(a, StrictModel)]
        if candidates:
            current = candidates[0]
    return sorted(getattr(current, "model_fields", {}))


def validate_section(
    model: type[StrictModel], data: Any, prefix: str, tree: Any = None, line: int | None = None
) -> tuple[Any | None, list[Problem]]:
    """Validate one section; problems carry dotted fields under `prefix`."""
    if data is None:
        data = {}
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p not in ("function-after[_ordered(), Range]",))
            loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
            if err["type"] == "extra_forbidden" and loc[-1:] != err["loc"][-1:]:
                loc = (*loc, err["loc"][-1])  # the unknown key itself, whatever it looks like (e.g. "a[1]")
            dotted = ".".join(str(p) for p in (prefix, *loc) if p != "")
            line = (line_of(tree, loc) if tree is not None else None) or line
            if err["type"] == "extra_forbidden":
                problems.append(Problem(dotted, unknown_key(str(loc[-1]), _model_fields(model, loc[:-1])), line=line))
            elif err["type"] == "missing":
                problems.append(Problem(dotted, "is required", line=line))
            else:
                problems.append(Problem(dotted, _friendly(err), _given(data, loc, err), True, line))
        return None, problems
    problems = [_cross_field(p, prefix, tree, line) for p in obj.check()]
    return (None if problems else obj), problems


def _cross_field(p: Problem, prefix: str, tree: Any, line: int | None) -> Problem:
    """A section's own cross-field problem, named under `prefix`, with the line of its field."""
    found = None
    if tree is not None and p.field:
        found = line_of(tree, tuple(int(k) if k.isdigit() else k for k in p.field.split(".")))
    return Problem(f"{prefix}.{p.field}" if p.field else prefix, p.message, p.value, p.has_value, found or line)


def _given(data: Any, loc: tuple, err: dict) -> Any:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return err.get("input")
    return node
