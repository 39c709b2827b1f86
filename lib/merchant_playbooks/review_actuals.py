"""Reading the actuals: a daily CSV checked cell by cell into one float column per metric.

`date` (YYYY-MM-DD) plus any of the metrics the playbook forecasts day by day (`views`,
`attempts`, `orders`, ...). Columns it does not know are reported, days may be missing
(they are shown), a bad date, a date after today (`clock.run_date()`), a negative or a
non-number is a `DataFileError` naming the line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .clock import run_date
from .csvfile import read_csv_cells
from .errors import DataFileError

MAX_LISTED = 20  # problems (or flagged days) listed one by one before "and N more"
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")  # fullmatch: "$" would let a final newline through
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Actuals:
    """Checked daily actuals: one row per campaign day reported, one float column per known metric
    (NaN where a cell was left empty)."""

    table: pd.DataFrame  # index: date (datetime.date), sorted
    source: str
    unknown_columns: tuple[str, ...] = ()
    outside: tuple[date, ...] = ()  # rows dated outside the campaign, left out


def _line(i: int) -> int:
    return i + 2  # data row i (0-based) sits on file line i + 2: the header is line 1


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def read_actuals(path: Path | str, metrics: tuple[str, ...], start: date, end: date,
                 source: str | None = None) -> Actuals:
    """Read and check a daily actuals CSV; raise `DataFileError` naming each bad line and column."""
    path = Path(path)
    source = source or str(path)
    raw = read_csv_cells(path, source, header=f"date,{','.join(metrics)}",
                         not_found="file not found (actuals: names it relative to the params file)")
    return check_actuals(raw, metrics, start, end, source)


def _dates(column: pd.Series, problems: list[tuple[int, str]]) -> list[date | None]:
    """Each row's day (None when it is not one), every bad or repeated date added to `problems`."""
    days: list[date | None] = []
    first_seen: dict[date, int] = {}
    for i, text in enumerate(column.astype(str).str.strip()):
        day = None
        if not text:
            problems.append((i, f"line {_line(i)}: date is empty; every row is one day (YYYY-MM-DD)"))
        else:
            try:
                if not _ISO_DAY.fullmatch(text):
                    raise ValueError
                day = date.fromisoformat(text)
            except ValueError:
                problems.append((i, f"line {_line(i)}: date = {_show(text)} is not a date (expected YYYY-MM-DD)"))
        if day is not None:
            if day in first_seen:
                again = f"line {_line(i)}: date = {_show(text)} repeats line {_line(first_seen[day])}; one row per day"
                problems.append((i, again))
            else:
                first_seen[day] = i
        days.append(day)
    return days


def _numbers(column: str, cells: pd.Series, problems: list[tuple[int, str]]) -> list[float]:
    """A metric column's numbers (NaN for an empty cell), every non-number or negative added to `problems`."""
    values: list[float] = []
    for i, cell in enumerate(cells.astype(str)):
        text = cell.strip()
        if not text:
            values.append(math.nan)  # not reported that day: allowed
            continue
        plain = text.replace(",", "") if _THOUSANDS.fullmatch(text) else text
        try:
            number = float(plain)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            problems.append((i, f"line {_line(i)}: {column} = {_show(cell)} is not a number"))
            values.append(math.nan)
            continue
        if number < 0:
            negative = (f"line {_line(i)}: {column} = {_show(cell)} is negative; actuals count what "
                        "happened that day (0 or more)")
            problems.append((i, negative))
        values.append(number)
    return values


def _future(days: list[date | None], today: date, problems: list[tuple[int, str]]) -> None:
    """Every row dated after the run date added to `problems`: actuals report days that have happened."""
    for i, day in enumerate(days):
        if day is not None and day > today:
            problems.append((i, f"line {_line(i)}: date {day.isoformat()} is after today {today.isoformat()}; "
                                "actuals can only cover days that have happened"))


def check_actuals(raw: pd.DataFrame, metrics: tuple[str, ...], start: date, end: date,
                  source: str = "<actuals>", today: date | None = None) -> Actuals:
    """Check a table of text cells (as read from the CSV) and convert it; every problem is reported.

    `today` (default `clock.run_date()`): no row may be dated after it."""
    raw = raw.rename(columns={c: str(c).strip().lower() for c in raw.columns})
    if "date" not in raw.columns:
        found = ", ".join(map(str, raw.columns)) or "none"
        raise DataFileError(source, [f"line 1: missing column 'date' (columns found: {found})"])
    known = [c for c in raw.columns if c in metrics]
    unknown = tuple(c for c in raw.columns if c != "date" and c not in metrics)
    if not known:
        raise DataFileError(source, [f"line 1: no metric columns; this playbook reads date and any of {', '.join(metrics)}"])
    if raw.empty:
        raise DataFileError(source, ["has a header but no days"])
    problems: list[tuple[int, str]] = []
    days = _dates(raw["date"], problems)
    _future(days, today or run_date(), problems)
    values = {column: _numbers(column, raw[column], problems) for column in known}
    if problems:
        problems.sort(key=lambda p: p[0])
        listed = [msg for _, msg in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"... and {len(problems) - MAX_LISTED} more problems; fix these and check again")
        raise DataFileError(source, listed)
    table = pd.DataFrame(values, index=pd.Index(days, name="date"))
    inside = [start <= d <= end for d in table.index]
    outside = tuple(sorted(d for d in table.index if not start <= d <= end))
    return Actuals(table[inside].sort_index(), source, unknown, outside)
