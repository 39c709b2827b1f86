"""The plan's files for other tools, beside the handout: `<stem>.plan.json`, `<stem>.xlsx` and `<stem>.ics`.

Written in place: the batch runner points `stem` into a staging folder and moves finished
files into `out/` itself (runner.install), so a reader never sees half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

from .ics import write_ics
from .plan import Plan
from .workbook import write_xlsx


def write_plan_files(plan: Plan, stem: str | Path) -> list[Path]:
    """Write `<stem>.plan.json` and `<stem>.xlsx`; returns the two paths (see `write_calendar` for the .ics)."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    json_path = stem.with_name(stem.name + ".plan.json")
    json_path.write_text(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    xlsx_path = stem.with_name(stem.name + ".xlsx")
    write_xlsx(plan, xlsx_path)
    return [json_path, xlsx_path]


def write_calendar(plan: Plan, stem: str | Path) -> Path:
    """Write `<stem>.ics`, the plan's timeline for a calendar app; returns its path."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    return write_ics(plan, stem.with_name(stem.name + ".ics"))


def write_all(plan: Plan, stem: str | Path) -> list[Path]:
    """Every file of the plan: plan.json, the workbook and the calendar."""
    return [*write_plan_files(plan, stem), write_calendar(plan, stem)]
