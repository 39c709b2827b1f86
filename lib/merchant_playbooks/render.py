"""HTML for a plan's parts: the cover, each section, tables and KPI grids.

Every text is escaped here — merchant names and free text are shown, never run.
The same HTML is what the notebook displays and what the handout prints.
"""

from __future__ import annotations

import html
import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

from . import i18n
from .figref import TOKEN, fig, lookup
from .plan import Bullets, Callout, Code, Kpi, KpiGrid, Para, Plan, Rules, Section, Table, jsonable


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def plan_doc(plan: Plan) -> dict:
    """The plan's plan.json document, made once per plan (figure references are read from it)."""
    doc = plan.__dict__.get("_doc")
    if doc is None:
        doc = plan.__dict__["_doc"] = plan.to_dict()
    return doc


def data_html(key: str, value: Any, shown: str) -> str:
    """A figure of the plan as the merchant reads it, marked with its plan.json path and value."""
    value = jsonable(value)  # as plan.json has it: NaN is null (value ""), numpy numbers plain
    raw = "" if value is None else value if isinstance(value, str) else repr(value)
    return f'<data value="{esc(raw)}" data-key="{esc(key)}">{esc(shown)}</data>'


def _fig_kind(kind: str) -> tuple[str, dict]:
    return {"money": ("money", {"wan": True}), "money_whole": ("money", {"wan": True, "decimals": 0}),
            "money_exact": ("money_exact", {}), "days": ("count", {})}.get(kind, (kind, {}))


def _band_of(doc: dict, key: str) -> dict | None:
    """The range a `….p10/p50/p90` figure belongs to, if it is one (its ends share one money format)."""
    parent, _, end = key.rpartition(".")
    if end not in ("p10", "p50", "p90") or not parent:
        return None
    try:
        band = lookup(doc, parent)
    except KeyError:
        return None
    return band if isinstance(band, dict) and all(p in band for p in ("p10", "p50", "p90")) else None


def figure_text(plan: Plan, key: str, kind: str, *, html_out: bool) -> str:
    doc = plan_doc(plan)
    value = lookup(doc, key)
    k, kw = _fig_kind(kind)
    band = _band_of(doc, key) if k == "money" else None
    if band is not None:  # an end of a range reads as it does in its range
        kw = {**kw, "decimals": range_decimals(band["p10"], band["p50"], band["p90"])}
    shown = fmt_value(value, k, plan, **kw)
    return data_html(key, value, shown) if html_out else shown


def range_text(plan: Plan, key: str, kind: str, *, html_out: bool) -> str:
    """"P50 (P10 – P90)" of the range at `key`, or the one number when low and high read the same."""
    band = lookup(plan_doc(plan), key)
    k, kw = _fig_kind(kind)
    if k == "money":  # one money format across a range
        kw = {**kw, "decimals": range_decimals(band["p10"], band["p50"], band["p90"])}
    shown = {p: fmt_value(band[p], k, plan, **kw) for p in ("p10", "p50", "p90")}
    mark = (lambda p: data_html(f"{key}.{p}", band[p], shown[p])) if html_out else shown.__getitem__
    if shown["p10"] == shown["p90"]:
        return mark("p50")
    return i18n.t("common.kpi.band", plan.language, p50=mark("p50"), p10=mark("p10"), p90=mark("p90"))


def text_out(plan: Plan, text: object, *, html_out: bool = True) -> str:
    """Escaped text (HTML) or plain text, with every figure reference read from the plan."""
    text = str(text)
    out, last = [], 0
    for m in TOKEN.finditer(text):
        out.append(esc(text[last:m.start()]) if html_out else text[last:m.start()])
        make = range_text if m.group(3) else figure_text
        out.append(make(plan, m.group(1), m.group(2), html_out=html_out))
        last = m.end()
    out.append(esc(text[last:]) if html_out else text[last:])
    return "".join(out)


NUMERIC = ("money", "share", "count", "number", "ratio")
LONG_TABLE_ROWS = 14  # a longer table is marked mp-long (every table may now break between rows on paper)


