"""A chart's SVG made lighter for the handout, drawing the same picture.

vl-convert writes every text with the theme's whole font list, every mark with Vega's
accessibility scaffolding (empty background and foreground paths, `pointer-events`,
`opacity="1"`, each mark's tooltip as an aria-label), and coordinates to many decimals.
In the handout the stylesheet gives the font once (`.mp-chart svg`), nothing is
interactive, and a tenth of a pixel is finer than any screen or printer draws: what is
left is the picture, at under half the bytes."""

from __future__ import annotations

import re

# the theme's font list (charts.FONT) on every text: the handout's stylesheet says it once
# and the theme's 12 px (charts.py): a text without a size of its own inherits the stylesheet's
_FONT = re.compile(r' font-family="[^"]*"| font-size="12px"')
_NOISE = re.compile(
    r' (?:opacity="1"|pointer-events="none"|aria-hidden="true"|role="graphics-(?:object|symbol)"'
    r'|aria-roledescription="[^"]*"|stroke-miterlimit="10"|stroke-width="1"|transform="translate\(0,0\)"'
    r'|x2="0"|y2="0"|class="mark-[^"]*")')
# Vega's empty scaffolding: a zero-size background and a hidden foreground per group
# (and a background drawn in no colour: the view has no stroke or fill)
_EMPTY = re.compile(r'<path class="(?:background|foreground)" d="[^"]*"(?: display="none")?/>')
# a mark's tooltip read aloud ("Date: 5 Nov; p90: 268.862930713"): a static handout has no tooltips, and
# its figures are in the tables and text; the axes keep theirs
_MARK_LABEL = re.compile(r'(<(?:path|rect|line|circle|text)\b[^>]*?) aria-label="[^"]*"')
_GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")
_GEOMETRY = re.compile(r'( (?:d|transform|x|y|x1|x2|y1|y2|dx|dy|width|height|points)=")([^"]*)"')
_DECIMALS = re.compile(r"-?\d*\.\d{2,}")


def _round(match: re.Match) -> str:
    value = round(float(match.group()), 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def compact_svg(svg: str) -> str:
    """`svg` without what the handout's stylesheet already says, Vega's empty scaffolding, or
    coordinates finer than a tenth of a pixel."""
    svg = _FONT.sub("", svg)
    svg = _NOISE.sub("", svg)
    svg = _EMPTY.sub("", svg)
    svg = _MARK_LABEL.sub(r"\1", svg)
    svg = _GEOMETRY.sub(lambda m: m.group(1) + _DECIMALS.sub(_round, m.group(2)) + '"', svg)
    return _unwrap_bare_groups(svg)


def _unwrap_bare_groups(svg: str) -> str:
    """Drop `<g>` elements without attributes (left once their classes are gone), keeping what they hold."""
    out, opened, last = [], [], 0
    for m in _GROUP_TAG.finditer(svg):
        out.append(svg[last:m.start()])
        last = m.end()
        tag = m.group()
        if tag == "</g>":
            if opened.pop():
                out.append(tag)
        else:
            opened.append(tag != "<g>")
            if tag != "<g>":
                out.append(tag)
    out.append(svg[last:])
    return "".join(out)


__all__ = ["compact_svg"]
