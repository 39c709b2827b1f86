"""HTML for a plan's parts: the cover, each section, tables and KPI grids.

Every text is escaped here — merchant names and free text are shown, never run.
The same HTML is what the notebook displays and what the handout prints.
"""

from __future__ import annotations

import html
import math
from datetime import date
from decimal import Decimal
from typing import Any

from . import i18n
from .plan import Bullets, Callout, Code, Kpi, KpiGrid, Para, Plan, Rules, Section, Table


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


NUMERIC = ("money", "share", "count", "number", "ratio")
LONG_TABLE_ROWS = 14  # longer tables may break across printed pages (between rows, header repeated)


def fmt_value(value: Any, kind: str, plan: Plan, *, wan: bool = False, row: dict | None = None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "money":
        return i18n.money(value, plan.currency, plan.language, wan=wan)
    if kind == "share":
        return i18n.percent(float(value))
    if kind == "count":
        return i18n.number(round(float(value)))
    if kind == "number":
        return i18n.number(float(value), 2)
    if kind == "ratio":
        return i18n.number(float(value), 2)
    if kind == "date" and isinstance(value, date):
        return i18n.short_day(value, plan.language)
    if kind == "yesno":  # a table keeps booleans; the merchant reads yes / no
        return i18n.t("common.answer.yes" if value else "common.answer.no", plan.language)
    if kind.startswith("key:"):  # a table keeps a choice's key; the catalogue `<prefix>.<key>` names it
        if isinstance(value, list | tuple):  # several keys: each named, in a list
            sep = i18n.t("common.table.list_separator", plan.language)
            return sep.join(fmt_value(v, kind, plan, row=row) for v in value)
        text = i18n.t(f"{kind[4:]}.{value}", plan.language)
        return text.format_map(row) if row is not None and "{" in text else text  # {column}: that cell of the row
    if isinstance(value, Decimal):
        return i18n.number(float(value), 2)
    return str(value)


def kpi_range(k: Kpi, plan: Plan) -> tuple[str, str, str]:
    return tuple(fmt_value(v, k.kind, plan, wan=True) for v in (k.band.p10, k.band.p50, k.band.p90))  # type: ignore[return-value]


def _range_bar(k: Kpi) -> str:
    """A small bar from 0 to P90: the shaded part is P10–P90, the tick is P50 (how wide the range is)."""
    p10, p50, p90 = k.band.p10, k.band.p50, k.band.p90
    if not all(math.isfinite(v) for v in (p10, p50, p90)) or p10 < 0 or p90 <= 0:
        return ""
    lo, mid = 100 * p10 / p90, 100 * p50 / p90
    return (f'<div class="mp-kpi-bar" aria-hidden="true"><span style="left:{lo:.1f}%;width:{100 - lo:.1f}%"></span>'
            f'<i style="left:{mid:.1f}%"></i></div>')


def kpi_cards(plan: Plan, keys: tuple[str, ...]) -> str:
    lang = plan.language
    cards = []
    for key in keys or tuple(plan.kpis):
        k = plan.kpis[key]
        p10, p50, p90 = kpi_range(k, plan)
        cards.append(
            f'<div class="mp-kpi" data-kpi="{esc(key)}"><div class="mp-kpi-label">{esc(k.label)}</div>'
            f'<div class="mp-kpi-p50">{esc(p50)}</div>{_range_bar(k)}'
            f'<div class="mp-kpi-range" title="{esc(i18n.t("common.kpi.range_label", lang))}">'
            f'{esc(i18n.t("common.kpi.range", lang, p10=p10, p90=p90))}</div></div>'
        )
    return f'<div class="mp-kpis">{"".join(cards)}</div>'


class _Cells(dict):
    """A table row's cells as the merchant reads them, each in its column's format, made when first asked
    for: a key's message may name other cells of its row (`{brand_years}`, `{start}`), shown the same way."""

    def __init__(self, plan: Plan, record: dict, formats: dict[str, str]) -> None:
        super().__init__()
        self.plan, self.record, self.formats = plan, record, formats

    def __missing__(self, col: str) -> str:
        self[col] = fmt_value(self.record[col], self.formats.get(col, "text"), self.plan, row=self)
        return self[col]


def table_html(plan: Plan, block: Table) -> str:
    df = plan.tables[block.name]
    labels = dict(block.labels) or {c: c for c in df.columns}
    formats = dict(block.formats)
    kinds = {c: formats.get(c, "text") for c in labels}
    classes = {c: ' class="num"' if k in NUMERIC else ' class="date"' if k == "date" else "" for c, k in kinds.items()}
    head = "".join(f'<th scope="col"{classes[c]}>{esc(labels[c])}</th>' for c in labels)
    rows = []
    if block.rows:  # the view's own text per row (words around numbers)
        texts = [dict(zip(labels, r, strict=True)) for r in block.rows]
    else:
        texts = [_Cells(plan, record, formats) for record in df.to_dict(orient="records")]
    for shown in texts:
        cells = "".join(f"<td{classes[col]}>{esc(shown[col])}</td>" for col in labels)
        rows.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
    long = " mp-long" if len(rows) > LONG_TABLE_ROWS else ""
    return (f'<div class="mp-table-wrap{long}"><table class="mp-table" data-table="{esc(block.name)}">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def block_html(plan: Plan, block: Any) -> str:
    if isinstance(block, Para):
        return f"<p>{esc(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Rules):
        items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
        return f'<div class="mp-rules"><div class="mp-rules-title">{esc(block.title)}</div><ol>{items}</ol></div>'
    if isinstance(block, Table):
        return table_html(plan, block)
    if isinstance(block, Callout):
        return f'<div class="mp-callout mp-{esc(block.level)}">{esc(block.text)}</div>'
    if isinstance(block, KpiGrid):
        return kpi_cards(plan, block.keys)
    if isinstance(block, Code):  # scrolls sideways on a phone rather than wrapping lines meant to be pasted
        html = f'<pre class="mp-code" style="overflow-x:auto;white-space:pre"><code>{esc(block.text)}</code></pre>'
        if block.note:
            html = f"<p>{esc(block.note)}</p>{html}"
        # the handout export drops the consultant's asides (export.CONSULTANT); everything inside is escaped
        return (f'<aside class="mp-consultant" style="border-left:3px dashed #8c959f;padding:2px 12px;margin:8px 0">'
                f"{html}</aside>") if block.consultant else html
    raise TypeError(f"unknown block {type(block).__name__}")


def section_html(plan: Plan, section: Section) -> str:
    body = "".join(block_html(plan, b) for b in section.blocks)
    return (f'<section class="mp-section" id="mp-{esc(section.key)}" data-section="{esc(section.key)}">'
            f"<h2>{esc(section.title)}</h2>{body}</section>")


def contents_html(lang: str, entries: list[tuple[str, str]]) -> str:
    """The contents list from (section key, escaped title) pairs, in the order they appear."""
    items = "".join(f'<li><a href="#mp-{esc(key)}">{title}</a></li>' for key, title in entries)
    return f'<nav class="mp-contents"><h3>{esc(i18n.t("common.cover.contents", lang))}</h3><ol>{items}</ol></nav>'


def cover_html(plan: Plan) -> str:
    lang = plan.language
    t = i18n.t
    contents = contents_html(lang, [(s.key, esc(s.title)) for s in plan.ordered_sections()])
    return (
        f'<header class="mp-cover" data-playbook="{esc(plan.playbook)}" data-lang="{esc(lang)}">'
        f'<div class="mp-cover-band"><div class="mp-cover-kicker">{esc(t("common.cover.prepared_for", lang))}</div>'
        f'<h1 class="mp-merchant">{esc(plan.merchant_name)}</h1>'
        f'<div class="mp-cover-title">{esc(plan.title)}</div></div>'
        f'<dl class="mp-cover-facts"><div><dt>{esc(t("common.cover.plan_dates", lang))}</dt>'
        f'<dd class="mp-dates">{esc(i18n.day_range(plan.start, plan.end, lang))}</dd></div>'
        f'<div><dt>{esc(t("common.cover.stage", lang))}</dt><dd class="mp-diagnosis">{esc(plan.diagnosis)}</dd></div>'
        f'</dl><h3>{esc(t("common.cover.headline", lang))}</h3>{kpi_cards(plan, plan.headline)}'
        f'<p class="mp-note">{esc(t("common.cover.range_note", lang, sims=f"{plan.simulations:,}", seed=plan.seed))}'
        f"</p>{contents}</header>"
    )