def fmt_value(value: Any, kind: str, plan: Plan, *, wan: bool = False, row: dict | None = None,
              decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if kind == "money":
        return i18n.money(value, plan.currency, plan.language, wan=wan, decimals=decimals)
    if kind == "money_exact":
        return i18n.money(value, plan.currency, plan.language, decimals=2)
    if kind == "share":
        return i18n.percent(float(value))
    if kind == "count":
        return i18n.number(round(float(value)))
    if kind == "number":
        return i18n.number(float(value), 2)
    if kind == "ratio":
        return i18n.number(float(value), 2)
    if kind == "date" and isinstance(value, str):  # a date read back from plan.json (or a row's own label)
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
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


def range_decimals(*values: Any) -> int:
    """Cents for a money range only when every end is small: one format across the range (¥938 – ¥1,636)."""
    ends = [abs(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    return 0 if ends and max(ends) >= 1000 else 2


def kpi_range(k: Kpi, plan: Plan) -> tuple[str, str, str]:
    """The KPI's P10, P50, P90 as plan.json holds them, in one format across the range."""
    band = plan_doc(plan)["kpis"][k.key]
    ends = (band["p10"], band["p50"], band["p90"])
    decimals = range_decimals(*ends) if k.kind == "money" else None
    return tuple(fmt_value(v, k.kind, plan, wan=True, decimals=decimals) for v in ends)  # type: ignore[return-value]


def _kpi_marked(key: str, plan: Plan) -> tuple[str, str, str, bool]:
    """The card's P10, P50, P90 as marked-up figures of plan.json, and whether they read as one number."""
    band = plan_doc(plan)["kpis"][key]
    k = plan.kpis[key]
    shown = dict(zip(("p10", "p50", "p90"), kpi_range(k, plan), strict=True))
    marked = [data_html(f"kpis.{key}.{p}", band[p], shown[p]) for p in ("p10", "p50", "p90")]
    return marked[0], marked[1], marked[2], shown["p10"] == shown["p90"]


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
        p10, p50, p90, single = _kpi_marked(key, plan)
        spread = "" if single else (
            f'{_range_bar(k)}<div class="mp-kpi-range" title="{esc(i18n.t("common.kpi.range_label", lang))}">'
            f'{i18n.t("common.kpi.range", lang, p10=p10, p90=p90)}</div>')
        cards.append(f'<div class="mp-kpi" data-kpi="{esc(key)}"><div class="mp-kpi-label">{esc(k.label)}</div>'
                     f'<div class="mp-kpi-p50">{p50}</div>{spread}</div>')
    return f'<div class="mp-kpis">{"".join(cards)}</div>'


class _Cells(dict):
    """A table row's cells as the merchant reads them, each in its column's format, made when first asked
    for: a key's message may name other cells of its row (`{brand_years}`, `{start}`), shown the same way."""

    def __init__(self, plan: Plan, record: dict, formats: dict[str, str]) -> None:
        super().__init__()
        self.plan, self.record, self.formats = plan, record, formats

    def kind(self, col: str) -> str:
        kind = self.formats.get(col, "text")
        return str(self.record["kind"]) if kind == "row_kind" else kind  # the row says how its numbers read

    def __missing__(self, col: str) -> str:
        kind, decimals = self.kind(col), None
        ends = [self.record.get(p) for p in ("p10", "p50", "p90")]
        if kind == "money" and col in ("p10", "p50", "p90") and all(isinstance(v, int | float) for v in ends):
            decimals = range_decimals(*ends)  # a row's low, expected and high in one money format
        self[col] = fmt_value(self.record[col], kind, self.plan, row=self, decimals=decimals)
        return self[col]


_TAG = re.compile(r"<[^>]+>")
WIDE_TEXT = 40  # characters: a column holding sentences
SHORT_TEXT = 12  # characters: a column of single words (a weekday, a phase)


def _units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2e7f else 1 for ch in html.unescape(text))  # a Chinese character: two


def table_html(plan: Plan, block: Table) -> str:
    df = plan.tables[block.name]
    labels = dict(block.labels) or {c: c for c in df.columns}
    formats = dict(block.formats)
    kinds = {c: formats.get(c, "text") for c in labels}
    classes = {c: ' class="num"' if k in NUMERIC else ' class="date"' if k == "date" else "" for c, k in kinds.items()}
    grid = []
    records = df.to_dict(orient="records")
    for i, record in enumerate(records):
        if block.rows:  # the view's own text per row (words around numbers, figures as references)
            grid.append([text_out(plan, text) for text in block.rows[i]])
        else:
            shown = _Cells(plan, record, formats)
            grid.append([_cell(block.name, i, col, record, shown) for col in labels])
    # the column of sentences (what happens) gets the width, the longest if there are several; single words stay narrow
    longest = {c: max((_units(_TAG.sub("", row[j])) for row in grid), default=0)
               for j, c in enumerate(labels) if not classes[c]}
    widest = max(longest, key=longest.get, default=None)
    for c, units in longest.items():
        classes[c] = (' class="wide"' if c == widest and units > WIDE_TEXT else
                      ' class="short"' if units <= SHORT_TEXT else "")
    head = "".join(f'<th scope="col"{classes[c]}>{esc(labels[c])}</th>' for c in labels)
    rows = ["<tr>" + "".join(f"<td{classes[c]}>{cell}</td>" for c, cell in zip(labels, row, strict=True)) + "</tr>"
            for row in grid]
    caption = f"<caption>{text_out(plan, block.caption)}</caption>" if block.caption else ""
    long = " mp-long" if len(rows) > LONG_TABLE_ROWS else ""
    return (f'<div class="mp-table-wrap{long}"><table class="mp-table" data-table="{esc(block.name)}">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _cell(name: str, i: int, col: str, record: dict, shown: _Cells) -> str:
    """A table cell; a number in it is a figure of plan.json `tables.<name>.<row>.<column>`."""
    if shown.kind(col) in NUMERIC and record[col] is not None and not isinstance(record[col], str):
        return data_html(f"tables.{name}.{i}.{col}", record[col], shown[col])
    return esc(shown[col])


def block_html(plan: Plan, block: Any) -> str:
    tx = lambda text: text_out(plan, text)  # noqa: E731 - escaped, figures read from the plan
    if isinstance(block, Para):
        return f"<p>{tx(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{tx(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Rules):
        items = "".join(f"<li>{tx(i)}</li>" for i in block.items)
        return f'<div class="mp-rules"><div class="mp-rules-title">{tx(block.title)}</div><ol>{items}</ol></div>'
    if isinstance(block, Table):
        return table_html(plan, block)
    if isinstance(block, Callout):
        return f'<div class="mp-callout mp-{esc(block.level)}">{tx(block.text)}</div>'
    if isinstance(block, KpiGrid):
        return kpi_cards(plan, block.keys)
    if isinstance(block, Code):  # scrolls sideways on a phone rather than wrapping lines meant to be pasted
        code = esc(text_out(plan, block.text, html_out=False))
        html = f'<pre class="mp-code" style="overflow-x:auto;white-space:pre"><code>{code}</code></pre>'
        if block.note:
            html = f"<p>{tx(block.note)}</p>{html}"
        # the handout export drops the consultant's asides (export.CONSULTANT); everything inside is escaped
        return (f'<aside class="mp-consultant" style="border-left:3px dashed #8c959f;padding:2px 12px;margin:8px 0">'
                f"{html}</aside>") if block.consultant else html
    raise TypeError(f"unknown block {type(block).__name__}")


def section_html(plan: Plan, section: Section) -> str:
    body = "".join(block_html(plan, b) for b in section.blocks)
    return (f'<section class="mp-section" id="mp-{esc(section.key)}" data-section="{esc(section.key)}">'
            f"<h2>{text_out(plan, section.title)}</h2>{body}</section>")


def contents_html(lang: str, entries: list[tuple[str, str]]) -> str:
    """The contents list from (section key, escaped title) pairs, in the order they appear."""
    items = "".join(f'<li><a href="#mp-{esc(key)}">{title}</a></li>' for key, title in entries)
    return f'<nav class="mp-contents"><h3>{esc(i18n.t("common.cover.contents", lang))}</h3><ol>{items}</ol></nav>'


def cover_html(plan: Plan) -> str:
    lang = plan.language
    t = i18n.t
    contents = contents_html(lang, [(s.key, esc(s.title)) for s in plan.ordered_sections()])
    # the draws and the seed behind every range, read from plan.json as any other figure
    note = text_out(plan, t("common.cover.range_note", lang, sims=fig("simulations", "count"), seed=fig("seed", "text")))
    return (
        f'<header class="mp-cover" data-playbook="{esc(plan.playbook)}" data-lang="{esc(lang)}">'
        f'<div class="mp-cover-band"><div class="mp-cover-kicker">{esc(t("common.cover.prepared_for", lang))}</div>'
        f'<h1 class="mp-merchant">{esc(plan.merchant_name)}</h1>'
        f'<div class="mp-cover-title">{esc(plan.title)}</div></div>'
        f'<dl class="mp-cover-facts"><div><dt>{esc(t("common.cover.plan_dates", lang))}</dt>'
        f'<dd class="mp-dates">{esc(i18n.day_range(plan.start, plan.end, lang))}</dd></div>'
        f'<div><dt>{esc(t("common.cover.stage", lang))}</dt><dd class="mp-diagnosis">{esc(plan.diagnosis)}</dd></div>'
        f'</dl>{warnings_html(plan)}<h3>{esc(t("common.cover.headline", lang))}</h3>{kpi_cards(plan, plan.headline)}'
        f'<p class="mp-note">{note}</p>{contents}</header>'
    )


def warnings_html(plan: Plan) -> str:
    """The plan's warnings on the cover, in red: what the merchant must know before running it."""
    if not plan.warnings:
        return ""
    items = "".join(f'<li data-warning="{esc(w["code"])}">{text_out(plan, w["message"])}</li>' for w in plan.warnings)
    title = esc(i18n.t("common.cover.warnings", plan.language))
    return f'<div class="mp-callout mp-danger mp-warnings" role="alert"><strong>{title}</strong><ul>{items}</ul></div>'
