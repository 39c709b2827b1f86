"""The files people open besides the handout, for every sample merchant and playbook: the workbook
(localized, numbers as numbers, never a formula), the calendar file (one event per timeline step,
stable UIDs) — built from plans made directly (few simulations), no papermill run.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from conftest import PARAMS, ROOT
from icalendar import Calendar
from merchant_playbooks import i18n, registry
from merchant_playbooks.ics import key_steps, step_span
from merchant_playbooks.loading import load_params
from merchant_playbooks.plan import Table
from merchant_playbooks.planfiles import write_all
from merchant_playbooks.render import text_out
from merchant_playbooks.workbook import FORMULA_START, shown_tables

FORMULA_PRODUCTS = ROOT / "tests" / "fixtures" / "formula-products.csv"
CJK = re.compile(r"[\u3400-\u9fff]")
MACHINE = re.compile(r"\b[a-z]+(_[a-z0-9]+)+\b")  # cost_per_follower_p50, timeline_2


def _build(path, name, **update):
    params = load_params(path).for_playbook(name)
    section = params.section.model_copy(update={"simulations": 100, **update})
    return registry.build_plan(name, dataclasses.replace(params, section=section))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Every sample's plan files, plus the rapid-growth plan over a catalogue whose names start with =, +, -, @."""
    out = tmp_path_factory.mktemp("planfiles")
    found = {}
    for path in sorted(PARAMS.glob("*.yaml")):
        mp = load_params(path)
        for name in mp.playbooks:
            plan = _build(path, name)
            found[f"{path.stem}:{name}"] = (plan, write_all(plan, out / f"{path.stem}.{name}"))
    hostile = _build(PARAMS / "crunch-snacks.yaml", "rapid_growth_cadence", catalogue=str(FORMULA_PRODUCTS))
    found["formula-catalogue"] = (hostile, write_all(hostile, out / "formula.rapid_growth_cadence"))
    return found


def test_no_workbook_has_a_formula_cell_even_when_catalogue_names_begin_with_equals(written):
    hostile_texts = []
    for key, (_plan, (_json, xlsx, _ics)) in written.items():
        with zipfile.ZipFile(xlsx) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets), key
        book = openpyxl.load_workbook(xlsx)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (key, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        assert cell.data_type == "s" and cell.quotePrefix, (key, cell.coordinate)
                        hostile_texts.append(cell.value)
    assert any(t.startswith('=HYPERLINK("https://example.invalid/') for t in hostile_texts), hostile_texts[:5]
    assert {t[0] for t in hostile_texts} >= {"=", "+", "-", "@"}


def test_sheet_names_and_headers_are_the_handouts_in_the_merchants_language(written):
    for key, (plan, (_json, xlsx, _ics)) in written.items():
        book = openpyxl.load_workbook(xlsx)
        lang = plan.language
        assert book.sheetnames[:2] == [i18n.t("common.workbook.cover", lang), i18n.t("common.workbook.kpis", lang)]
        tables = shown_tables(plan)
        assert len(book.sheetnames) == 2 + len(tables), key
        for sheet_name, (title, block) in zip(book.sheetnames[2:], tables, strict=True):
            assert sheet_name[:20] == " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())[:20], (key, sheet_name)
            sheet = book[sheet_name]
            head = [c.value for c in next(sheet.iter_rows(max_row=1))]
            labels = dict(block.labels) or {c: c for c in plan.tables[block.name].columns}
            assert head == [text_out(plan, v, html_out=False) for v in labels.values()], (key, sheet_name)
            assert sheet.freeze_panes == "A2"
            if block.labels:
                assert not any(MACHINE.fullmatch(h) for h in head), (key, head)
            if lang == "zh":
                assert CJK.search(sheet_name) or CJK.search(" ".join(map(str, head))), (key, sheet_name)
        if lang == "zh":
            assert all(CJK.search(n) for n in book.sheetnames), (key, book.sheetnames)


def _kinds(plan, block: Table) -> dict[str, str]:
    labels = dict(block.labels) or {c: c for c in plan.tables[block.name].columns}
    return {c: dict(block.formats).get(c, "text") for c in labels}


def _is_day(value) -> bool:
    if isinstance(value, date):
        return True
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value[:10]))
    except ValueError:
        return False


