"""The plan's workbook (`<playbook>.xlsx`): what a consultant opens in Excel or WPS, read like the handout.

A cover sheet (merchant, playbook, dates, stage, warnings, the headline KPIs with their
ranges), a sheet of every KPI, then one sheet per table the handout shows, in its order,
named after its section and headed with the handout's own column labels. Numbers are
stored as numbers, rounded as the handout shows them, with a number format per column
(money in the plan's currency, shares as %, dates as dates); header rows are frozen
and columns as wide as their content.

Every text cell is written as text, never as a formula: a catalogue name such as
`=HYPERLINK(...)` or a DDE string (OWASP "CSV injection") stays a string, with Excel's
quote prefix so that editing the cell does not turn it into one either.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import i18n
from .plan import Kpi, Plan, Table
from .render import _Cells, text_out

#: a text starting with one of these may run as a formula in a spreadsheet (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_KINDS = ("money", "money_exact", "share", "count", "number", "ratio")
SHEET_FORBIDDEN = "[]:*?/\\"
MAX_WIDTH, MIN_WIDTH = 60, 8
BOLD = Font(bold=True)


def write_xlsx(plan: Plan, path: str | Path) -> None:
    """Write the plan's workbook to `path` (in place: the batch writes it into its staging folder)."""
    book = Workbook()
    used: set[str] = set()
    cover = book.active
    cover.title = _sheet_name(i18n.t("common.workbook.cover", plan.language), used)
    _cover_sheet(cover, plan)
    kpis = book.create_sheet(_sheet_name(i18n.t("common.workbook.kpis", plan.language), used))
    _kpi_rows(kpis, plan, list(plan.kpis.values()), first_row=1)
    kpis.freeze_panes = "A2"
    _fit_widths(kpis)
    for title, block in shown_tables(plan):
        sheet = book.create_sheet(_sheet_name(title, used))
        _table_sheet(sheet, plan, block)
    book.save(path)


def shown_tables(plan: Plan) -> list[tuple[str, Table]]:
    """Each table the handout shows, in its order, with the name of its sheet (before shortening):
    the section's title, or the table's caption where a section shows several tables."""
    out = []
    for section in plan.ordered_sections():
        tables = [b for b in section.blocks if isinstance(b, Table) and b.name in plan.tables]
        title = text_out(plan, section.title, html_out=False)
        for block in tables:
            caption = text_out(plan, block.caption, html_out=False) if block.caption else ""
            out.append((caption if len(tables) > 1 and caption else title, block))
    return out


# ---------------------------------------------------------------- cells


def put(sheet: Any, row: int, col: int, value: Any, kind: str = "text", plan: Plan | None = None,
        *, decimals: int | None = None) -> Any:
    """One cell: a number in `kind`'s format, a date as a date, anything else as text (never a formula)."""
    cell = sheet.cell(row=row, column=col)
    if kind in NUMERIC_KINDS and _is_number(value):
        cell.value, cell.number_format = _rounded(value, kind, decimals), _number_format(value, kind, plan, decimals)
        return cell
    if kind == "date" and isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            pass
    if isinstance(value, date):
        cell.value = value.date() if isinstance(value, datetime) else value
        cell.number_format = 'yyyy"年"m"月"d"日"' if plan is not None and plan.language == "zh" else "d mmm yyyy"
        return cell
    if value is None:
        return cell
    return put_text(cell, str(value))


