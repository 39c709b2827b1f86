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


def fmt_value(value: Any, kind: str, plan: Plan) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "money":
        return i18n.money(value, plan.currency, plan.language)
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
    if isinstance(value, Decimal):
        return i18n.number(float(value), 2)
    return str(value)


def kpi_range(k: Kpi, plan: Plan) -> tuple[str, str, str]:
    return tuple(fmt_value(v, k.kind, plan) for v in (k.band.p10, k.band.p50, k.band.p90))  # type: ignore[return-value]


def kpi_cards(plan: Plan, keys: tuple[str, ...]) -> str:
    lang = plan.language
    cards = []
    for key in keys or tuple(plan.kpis):
        k = plan.kpis[key]
        p10, p50, p90 = kpi_range(k, plan)
        cards.append(
            f'<div class="mp-kpi" data-kpi="{esc(key)}"><div class="mp-kpi-label">{esc(k.label)}</div>'
            f'<div class="mp-kpi-p50">{esc(p50)}</div>'
            f'<div class="mp-kpi-range">{esc(i18n.t("common.kpi.range", lang, p10=p10, p90=p90))}</div></div>'
        )
    return f'<div class="mp-kpis">{"".join(cards)}</div>'


def table_html(plan: Plan, block: Table) -> str:
    df = plan.tables[block.name]
    labels = dict(block.labels) or {c: c for c in df.columns}
    formats = dict(block.formats)
    head = "".join(f"<th>{esc(labels[c])}</th>" for c in labels)
    rows = []
    for record in df[list(labels)].itertuples(index=False):
        cells = []
        for col, value in zip(labels, record, strict=True):
            kind = formats.get(col, "text")
            cls = ' class="num"' if kind in ("money", "share", "count", "number", "ratio") else ""
            cells.append(f"<td{cls}>{esc(fmt_value(value, kind, plan))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
    return (f'<div class="mp-table-wrap"><table class="mp-table" data-table="{esc(block.name)}">{caption}'
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
        return f'<pre class="mp-code" style="overflow-x:auto;white-space:pre"><code>{esc(block.text)}</code></pre>'
    raise TypeError(f"unknown block {type(block).__name__}")


def section_html(plan: Plan, section: Section) -> str:
    body = "".join(block_html(plan, b) for b in section.blocks)
    return (f'<section class="mp-section" id="mp-{esc(section.key)}" data-section="{esc(section.key)}">'
            f"<h2>{esc(section.title)}</h2>{body}</section>")


def cover_html(plan: Plan) -> str:
    lang = plan.language
    t = i18n.t
    dates = f"{i18n.day(plan.start, lang)} – {i18n.day(plan.end, lang)}"
    contents = "".join(
        f'<li><a href="#mp-{esc(s.key)}">{esc(s.title)}</a></li>' for s in plan.ordered_sections()
    )
    return (
        f'<header class="mp-cover" data-playbook="{esc(plan.playbook)}">'
        f'<div class="mp-cover-kicker">{esc(t("common.cover.prepared_for", lang))}</div>'
        f'<h1 class="mp-merchant">{esc(plan.merchant_name)}</h1>'
        f'<div class="mp-cover-title">{esc(plan.title)}</div>'
        f'<dl class="mp-cover-facts"><dt>{esc(t("common.cover.plan_dates", lang))}</dt><dd>{esc(dates)}</dd>'
        f'<dt>{esc(t("common.cover.stage", lang))}</dt><dd class="mp-diagnosis">{esc(plan.diagnosis)}</dd></dl>'
        f'<h3>{esc(t("common.cover.headline", lang))}</h3>{kpi_cards(plan, plan.headline)}'
        f'<p class="mp-note">{esc(t("common.cover.range_note", lang, sims=f"{plan.simulations:,}", seed=plan.seed))}'
        f'</p><nav class="mp-contents"><h3>{esc(t("common.cover.contents", lang))}</h3><ol>{contents}</ol></nav>'
        f"</header>"
    )