def test_money_shares_and_dates_are_typed_cells_rounded_as_shown(written):
    seen = set()
    for key, (plan, (_json, xlsx, _ics)) in written.items():
        book = openpyxl.load_workbook(xlsx)
        symbol = i18n.CURRENCY_SYMBOLS[plan.currency]
        for sheet_name, (_title, block) in zip(book.sheetnames[2:], shown_tables(plan), strict=True):
            sheet, df = book[sheet_name], plan.tables[block.name]
            for j, (col, kind) in enumerate(_kinds(plan, block).items(), start=1):
                for i, value in enumerate(df[col].tolist() if col in df.columns else [], start=2):
                    cell = sheet.cell(row=i, column=j)
                    if kind in ("money", "share", "count") and isinstance(value, int | float) \
                            and not isinstance(value, bool) and math.isfinite(value):
                        assert isinstance(cell.value, int | float), (key, sheet_name, col, cell.value)
                        tolerance = {"money": 0.5, "share": 0.0005, "count": 0.5}[kind]
                        assert abs(cell.value - float(value)) <= tolerance, (key, col, cell.value, value)
                        assert len(str(cell.value).partition(".")[2]) <= 3, (key, col, cell.value)
                        if kind == "money":
                            assert symbol in cell.number_format, (key, col, cell.number_format)
                        if kind == "share":
                            assert cell.number_format.endswith("%")
                        seen.add(kind)
                    elif kind == "date" and _is_day(value):  # a row's own label ("Total") stays text
                        assert isinstance(cell.value, datetime | date), (key, col, cell.value)
                        seen.add(kind)
    assert seen == {"money", "share", "count", "date"}


def test_the_cover_names_merchant_playbook_dates_and_headline_ranges(written):
    for key, (plan, (_json, xlsx, _ics)) in written.items():
        cover = openpyxl.load_workbook(xlsx).worksheets[0]
        values = [[c.value for c in row] for row in cover.iter_rows()]
        flat = [v for row in values for v in row if v is not None]
        assert plan.merchant_name in flat and plan.title in flat, key
        assert plan.start in [v.date() for v in flat if isinstance(v, datetime)], key
        for k in plan.headline:
            row = next(r for r in values if r[0] == plan.kpis[k].label)
            band = plan.kpis[k].band
            for got, want in zip(row[1:4], (band.p10, band.p50, band.p90), strict=True):
                assert got is None if not math.isfinite(want) else abs(got - want) <= max(0.5, abs(want) * 1e-9), (key, k)


def test_every_plan_has_a_calendar_with_one_event_per_step_and_stable_uids(written, tmp_path):
    for key, (plan, (_json, _xlsx, ics)) in written.items():
        cal = Calendar.from_ical(ics.read_bytes())
        events = cal.walk("VEVENT")
        assert len(events) == len(plan.timeline) > 0, key
        uids = [str(e["uid"]) for e in events]
        assert len(set(uids)) == len(uids), key
        for e, row in zip(events, plan.timeline, strict=True):
            start, end = step_span(row)
            assert e.decoded("dtstart") == start and e.decoded("dtend") == end + (date(2000, 1, 2) - date(2000, 1, 1))
            assert str(e["summary"]) and str(e["description"]), key
            if plan.language == "zh":
                assert CJK.search(str(e["summary"])), (key, str(e["summary"]))
        alarms = [i for i, e in enumerate(events) if e.walk("VALARM")]
        assert alarms == sorted(key_steps(plan.timeline)) and alarms, key
        again = write_all(plan, tmp_path / key.replace(":", "."))[2]  # a second run of the same plan
        assert [str(e["uid"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == uids, key


def test_uids_survive_a_fresh_build_and_follow_the_dates(written, tmp_path):
    plan, (_j, _x, ics) = written["bloom-household:first_event_bargaining"]
    uids = [str(e["uid"]) for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")]
    fresh = _build(PARAMS / "bloom-household.yaml", "first_event_bargaining")
    path = write_all(fresh, tmp_path / "fresh")[2]
    assert [str(e["uid"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")] == uids
    moved = _build(PARAMS / "bloom-household.yaml", "first_event_bargaining",
                   start_date=plan.start.replace(day=plan.start.day + 1))
    path = write_all(moved, tmp_path / "moved")[2]
    moved_uids = {str(e["uid"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    assert moved_uids != set(uids) and len(moved_uids) == len(uids)  # a step on a new day is a new event
