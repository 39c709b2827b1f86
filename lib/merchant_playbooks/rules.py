"""Platform rules without words: the versioned table and what it says about a plan's uses.

The rules live in `data/platform_rules.yaml` (mechanic × channel → allowed /
restricted / forbidden, with the rule's source, its date and the key of the
compliant alternative), versioned so a plan says which rules it was checked against.
This module reads and checks the table and gives each use its status and the *keys*
of its advice; the section's words (labels, advice, callouts) are made in
`compliance.py` from the catalogue `messages/<lang>/compliance.yaml`. It imports no
catalogue, so models and `playbooks validate` can ask it without any words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .vocabulary import CHANNELS, SEVERITY, STATUSES

_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")  # fullmatch: "$" would let a final newline through


class RulesTableError(ValueError):
    """The rules table itself is wrong (a maintainer's edit), listing every problem."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin, self.problems = origin, problems
        super().__init__("\n".join(f"{origin}: {p}" for p in problems))


@dataclass(frozen=True)
class Rule:
    mechanic: str
    channel: str
    status: str
    source: str  # key into the table's `sources`
    date: str  # the rule's date: YYYY-MM-DD, or YYYY-MM when only the month is known
    alternative: str  # key into `compliance.alternative.*`


@dataclass(frozen=True)
class GroupLimits:
    """Group admission limits. The defaults are the rules table's (`load_rules().limits`); a plan
    with other figures passes `dataclasses.replace(load_rules().limits, wechat_qr_code_max=100)`."""

    wechat_max: int
    wechat_confirm_above: int
    wechat_real_name_above: int
    wechat_qr_code_max: int
    wecom_max: int
    wecom_personal_owner_max: int


@dataclass(frozen=True)
class RuleBook:
    version: str
    updated: date
    mechanics: tuple[str, ...]
    sources: dict[str, dict]
    rules: dict[tuple[str, str], Rule]
    limits: GroupLimits
    limit_sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # channel -> (source, date)

    def rule(self, mechanic: str, channel: str) -> Rule:
        if mechanic not in self.mechanics:
            raise ValueError(f"unknown mechanic {mechanic!r}; known: {', '.join(self.mechanics)}")
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; known: {', '.join(CHANNELS)}")
        return self.rules[(mechanic, channel)]


# ---------------------------------------------------------------- the table


def rules_path() -> Path:
    return Path(str(resources.files("merchant_playbooks") / "data" / "platform_rules.yaml"))


@cache
def load_rules(path: str | None = None) -> RuleBook:
    """The rules table as structure (its words unchecked: `compliance.load_rules` checks those too)."""
    return read_rules(path)


def read_rules(path: str | None = None, missing_text: Callable[[str], list[str]] | None = None) -> RuleBook:
    """The rules table, validated (RulesTableError lists every problem in it); not cached."""
    p = Path(path) if path else rules_path()
    return parse_rules(yaml.safe_load(p.read_text(encoding="utf-8")), p.name, missing_text)


def _iso(value: Any) -> str | None:
    """A rule date as text, or None when it is not YYYY-MM-DD / YYYY-MM."""
    if isinstance(value, date):
        return value.isoformat()
    m = _DATE.fullmatch(str(value))
    if not m:
        return None
    try:
        date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None
    return str(value)


def parse_rules(data: Any, origin: str = "platform_rules.yaml",
                missing_text: Callable[[str], list[str]] | None = None) -> RuleBook:
    """The table as a `RuleBook`; RulesTableError lists every problem.

    `missing_text(key)`: what is wrong with the words for a catalogue key the table names
    (`source.<s>`, `alternative.<a>`, `mechanic.<m>`); the compliance section supplies it, so
    the table is checked against its texts without this module reading a catalogue.
    """
    problems: list[str] = []
    need = missing_text or (lambda key: [])
    if not isinstance(data, dict):
        raise RulesTableError(origin, ["must be a mapping with version, updated, sources and rules"])
    version = data.get("version")
    if version in (None, ""):
        problems.append("version is missing")
    updated = data.get("updated")
    if not isinstance(updated, date):
        problems.append(f"updated = {updated!r} must be a date written YYYY-MM-DD")
        updated = date.max
    if tuple(data.get("statuses") or ()) != STATUSES:
        problems.append(f"statuses must be {list(STATUSES)}")
    if tuple(data.get("channels") or ()) != CHANNELS:
        problems.append(f"channels must be {list(CHANNELS)} (vocabulary.Channel lists them for params)")
    mechanics = tuple(data.get("mechanics") or ())
    if not mechanics or len(set(mechanics)) != len(mechanics):
        problems.append("mechanics must be a list of distinct names")
    sources = data.get("sources") or {}
    for key, src in sources.items():
        if not isinstance(src, dict) or not src.get("title") or _iso(src.get("date")) is None:
            problems.append(f"sources.{key} needs a title and a date (YYYY-MM-DD or YYYY-MM)")
        problems += [f"sources.{key}: {p}" for p in need(f"source.{key}")]

    rules: dict[tuple[str, str], Rule] = {}
    for i, row in enumerate(data.get("rules") or []):
        where = f"rules[{i}]"
        if not isinstance(row, dict):
            problems.append(f"{where} must be a mapping")
            continue
        missing = [k for k in ("mechanic", "channel", "status", "source", "date", "alternative") if not row.get(k)]
        if missing:
            problems.append(f"{where} is missing {', '.join(missing)}")
            continue
        mech, chan, status = row["mechanic"], row["channel"], row["status"]
        where = f"{where} ({mech} × {chan})"
        if mech not in mechanics:
            problems.append(f"{where}: mechanic {mech!r} is not listed under mechanics")
        if chan not in CHANNELS:
            problems.append(f"{where}: channel {chan!r} is not one of {', '.join(CHANNELS)}")
        if status not in STATUSES:
            problems.append(f"{where}: status {status!r} must be one of {', '.join(STATUSES)}")
        if row["source"] not in sources:
            problems.append(f"{where}: source {row['source']!r} is not listed under sources")
        when = _iso(row["date"])
        if when is None:
            problems.append(f"{where}: date {row['date']!r} must be YYYY-MM-DD or YYYY-MM")
        elif when > updated.isoformat():
            problems.append(f"{where}: date {when} is after the table's updated date {updated}")
        problems += [f"{where}: {p}" for p in need(f"alternative.{row['alternative']}")]
        if (mech, chan) in rules:
            problems.append(f"{where}: a second row for the same mechanic and channel")
        rules[(mech, chan)] = Rule(mech, chan, status, row["source"], when or "", row["alternative"])
    for mech in mechanics:
        problems += [f"mechanic {mech}: {p}" for p in need(f"mechanic.{mech}")]
        for chan in CHANNELS:
            if (mech, chan) not in rules:
                problems.append(f"no row for {mech} × {chan}: every mechanic needs a status on every channel")

    limits, limit_sources = _limits(data.get("group_limits") or {}, sources, problems)
    if problems:
        raise RulesTableError(origin, problems)
    return RuleBook(str(version), updated, mechanics, sources, rules, limits, limit_sources)


def _limits(data: dict, sources: dict, problems: list[str]) -> tuple[GroupLimits, dict[str, tuple[str, str]]]:
    names = {"wechat_group": {"max_members": "wechat_max", "confirm_above": "wechat_confirm_above",
                              "real_name_above": "wechat_real_name_above", "qr_code_max": "wechat_qr_code_max"},
             "wecom_group": {"max_members": "wecom_max", "personal_owner_max": "wecom_personal_owner_max"}}
    values: dict[str, int] = {}
    where: dict[str, tuple[str, str]] = {}
    for channel, fields in names.items():
        block = data.get(channel) or {}
        for key, attr in fields.items():
            value = block.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"group_limits.{channel}.{key} must be a whole number of members")
            else:
                values[attr] = value
        src = block.get("source")
        if src not in sources:
            problems.append(f"group_limits.{channel}.source {src!r} is not listed under sources")
        else:
            where[channel] = (src, _iso(sources[src].get("date")) or "")
    if len(values) < len(GroupLimits.__dataclass_fields__):
        return GroupLimits(500, 40, 100, 200, 500, 200), where  # unusable; the problems above are raised
    limits = GroupLimits(**values)
    if not limits.wechat_confirm_above < limits.wechat_real_name_above < limits.wechat_qr_code_max <= limits.wechat_max:
        problems.append("group_limits.wechat_group must satisfy confirm_above < real_name_above < qr_code_max "
                        "<= max_members")
    return limits, where


