"""Errors a user can cause, carrying the data needed to explain them.

A user's mistake (a typo in a params file, a bad CSV) is reported as a message
naming the file, the field, the value given and what was expected — never as a
traceback. Programmer errors stay ordinary exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def _show_value(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a params file or a data file."""

    field: str  # dotted path, e.g. "first_event_bargaining.floor_price"; "" for the whole file
    message: str  # what is expected, e.g. "must be below original_price (199)"
    value: object = None
    has_value: bool = False
    line: int | None = None  # 1-based line in the file, when known

    def format(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        if not self.field:
            return f"{where}: {self.message}"
        if self.has_value:
            return f"{where}: {self.field} = {_show_value(self.value)} {self.message}"
        return f"{where}: {self.field} {self.message}"


class UserError(Exception):
    """Base class for mistakes in what the user gave us; printed without traceback."""


@dataclass
class ParamsError(UserError):
    """Every problem found in one params file, reported together."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def lines(self) -> list[str]:
        return [p.format(self.source) for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class DataFileError(UserError):
    """A data file (CSV) named in the params that cannot be used as it is."""

    path: Path | str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}: {p}" for p in self.problems)
