"""Dates against today: a plan whose timeline starts before the run date is flagged.

A plan without actuals is made to be run: when its first dated step (the warm-up, or the
start itself) lies before `clock.run_date()`, the merchant would publish a plan that is
already late, so the plan gets a warning (`code` containing "past": on the cover in red,
in plan.json `warnings`, printed by `playbooks run` and `validate`). A plan with actuals is
a review of what happened: its dates lie in the past by design.

Actuals dated after the run date are refused where they are read (`review_actuals.py`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from . import i18n
from .clock import run_date

if TYPE_CHECKING:
    from .plan import Plan


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def first_step(plan: Plan) -> tuple[date, str]:
    """The plan's first dated day and what it is: "warmup" (a warm-up day) or "start"."""
    steps: list[tuple[date, str]] = [(plan.start, "start")]
    for row in plan.timeline:
        warmup = row.get("phase") == "warmup" or row.get("stage") == "warmup"
        day = _as_date(row.get("date"))
        if day is not None:
            steps.append((day, "warmup" if warmup else "start"))
        day = _as_date(row.get("warmup_start"))  # a year plan's events carry their own warm-up
        if day is not None:
            steps.append((day, "warmup"))
    return min(steps, key=lambda s: (s[0], s[1] != "warmup"))


def _show(d: date, today: date, lang: str) -> str:
    return i18n.short_day(d, lang) if d.year == today.year else i18n.day(d, lang)


def warn_past(plan: Plan, has_actuals: bool, today: date | None = None) -> None:
    """Warn (code `past_start`) when a plan without actuals starts before today."""
    if has_actuals:
        return
    today = today or run_date()
    day, kind = first_step(plan)
    if day >= today:
        return
    lang = plan.language
    text = i18n.t(i18n.counted(f"common.past.{kind}", (today - day).days), lang, date=_show(day, today, lang), today=_show(today, today, lang),
                  days=i18n.number((today - day).days))
    plan.warn("past_start", text, step=kind, date=day.isoformat(), today=today.isoformat())