# ---------------------------------------------------------------- what the table says about a plan


@dataclass(frozen=True)
class Finding:
    """One use (or one group size) with its status; `advice` is a catalogue key under
    `compliance.` and `values` fill it (group sizes only)."""

    mechanic: str
    channel: str
    status: str
    advice: str
    source: str  # key into the table's `sources`
    date: str  # ISO, YYYY-MM-DD or YYYY-MM
    size: int | None = None
    values: dict[str, int] = field(default_factory=dict)


def by_severity(items: list) -> list:
    """Forbidden first, then restricted, then allowed; stable within a status (the plan's order)."""
    return sorted(items, key=lambda r: SEVERITY[r.status])


def check_uses(uses: Iterable[tuple[str, str]], book: RuleBook) -> list[Finding]:
    """Each (mechanic, channel) once, in the plan's order, with its rule; an unknown one is a ValueError."""
    seen: set[tuple[str, str]] = set()
    found = []
    for mechanic, channel in uses:
        if (mechanic, channel) in seen:
            continue
        seen.add((mechanic, channel))
        r = book.rule(mechanic, channel)
        found.append(Finding(mechanic, channel, r.status, f"alternative.{r.alternative}", r.source, r.date))
    return found


def alternatives(uses: Iterable[tuple[str, str]], book: RuleBook | None = None) -> list[str]:
    """The `alternative` key of each use, in the plan's order, once: the compliant form a plan publishes
    its rules in. None for a use the plan makes in a forbidden form (that one is warned about instead)."""
    found = check_uses(uses, book or load_rules())
    forbidden = {f.advice for f in found if f.status == "forbidden"}
    return list(dict.fromkeys(f.advice.split(".", 1)[1] for f in found
                              if f.status != "forbidden" and f.advice not in forbidden))