def put_text(cell: Any, text: str) -> Any:
    """Text stored as text: a string cell, with the quote prefix when it could read as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes any "=..." a formula; this cell is a string whatever it starts with
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(float(value))


def _money_decimals(value: Any, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    return 0 if isinstance(value, float) and abs(value) >= 1000 else 2  # as i18n.money shows it


def _rounded(value: Any, kind: str, decimals: int | None = None) -> int | float:
    """The number as the handout shows it (render.fmt_value's rounding), still a number."""
    v = float(value)
    if kind == "money":
        places = _money_decimals(value, decimals)
        return round(v) if places == 0 else round(v, places)
    if kind == "money_exact":
        return round(v, 2)
    if kind == "share":
        return round(v, 3)  # shown as 12.3%
    if kind == "count":
        return round(v)
    return round(v, 2)


def _number_format(value: Any, kind: str, plan: Plan | None, decimals: int | None = None) -> str:
    if kind in ("money", "money_exact"):
        currency = plan.currency if plan is not None else "CNY"
        symbol = i18n.CURRENCY_SYMBOLS.get(currency, currency + " ").replace('"', "")
        places = 2 if kind == "money_exact" else _money_decimals(value, decimals)
        body = "#,##0" + ("." + "0" * places if places else "")
        return f'"{symbol}"{body};-"{symbol}"{body}'
    if kind == "share":
        return "0.0%"
    if kind == "count":
        return "#,##0"
    return "#,##0.00"


# ---------------------------------------------------------------- sheets


def _cover_sheet(sheet: Any, plan: Plan) -> None:
    lang = plan.language
    t = lambda key, **kw: i18n.t(key, lang, **kw)
    put_text(sheet.cell(row=1, column=1), plan.merchant_name).font = Font(bold=True, size=14)
    put_text(sheet.cell(row=2, column=1), plan.title).font = Font(size=12)
    facts = [(t("common.workbook.merchant"), plan.merchant_name), (t("common.workbook.playbook"), plan.title)]
    row = 4
    for label, value in facts:
        put_text(sheet.cell(row=row, column=1), label).font = BOLD
        put_text(sheet.cell(row=row, column=2), value)
        row += 1
    put_text(sheet.cell(row=row, column=1), t("common.cover.plan_dates")).font = BOLD
    put(sheet, row, 2, plan.start, "date", plan)
    put(sheet, row, 3, plan.end, "date", plan)
    row += 1
    for label, value in ((t("common.cover.stage"), plan.diagnosis), (t("common.workbook.source"), plan.source)):
        put_text(sheet.cell(row=row, column=1), label).font = BOLD
        put_text(sheet.cell(row=row, column=2), value)
        row += 1
    if plan.warnings:
        row += 1
        put_text(sheet.cell(row=row, column=1), t("common.cover.warnings")).font = Font(bold=True, color="B42318")
        for w in plan.warnings:
            row += 1
            put_text(sheet.cell(row=row, column=1), text_out(plan, w["message"], html_out=False))
    row += 2
    put_text(sheet.cell(row=row, column=1), t("common.cover.headline")).font = BOLD
    row = _kpi_rows(sheet, plan, [plan.kpis[k] for k in plan.headline if k in plan.kpis], first_row=row + 1)
    note = t("common.cover.range_note", sims=f"{plan.simulations:,}", seed=plan.seed)
    put_text(sheet.cell(row=row + 1, column=1), note).alignment = Alignment(wrap_text=False)
    _fit_widths(sheet, skip_rows={1, 2, row + 1})


def _kpi_rows(sheet: Any, plan: Plan, kpis: list[Kpi], first_row: int) -> int:
    """A header and one row per KPI (label, P10, P50, P90) from `first_row`; returns the next free row."""
    lang = plan.language
    head = [i18n.t(k, lang) for k in ("common.kpi.name", "common.kpi.conservative", "common.kpi.expected_col",
                                     "common.kpi.optimistic")]
    for col, label in enumerate(head, start=1):
        put_text(sheet.cell(row=first_row, column=col), label).font = BOLD
    row = first_row + 1
    for k in kpis:
        put_text(sheet.cell(row=row, column=1), k.label)
        ends = [abs(v) for v in (k.band.p10, k.band.p50, k.band.p90) if math.isfinite(v)]
        # one money format across a range, as the cover shows it: whole units once any end needs them
        decimals = (0 if ends and max(ends) >= 1000 else 2) if k.kind == "money" else None
        for col, v in enumerate((k.band.p10, k.band.p50, k.band.p90), start=2):
            put(sheet, row, col, v, k.kind, plan, decimals=decimals)
        row += 1
    return row


def _table_sheet(sheet: Any, plan: Plan, block: Table) -> None:
    df = plan.tables[block.name]
    labels = dict(block.labels) or {c: c for c in df.columns}
    formats = dict(block.formats)
    for col, label in enumerate(labels.values(), start=1):
        put_text(sheet.cell(row=1, column=col), text_out(plan, label, html_out=False)).font = BOLD
    for i, record in enumerate(df.to_dict(orient="records")):
        shown = _Cells(plan, record, formats)
        for j, column in enumerate(labels):
            kind = shown.kind(column)
            value = record.get(column)
            if kind in NUMERIC_KINDS and _is_number(value) or kind == "date" and value is not None:
                put(sheet, i + 2, j + 1, value, kind, plan)
            elif block.rows:  # the view's own words for the row (figures read from the plan)
                put_text(sheet.cell(row=i + 2, column=j + 1), text_out(plan, block.rows[i][j], html_out=False))
            elif _missing(value):
                continue
            else:
                put_text(sheet.cell(row=i + 2, column=j + 1), shown[column])
    sheet.freeze_panes = "A2"
    _fit_widths(sheet)


def _missing(value: Any) -> bool:
    return value is None or isinstance(value, float) and not math.isfinite(value)


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(cell: Any) -> str:
    """About as wide as the cell reads in its number format."""
    value = cell.value
    if isinstance(value, date):
        return "2026年12月31日" if "年" in cell.number_format else "31 Dec 2026"
    if isinstance(value, int | float):
        return f"¥{value:,.2f}"
    return str(value)


def _fit_widths(sheet: Any, skip_rows: set[int] = frozenset()) -> None:
    """Each column as wide as its longest cell (within bounds); titles and notes may run over."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.row in skip_rows or cell.value is None:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _text_width(_shown(cell)))
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\, unique ignoring case)."""
    base = "".join(" " if c in SHEET_FORBIDDEN else c for c in ILLEGAL_CHARACTERS_RE.sub("", name))
    base = " ".join(base.split()).strip("'")[:31].strip() or "Sheet"
    sheet, i = base, 2
    while sheet.casefold() in used:
        suffix = f" {i}"
        sheet = base[:31 - len(suffix)].rstrip() + suffix
        i += 1
    used.add(sheet.casefold())
    return sheet
