"""Export an executed playbook notebook as the merchant's handout, in-process.

Uses our own nbconvert template (`templates/handout`): outputs only, our own
stylesheet inline, charts as inline SVG — nothing fetched from the network.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import nbformat

from . import __version__, i18n

TEMPLATES = Path(__file__).parent / "templates"
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>)?\s*(<!DOCTYPE[^>]*>)?\s*", re.S)


def strip_xml_prolog(svg: str) -> str:
    return _PROLOG.sub("", svg, count=1)


@lru_cache(maxsize=1)
def _exporter():  # noqa: ANN202
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="handout")
    exporter.register_filter("strip_xml_prolog", strip_xml_prolog)
    return exporter


def handout_html(nb: nbformat.NotebookNode, *, lang: str, title: str, source: str, today: date | None = None) -> str:
    footer = i18n.t("common.footer.generated", lang, date=i18n.day(today or date.today(), lang), source=source,
                    version=__version__)
    body, _ = _exporter().from_notebook_node(nb, resources={"mp": {"lang": lang, "title": title, "footer": footer}})
    return body


def export_handout(notebook: Path | nbformat.NotebookNode, html_path: Path, *, lang: str, title: str,
                   source: str) -> Path:
    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    html_path.write_text(handout_html(nb, lang=lang, title=title, source=source), encoding="utf-8")
    return html_path
