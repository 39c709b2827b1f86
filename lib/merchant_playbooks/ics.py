"""The plan's calendar file (`<playbook>.ics`, RFC 5545 via `icalendar`): one event per timeline step.

Merchants live in their phone calendar and WeCom: the timeline the handout prints is also a
file they import. Each step is an all-day event (a step with a sale window spans it) in the
merchant's language, titled and described with the words the handout's timeline table uses
(what to do, the phase, the numbers expected); the key steps — the first, each new phase,
each discount sale — carry a reminder at 09:00 the day before.

UIDs are stable: a hash of the merchant's slug, the playbook, the step's key and its date, so
importing the file again after a re-run updates the events instead of adding copies.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from . import i18n
from .clock import run_date
from .plan import Plan, Table
from .render import _Cells, text_out

PRODID = "-//Merchant Growth Playbooks//plan timeline//EN"
#: row fields that name a step (the first present is its key in the UID)
STEP_KEYS = ("key", "action", "content_type", "phase", "stage")
PHASE_FIELDS = ("phase", "stage", "camp_phase")
REMIND_BEFORE = timedelta(hours=15)  # 09:00 the day before an all-day event


def write_ics(plan: Plan, path: str | Path) -> Path:
    """Write the plan's timeline as an iCalendar file; returns the path."""
    path = Path(path)
    path.write_bytes(plan_calendar(plan).to_ical())
    return path


def plan_calendar(plan: Plan) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{plan.merchant_name} — {plan.title}")
    stamp = datetime.combine(run_date(), datetime.min.time(), tzinfo=UTC)  # same day, same bytes
    words = step_words(plan)
    seen: dict[str, int] = {}
    keys = key_steps(plan.timeline)
    for i, row in enumerate(plan.timeline):
        summary, lines = words[i]
        start, end = step_span(row)
        event = Event()
        event.add("uid", _uid(plan, row, seen))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end + timedelta(days=1))  # all-day: the end is exclusive
        event.add("summary", summary)
        event.add("description", "\n".join([*lines, f"{plan.merchant_name} — {plan.title}"]))
        event.add("transp", "TRANSPARENT")
        if i in keys:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", i18n.t("common.calendar.reminder", plan.language, summary=summary))
            alarm.add("trigger", -REMIND_BEFORE)
            event.add_component(alarm)
        cal.add_component(event)
    return cal


def step_span(row: dict) -> tuple[date, date]:
    """The step's first and last day: its sale window when it has one, else its date."""
    day = date.fromisoformat(str(row["date"])[:10])
    start, end = row.get("sale_start"), row.get("sale_end")
    if start and end:
        return date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10])
    return day, day


def key_steps(timeline: list[dict]) -> set[int]:
    """The steps worth a reminder: the first, the first of each new phase, every discount sale."""
    keys, last = set(), None
    for i, row in enumerate(timeline):
        phase = next((row[f] for f in PHASE_FIELDS if row.get(f)), None)
        if i == 0 or (phase is not None and phase != last) or row.get("discount") is True:
            keys.add(i)
        last = phase if phase is not None else last
    return keys


def _uid(plan: Plan, row: dict, seen: dict[str, int]) -> str:
    step = next((str(row[k]) for k in STEP_KEYS if row.get(k)), "step")
    base = "|".join((plan.slug, plan.playbook, step, str(row["date"])[:10]))
    seen[base] = seen.get(base, 0) + 1
    if seen[base] > 1:  # the same step twice on one day: numbered, in timeline order
        base += f"|{seen[base]}"
    return hashlib.sha256(base.encode("utf-8")).hexdigest()[:32] + "@merchant-playbooks"


def timeline_table(plan: Plan) -> Table | None:
    """The handout's table of the timeline: the table in the plan's sections with one row per step, same dates."""
    dates = [str(r.get("date"))[:10] for r in plan.timeline]
    for section in plan.ordered_sections():
        for block in section.blocks:
            if not isinstance(block, Table) or block.name not in plan.tables:
                continue
            df = plan.tables[block.name]
            if "date" in df.columns and len(df) == len(dates) and \
                    [str(d)[:10] for d in df["date"]] == dates:
                return block
    return None


def step_words(plan: Plan) -> list[tuple[str, list[str]]]:
    """Each step's title and description lines, in the handout's words (its timeline table's cells)."""
    block = timeline_table(plan)
    if block is None:
        return [(f"{plan.title}: {i18n.short_day(step_span(r)[0], plan.language)}", []) for r in plan.timeline]
    df = plan.tables[block.name]
    labels = dict(block.labels) or {c: c for c in df.columns}
    formats = dict(block.formats)
    out = []
    for i, record in enumerate(df.to_dict(orient="records")):
        cells = _Cells(plan, record, formats)
        shown = {c: (text_out(plan, block.rows[i][j], html_out=False) if block.rows else cells[c])
                 for j, c in enumerate(labels)}
        texts = [c for c in labels if _is_words(c, cells.kind(c)) and shown[c] not in ("", "—")]
        # the step's name, then what to do (its action) where the table says it, else its second word column
        picked = texts[:1] + ([c for c in texts[1:] if c == "action"] or texts[1:2])
        summary = " · ".join(shown[c] for c in picked) or plan.title
        lines = [f"{text_out(plan, labels[c], html_out=False)}: {shown[c]}" for c in labels
                 if c not in ("date", "weekday") and shown[c] not in ("", "—")]
        out.append((summary, lines))
    return out


def _is_words(column: str, kind: str) -> bool:
    return column not in ("date", "weekday") and kind not in ("date", "count", "money", "money_exact", "share",
                                                              "number", "ratio", "yesno")


def read_uids(data: bytes) -> list[str]:
    """The UIDs of a calendar file's events, in order (for tests and re-import checks)."""
    return [str(e["uid"]) for e in Calendar.from_ical(data).walk("VEVENT")]
