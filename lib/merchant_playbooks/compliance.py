"""Platform rules: may a plan run this mechanic on this channel, and what to do instead.

The rules live in `data/platform_rules.yaml` (mechanic × channel → allowed /
restricted / forbidden, with the rule's source, its date and the compliant
alternative), versioned so a plan says which rules it was checked against.
Each playbook says what it uses in `<playbook>/compliance.py`:

    def uses(section) -> list[tuple[str, str]]:        # (mechanic, channel) pairs
    def group_sizes(section) -> list[tuple[str, int]]: # optional: (channel, members)

and its plan calls `compliance_section(plan, uses(params.section))`.
`playbooks validate` prints `warnings_for(params)`: warnings, never errors,
because the consultant decides.
"""

from __future__ import annotations

import importlib
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from . import i18n

if TYPE_CHECKING:  # plan pulls in numpy; loading params must stay light
    from .plan import Plan, Section

Status = Literal["allowed", "restricted", "forbidden"]
Channel = Literal["mini_program", "official_account", "external_link", "wechat_group", "wecom_group",
                  "offline_store"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
SEVERITY = {"forbidden": 0, "restricted": 1, "allowed": 2}
NS = "compliance"
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
    """The rules table, validated (RulesTableError lists every problem in it)."""
    p = Path(path) if path else rules_path()
    return parse_rules(yaml.safe_load(p.read_text(encoding="utf-8")), p.name)


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


def parse_rules(data: Any, origin: str = "platform_rules.yaml") -> RuleBook:
    problems: list[str] = []
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
        problems.append(f"channels must be {list(CHANNELS)} (compliance.Channel lists them for params)")
    mechanics = tuple(data.get("mechanics") or ())
    if not mechanics or len(set(mechanics)) != len(mechanics):
        problems.append("mechanics must be a list of distinct names")
    sources = data.get("sources") or {}
    for key, src in sources.items():
        if not isinstance(src, dict) or not src.get("title") or _iso(src.get("date")) is None:
            problems.append(f"sources.{key} needs a title and a date (YYYY-MM-DD or YYYY-MM)")
        _need_message(f"source.{key}", f"sources.{key}", problems)

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
        _need_message(f"alternative.{row['alternative']}", where, problems)
        if (mech, chan) in rules:
            problems.append(f"{where}: a second row for the same mechanic and channel")
        rules[(mech, chan)] = Rule(mech, chan, status, row["source"], when or "", row["alternative"])
    for mech in mechanics:
        _need_message(f"mechanic.{mech}", f"mechanic {mech}", problems)
        for chan in CHANNELS:
            if (mech, chan) not in rules:
                problems.append(f"no row for {mech} × {chan}: every mechanic needs a status on every channel")

    limits, limit_sources = _limits(data.get("group_limits") or {}, sources, problems)
    if problems:
        raise RulesTableError(origin, problems)
    return RuleBook(str(version), updated, mechanics, sources, rules, limits, limit_sources)


def _need_message(key: str, where: str, problems: list[str]) -> None:
    for lang in i18n.LANGUAGES:
        if not i18n.has(f"{NS}.{key}", lang):
            problems.append(f"{where}: messages/{lang}/{NS}.yaml has no {key!r}")


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


# ---------------------------------------------------------------- checking a plan


@dataclass(frozen=True)
class ComplianceRow:
    """One mechanic on one channel as a plan uses it, with its status and what to do, in `lang`."""

    mechanic: str
    channel: str
    status: str  # allowed | restricted | forbidden
    advice: str
    source: str  # the rule's name and date
    date: str  # ISO, YYYY-MM-DD or YYYY-MM
    mechanic_label: str = ""
    channel_label: str = ""
    status_label: str = ""
    size: int | None = None  # members, for a group-size row (mechanic "group_size")

    def to_dict(self) -> dict[str, Any]:
        """What plan.json lists under `compliance`."""
        d: dict[str, Any] = {"mechanic": self.mechanic, "channel": self.channel, "status": self.status,
                             "advice": self.advice}
        if self.size is not None:
            d["size"] = self.size
        return d


def _t(key: str, lang: str, **kw: object) -> str:
    return i18n.t(f"{NS}.{key}", lang, **kw)


def show_date(iso: str, lang: str) -> str:
    """28 Oct 2019 / 2019年10月28日; Dec 2020 / 2020年12月 when only the month is known."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        return i18n.day(date(*parts), lang)
    d = date(parts[0], parts[1], 1)
    return f"{d.year}年{d.month}月" if lang == "zh" else f"{d.strftime('%b')} {d.year}"


def _row(mechanic: str, channel: str, status: str, advice: str, source: str, when: str, lang: str,
         size: int | None = None) -> ComplianceRow:
    label = _t(f"source.{source}", lang)
    return ComplianceRow(
        mechanic, channel, status, advice,
        _t("source_date", lang, source=label, date=show_date(when, lang)) if when else label, when,
        _t(f"mechanic.{mechanic}", lang, size=i18n.number(size or 0)), _t(f"channel.{channel}", lang),
        _t(f"status.{status}", lang), size)


def _severity_order(rows: list[ComplianceRow]) -> list[ComplianceRow]:
    return sorted(rows, key=lambda r: SEVERITY[r.status])  # stable: the plan's order within a status


def check(uses: Iterable[tuple[str, str]], lang: str = "en", rules: RuleBook | None = None) -> list[ComplianceRow]:
    """Each (mechanic, channel) a plan uses, with its status and advice; forbidden first.

    Repeated pairs are listed once. An unknown mechanic or channel is a programming
    error (ValueError), not a status.
    """
    book = rules or load_rules()
    seen: set[tuple[str, str]] = set()
    rows = []
    for mechanic, channel in uses:
        if (mechanic, channel) in seen:
            continue
        seen.add((mechanic, channel))
        r = book.rule(mechanic, channel)
        rows.append(_row(mechanic, channel, r.status, _t(f"alternative.{r.alternative}", lang), r.source, r.date,
                         lang))
    return _severity_order(rows)


def groups_needed(members: int, channel: str = "wechat_group", limits: GroupLimits | None = None) -> int:
    """Groups needed to hold `members` people at the channel's maximum group size."""
    limits = limits or load_rules().limits
    cap = limits.wechat_max if channel == "wechat_group" else limits.wecom_max
    return max(1, math.ceil(members / cap))


def check_groups(sizes: Iterable[tuple[str, int]], lang: str = "en", limits: GroupLimits | None = None,
                 rules: RuleBook | None = None) -> list[ComplianceRow]:
    """Each planned group size against the admission limits (WeChat 40/100/200/500, WeCom 500/200)."""
    book = rules or load_rules()
    lim = limits or book.limits
    rows = []
    for channel, size in sizes:
        if channel == "wechat_group":
            if size > lim.wechat_max:
                status, key = "forbidden", "wechat_over_max"
            elif size > lim.wechat_qr_code_max:
                status, key = "restricted", "wechat_over_qr"
            elif size > lim.wechat_real_name_above:
                status, key = "restricted", "wechat_over_real_name"
            elif size > lim.wechat_confirm_above:
                status, key = "allowed", "wechat_over_confirm"
            else:
                status, key = "allowed", "wechat_ok"
        elif channel == "wecom_group":
            if size > lim.wecom_max:
                status, key = "forbidden", "wecom_over_max"
            elif size > lim.wecom_personal_owner_max:
                status, key = "restricted", "wecom_over_personal"
            else:
                status, key = "allowed", "wecom_ok"
        else:
            raise ValueError(f"group sizes are checked for wechat_group and wecom_group, not {channel!r}")
        advice = _t(f"group.{key}", lang, size=size, groups=groups_needed(size, channel, lim), max=(
            lim.wechat_max if channel == "wechat_group" else lim.wecom_max), qr=lim.wechat_qr_code_max,
            real_name=lim.wechat_real_name_above, confirm=lim.wechat_confirm_above,
            personal=lim.wecom_personal_owner_max)
        source, when = book.limit_sources[channel]
        rows.append(_row("group_size", channel, status, advice, source, when, lang, size))
    return _severity_order(rows)


def compliance_section(plan: Plan, uses: Iterable[tuple[str, str]],
                       group_sizes: Sequence[tuple[str, int]] = (), limits: GroupLimits | None = None) -> Section:
    """Add the plan's "Platform rules" section, its `compliance` table and plan.json's `compliance` list.

    Forbidden uses become red callouts (`Callout(level="danger")`) with the alternative.
    """
    from .plan import Section

    lang, book = plan.language, load_rules()
    uses = tuple((mechanic, channel) for mechanic, channel in uses)
    group_sizes = tuple((channel, size) for channel, size in group_sizes)
    # What the section says depends only on these (a live panel's lever rarely moves any of them), so
    # it is worked out once per key; each plan gets its own table, lists and section around the same
    # frozen rows and blocks. The rule book is part of the key by identity (a reloaded table is new),
    # and each size's type with it (a row keeps the size it was given).
    key = (lang, uses, group_sizes, tuple(type(size) for _, size in group_sizes), limits, id(book))
    hit = _SECTIONS.get(key)
    if hit is None or hit[0] is not book:
        hit = _SECTIONS[key] = (book, *_compliance_parts(lang, book, uses, group_sizes, limits))
        if len(_SECTIONS) > SECTION_CACHE_SIZE:
            _SECTIONS.popitem(last=False)
    else:
        _SECTIONS.move_to_end(key)
    _, rows, table, blocks = hit
    plan.tables["compliance"] = table.copy()
    plan.data["compliance"] = [r.to_dict() for r in rows]
    plan.data["compliance_rules"] = {"version": book.version, "updated": book.updated.isoformat()}
    section = Section("compliance", i18n.t("common.section.compliance", lang), list(blocks))
    plan.sections["compliance"] = section
    return section


SECTION_CACHE_SIZE = 16
_SECTIONS: OrderedDict[tuple, tuple] = OrderedDict()  # key -> (book, rows, table, blocks)


def _compliance_parts(lang: str, book: RuleBook, uses: tuple[tuple[str, str], ...],
                      group_sizes: tuple[tuple[str, int], ...], limits: GroupLimits | None) -> tuple:
    """The section's rows (forbidden first), its table and its blocks: the work `compliance_section` keeps."""
    import pandas as pd

    from .plan import Callout, Para, Table

    rows = tuple(_severity_order(check(uses, lang, book) + check_groups(group_sizes, lang, limits, book)))
    columns = ["mechanic", "channel", "status", "mechanic_label", "channel_label", "status_label", "advice",
               "source", "date"]
    table = pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)

    blocks: list[Any] = [Para(_t("intro", lang, version=book.version, updated=i18n.day(book.updated, lang)))]
    forbidden = [r for r in rows if r.status == "forbidden"]
    by_fix: dict[tuple[str, str], list[ComplianceRow]] = {}  # one red callout per mechanic and fix
    for r in forbidden:
        by_fix.setdefault((r.mechanic_label, r.advice), []).append(r)
    sep = _t("list_sep", lang)
    for (mechanic, advice), group in by_fix.items():
        blocks.append(Callout(_t("forbidden", lang, mechanic=mechanic, advice=advice,
                                 channel=sep.join(r.channel_label for r in group),
                                 source=sep.join(dict.fromkeys(r.source for r in group))), "danger"))
    if not forbidden:
        blocks.append(Callout(_t("none_forbidden", lang)))
    restricted = sum(r.status == "restricted" for r in rows)
    if restricted:
        blocks.append(Callout(_t("restricted", lang, count=restricted), "warning"))
    blocks.append(Table("compliance", labels=tuple((c, _t(f"col.{c.removesuffix('_label')}", lang)) for c in (
        "mechanic_label", "channel_label", "status_label", "advice", "source"))))
    blocks.append(Para(_t("caveat", lang)))
    return rows, table, tuple(blocks)


# ---------------------------------------------------------------- validate's warnings


def playbook_uses(name: str, section: Any) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """What a playbook's section uses, from `merchant_playbooks.<name>.compliance` (nothing if it has none)."""
    module_name = f"merchant_playbooks.{name}.compliance"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):  # the playbook has no compliance module (yet)
            return [], []
        raise
    sizes = module.group_sizes(section) if hasattr(module, "group_sizes") else []
    return list(module.uses(section)), list(sizes)


def warnings_for(merchant_params: Any) -> list[str]:
    """One line per forbidden use in a validated params file, for `playbooks validate` (in English)."""
    out = []
    for name, section in merchant_params.sections.items():
        uses, sizes = playbook_uses(name, section)
        for r in check(uses, "en") + check_groups(sizes, "en"):
            if r.status != "forbidden":
                continue
            what = f"a {r.channel} of {r.size} members" if r.size is not None else f"{r.mechanic} via {r.channel}"
            text = f"{what} is forbidden ({r.source}): {r.advice}"
            out.append(f"{merchant_params.source}: {name}: {text}")
    return out
