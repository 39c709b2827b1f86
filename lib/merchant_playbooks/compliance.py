"""Platform rules in the merchant's words: the plan's "Platform rules" section and validate's warnings.

What the rules say (the table, statuses, group limits) is `rules.py`, which has no
words; this module labels its findings from `messages/<lang>/compliance.yaml`. A
playbook declares what it uses (`Playbook.uses(section, figures)` and
`Playbook.group_sizes(section)`, see `playbook.py`) and the shared spine
(`spine.assemble`) adds this section to every plan. `playbooks validate`'s warnings
are `rule_warnings.py`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from . import i18n
from .rules import (  # noqa: F401 - the table's names, importable from here as before
    Finding,
    GroupLimits,
    Rule,
    RuleBook,
    RulesTableError,
    by_severity,
    check_group_sizes,
    check_uses,
    groups_needed,
    read_rules,
    rules_path,
)
from .rules import parse_rules as parse_table
from .vocabulary import CHANNELS, SEVERITY, STATUSES, Channel, Status  # noqa: F401

if TYPE_CHECKING:  # plan pulls in numpy; loading params must stay light
    from .plan import Plan, Section

NS = "compliance"


def _missing_messages(key: str) -> list[str]:
    return [f"messages/{lang}/{NS}.yaml has no {key!r}" for lang in i18n.LANGUAGES
            if not i18n.has(f"{NS}.{key}", lang)]


def parse_rules(data: Any, origin: str = "platform_rules.yaml") -> RuleBook:
    """The table, checked as structure and against its texts in every language."""
    return parse_table(data, origin, _missing_messages)


@cache
def load_rules(path: str | None = None) -> RuleBook:
    """The rules table, validated with its texts (RulesTableError lists every problem in it)."""
    return read_rules(path, _missing_messages)


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


def _labelled(f: Finding, lang: str) -> ComplianceRow:
    label = _t(f"source.{f.source}", lang)
    source = _t("source_date", lang, source=label, date=show_date(f.date, lang)) if f.date else label
    return ComplianceRow(f.mechanic, f.channel, f.status, _t(f.advice, lang, **f.values), source, f.date,
                         _t(f"mechanic.{f.mechanic}", lang, size=i18n.number(f.size or 0)),
                         _t(f"channel.{f.channel}", lang), _t(f"status.{f.status}", lang), f.size)


def check(uses: Iterable[tuple[str, str]], lang: str = "en", rules: RuleBook | None = None) -> list[ComplianceRow]:
    """Each (mechanic, channel) a plan uses, with its status and advice; forbidden first.

    Repeated pairs are listed once. An unknown mechanic or channel is a programming
    error (ValueError), not a status.
    """
    return by_severity([_labelled(f, lang) for f in check_uses(uses, rules or load_rules())])


def check_groups(sizes: Iterable[tuple[str, int]], lang: str = "en", limits: GroupLimits | None = None,
                 rules: RuleBook | None = None) -> list[ComplianceRow]:
    """Each planned group size against the admission limits (WeChat 40/100/200/500, WeCom 500/200)."""
    return by_severity([_labelled(f, lang) for f in check_group_sizes(sizes, rules or load_rules(), limits)])


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
    plan.data["compliance_summary"] = {s: sum(r.status == s for r in rows) for s in ("forbidden", "restricted")}
    section = Section("compliance", i18n.t("common.section.compliance", lang), list(blocks))
    plan.sections["compliance"] = section
    for r in rows:  # a forbidden use survives only when the consultant set it: the cover says so, in red
        if r.status == "forbidden":
            plan.warn("forbidden_use", forbidden_text(r, lang), mechanic=r.mechanic, channel=r.channel,
                      **({"size": r.size} if r.size is not None else {}))
    return section


def forbidden_text(r: ComplianceRow, lang: str) -> str:
    """One forbidden use in the merchant's words: what, where, the compliant alternative and the rule."""
    return _t("forbidden", lang, mechanic=r.mechanic_label, channel=r.channel_label, advice=r.advice,
              source=r.source)


SECTION_CACHE_SIZE = 16
_SECTIONS: OrderedDict[tuple, tuple] = OrderedDict()  # key -> (book, rows, table, blocks)


def _compliance_parts(lang: str, book: RuleBook, uses: tuple[tuple[str, str], ...],
                      group_sizes: tuple[tuple[str, int], ...], limits: GroupLimits | None) -> tuple:
    """The section's rows (forbidden first), its table and its blocks: the work `compliance_section` keeps."""
    import pandas as pd

    from .figref import fig
    from .plan import Callout, Para, Table

    rows = tuple(by_severity(check(uses, lang, book) + check_groups(group_sizes, lang, limits, book)))
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
        # the count is a figure of plan.json (`compliance_summary`, set per plan by `compliance_section`)
        blocks.append(Callout(_t(i18n.counted("restricted", restricted), lang,
                                 count=fig("compliance_summary.restricted", "count")), "warning"))
    blocks.append(Table("compliance", labels=tuple((c, _t(f"col.{c.removesuffix('_label')}", lang)) for c in (
        "mechanic_label", "channel_label", "status_label", "advice", "source"))))
    blocks.append(Para(_t("caveat", lang)))
    return rows, table, tuple(blocks)
