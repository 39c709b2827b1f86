"""Levers resolved against the params schema: each field's kind, range and choices.

A `Lever` names a params field by its dotted path; `resolve` reads the field's type and
the schema's own `ge`/`gt`/`le`/`lt` bounds and says which control it needs. The helpers
here read and write a lever's value in typed params and in their plain (JSON/YAML) form.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import annotated_types as at

from ..schema import MerchantSection, Range, StrictModel
from .spec import Lever

MONEY_MAX = 9_999_999_999.99  # Money: at most 12 digits, 2 after the point


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


def _optional(lever: Lever, ann: Any) -> Control:
    """None means "work it out from the data". A yes/no or a choice: a dropdown with "auto" first;
    a number: a text box, empty for auto. Either way the text goes to the schema to parse."""
    if ann is bool:
        return Control(lever, "optional", choices=("true", "false"))
    if typing.get_origin(ann) is typing.Literal:
        return Control(lever, "optional", choices=tuple(str(a) for a in typing.get_args(ann)))
    if ann in (int, float, Decimal):
        return Control(lever, "optional")
    raise TypeError(f"lever {lever.path}: no control for an optional {ann!r}")


def _bounds(metadata: list, ann: Any) -> tuple[float | None, float | None]:
    """The schema's own bounds of a field (a strict bound moved in by the type's smallest step)."""
    low = high = None
    for meta in metadata:
        if isinstance(meta, at.Ge):
            low = float(meta.ge)
        elif isinstance(meta, at.Gt):
            low = float(meta.gt) + (0.01 if ann is Decimal else 1 if ann is int else 1e-9)
        elif isinstance(meta, at.Le):
            high = float(meta.le)
        elif isinstance(meta, at.Lt):
            high = float(meta.lt) - (0.01 if ann is Decimal else 1 if ann is int else 1e-9)
    return low, high


def resolve(lever: Lever, section_model: type[StrictModel]) -> Control:
    """The control a lever needs, from the field's type and the schema's bounds."""
    parts = lever.path.split(".")
    model = MerchantSection if parts[0] == "merchant" else section_model
    info = _field_info(model, parts[1:] if parts[0] == "merchant" else parts)
    ann = _unwrap(info.annotation)
    if type(None) in typing.get_args(info.annotation):
        return _optional(lever, ann)
    low, high = _bounds(info.metadata, ann)
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


def set_in(data: dict, parts: list[str], value: Any) -> None:
    """Put `value` at `parts` in nested plain data, making the mappings on the way."""
    for name in parts[:-1]:
        data = data.setdefault(name, {})
    data[parts[-1]] = value