def groups_needed(members: int, channel: str = "wechat_group", limits: GroupLimits | None = None) -> int:
    """Groups needed to hold `members` people at the channel's maximum group size."""
    limits = limits or load_rules().limits
    cap = limits.wechat_max if channel == "wechat_group" else limits.wecom_max
    return max(1, math.ceil(members / cap))


def _group_status(channel: str, size: int, lim: GroupLimits) -> tuple[str, str]:
    if channel == "wechat_group":
        for above, status, key in ((lim.wechat_max, "forbidden", "wechat_over_max"),
                                   (lim.wechat_qr_code_max, "restricted", "wechat_over_qr"),
                                   (lim.wechat_real_name_above, "restricted", "wechat_over_real_name"),
                                   (lim.wechat_confirm_above, "allowed", "wechat_over_confirm")):
            if size > above:
                return status, key
        return "allowed", "wechat_ok"
    if channel == "wecom_group":
        if size > lim.wecom_max:
            return "forbidden", "wecom_over_max"
        if size > lim.wecom_personal_owner_max:
            return "restricted", "wecom_over_personal"
        return "allowed", "wecom_ok"
    raise ValueError(f"group sizes are checked for wechat_group and wecom_group, not {channel!r}")


def check_group_sizes(sizes: Iterable[tuple[str, int]], book: RuleBook,
                      limits: GroupLimits | None = None) -> list[Finding]:
    """Each planned group size against the admission limits (WeChat 40/100/200/500, WeCom 500/200)."""
    lim = limits or book.limits
    found = []
    for channel, size in sizes:
        status, key = _group_status(channel, size, lim)
        values = {"size": size, "groups": groups_needed(size, channel, lim),
                  "max": lim.wechat_max if channel == "wechat_group" else lim.wecom_max,
                  "qr": lim.wechat_qr_code_max, "real_name": lim.wechat_real_name_above,
                  "confirm": lim.wechat_confirm_above, "personal": lim.wecom_personal_owner_max}
        source, when = book.limit_sources[channel]
        found.append(Finding("group_size", channel, status, f"group.{key}", source, when, size, values))
    return found
