"""Export an executed playbook notebook as the merchant's handout, in-process.

Uses our own nbconvert template (`templates/handout`): our own stylesheet inline,
charts as inline SVG, nothing fetched from the network. The handout shows only
what the library renders for the merchant — the cover, the plan's sections (HTML
from `render.py`, recognised by its root element's class) and charts (SVG or
PNG) — so code, prompts, consultant notes, warnings, stderr, widget placeholders
and text reprs such as `<Figure size 640x480>` never reach it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import nbformat

from . import __version__, i18n
from .clock import run_date
from .render import contents_html
from .svgcompact import compact_svg

TEMPLATES = Path(__file__).parent / "templates"
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>)?\s*(<!DOCTYPE[^>]*>)?\s*", re.DOTALL)
# the root elements render.py writes for the merchant (not, say, a widget panel's mp-panel-*)
_OURS = re.compile(r'^\s*<(header|section|div)\s+class="mp-(cover|section|kpis|table-wrap|rules|callout)\b')
_SECTION = re.compile(r'^\s*<section\b[^>]*\bdata-section="([^"]*)"[^>]*>\s*<h2>(.*?)</h2>', re.DOTALL)
_CONTENTS = re.compile(r'<nav class="mp-contents">.*?</nav>', re.DOTALL)
_SCRIPT = re.compile(r"<\s*(script|iframe|object|embed)\b", re.IGNORECASE)
# render.py's asides for the consultant (e.g. the params to paste into the next campaign): not the merchant's
CONSULTANT = re.compile(r'<aside class="mp-consultant"[^>]*>.*?</aside>', re.DOTALL)
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # zh-CN: browsers pick Simplified Chinese glyphs


@dataclass
class Part:
    """One piece of the handout in reading order: the cover, a section (with its charts), or a loose chart."""

    kind: str  # cover | section | chart | block
    html: str
    key: str = ""
    title: str = ""  # the section's heading, already escaped
    charts: list[str] = field(default_factory=list)

    def render(self, colophon: str = "") -> str:
        """The part's HTML; a cover also carries the (escaped) colophon, shown when printed."""
        if self.kind == "cover" and colophon:
            body = self.html.rstrip()
            assert body.endswith("</header>"), "cover HTML ends with its closing tag"
            return body[: -len("</header>")] + f'<p class="mp-colophon">{colophon}</p></header>'
        if self.kind != "section":
            return self.html
        body = self.html.rstrip()
        assert body.endswith("</section>"), "section HTML ends with its closing tag"
        # the picture before the detail: a section's charts go before its first table (or at its end), so on
        # paper a chart kept whole is not pushed past a page's worth of table, leaving that page half empty;
        # and no forced page break: sections follow one another
        body = body[: -len("</section>")]
        at = body.find('<div class="mp-table-wrap')
        at = len(body) if at < 0 else at
        return body[:at] + "".join(self.charts) + body[at:] + "</section>"


def strip_xml_prolog(svg: str) -> str:
    return _PROLOG.sub("", svg, count=1)


def _chart(output: nbformat.NotebookNode) -> str | None:
    data = output.get("data", {})
    if "image/svg+xml" in data:
        svg = strip_xml_prolog(_text(data["image/svg+xml"]))
        if _SCRIPT.search(svg):
            return None
        svg = compact_svg(svg)  # the stylesheet gives its font; no scaffolding, coordinates to 0.1 px
        return f'<figure class="mp-chart">{svg}</figure>'
    if "image/png" in data:
        png = _text(data["image/png"]).strip()
        return f'<figure class="mp-chart"><img alt="" src="data:image/png;base64,{html.escape(png)}"></figure>'
    return None


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def handout_parts(nb: nbformat.NotebookNode) -> list[Part]:
    """The notebook's merchant-facing outputs grouped into cover, sections (charts inside) and loose charts."""
    parts: list[Part] = []
    current: Part | None = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue  # streams (stdout, stderr, warnings) and errors
            chart = _chart(output)
            if chart is not None:
                if current is not None:
                    current.charts.append(chart)
                else:
                    parts.append(Part("chart", chart))
                continue
            page = CONSULTANT.sub("", _text(output.get("data", {}).get("text/html", "")))
            if not _OURS.match(page) or _SCRIPT.search(page):
                continue  # not something the library rendered for the merchant
            if page.lstrip().startswith('<header class="mp-cover"'):
                parts.append(Part("cover", page))
                current = None
            elif m := _SECTION.match(page):
                current = Part("section", page, key=m.group(1), title=m.group(2))
                parts.append(current)
            elif current is not None:
                current.html = current.html.rstrip()[: -len("</section>")] + page + "</section>"
            else:
                parts.append(Part("block", page))
    _fix_contents(parts)
    return parts


def _fix_contents(parts: list[Part]) -> None:
    """The cover's contents list the sections the handout really has, in its order."""
    sections = [(p.key, p.title) for p in parts if p.kind == "section"]
    for part in parts:
        if part.kind == "cover":
            lang = re.search(r'data-lang="([^"]*)"', part.html)
            nav = contents_html(lang.group(1) if lang else "en", sections) if sections else ""
            part.html = _CONTENTS.sub(lambda _, nav=nav: nav, part.html, count=1)


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for @page margin boxes): every non-alphanumeric escaped."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


@lru_cache(maxsize=1)
def _exporter():
    # nbconvert's TemplateExporter, not its HTMLExporter: that one re-parses the finished page with
    # BeautifulSoup (lower-casing SVG's viewBox, adding alt texts) and wires in JupyterLab's CSS.
    from nbconvert.exporters import TemplateExporter

    class HandoutExporter(TemplateExporter):
        output_mimetype = "text/html"

        def _file_extension_default(self) -> str:
            return ".html"

    # no preprocessors: the template reads only the outputs `handout_parts` keeps, which none of nbconvert's
    # defaults changes (tags to remove: none; streams: dropped anyway), and each one costs a deep copy
    # and a validation of the whole notebook (~11 per handout)
    exporter = HandoutExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="handout",
                               default_preprocessors=[])
    exporter.register_filter("strip_xml_prolog", strip_xml_prolog)
    exporter.register_filter("handout_parts", handout_parts)
    exporter.register_filter("css_string", css_string)
    return exporter


def handout_html(nb: nbformat.NotebookNode, *, lang: str, title: str, source: str, today: date | None = None) -> str:
    """The handout page for an executed notebook: `title` heads the browser tab and printed pages,
    `source` (the params file's name) and the generation date go into the footer."""
    footer = i18n.t("common.footer.generated", lang, date=i18n.day(today or run_date(), lang), source=source,
                    version=__version__)
    mp = {"lang": HTML_LANG.get(lang, lang), "title": title, "footer": footer}
    body, _ = _exporter().from_notebook_node(nb, resources={"mp": mp})
    return body


def export_handout(notebook: Path | nbformat.NotebookNode, html_path: Path, *, lang: str, title: str,
                   source: str) -> Path:
    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    html_path.write_text(handout_html(nb, lang=lang, title=title, source=source), encoding="utf-8")
    return html_path
