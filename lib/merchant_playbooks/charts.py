"""The chart theme, registered once, and the renderer that makes charts static SVG.

Charts are built by named functions in each playbook's `charts.py`
(`chart_x(plan) -> alt.Chart`) over tidy data the model returned. They render
as inline SVG (via vl-convert), so they show in JupyterLab, in papermill's
output notebook and in the handout alike, with no JavaScript and no network.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Callable

import altair as alt

FONT = ('system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
        '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif')
PALETTE = ["#1f6f78", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#9c6644", "#5e548e", "#adb5bd"]
BAND = "#1f6f78"
ACCENT = "#e07a5f"
# Sized for the width charts are read at: a phone's column (390 px less margins) shows a chart of
# about 420 px at 0.9 of its size, so 12 px text reads at 10-11 px there; A4 shows it whole.
WIDTH = 360  # the plot of a chart with its axis labels below
NARROW = 250  # the plot of a chart whose category labels sit on its left
HEIGHT = 220
LABEL_LIMIT = 130  # px of a category label on the left, wrapped onto two lines first (WRAP_LABEL)
TITLE_UNITS = 44  # a title's line, in Latin letters (a Chinese character counts two)
SUBTITLE_UNITS = 62
_WORDS = "split(datum.label, ' ')"
_HALF = f"ceil(length({_WORDS}) / 2)"
# a long category label on two lines, split between words (or, with none, in the middle)
WRAP_LABEL = (f"length(datum.label) > 16 ? (indexof(datum.label, ' ') > 0 ? "
              f"[join(slice({_WORDS}, 0, {_HALF}), ' '), join(slice({_WORDS}, {_HALF}), ' ')] : "
              "[slice(datum.label, 0, ceil(length(datum.label) / 2)), slice(datum.label, ceil(length(datum.label) / 2))])"
              " : datum.label")


@alt.theme.register("merchant_playbooks", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(
        {
            "config": {
                "font": FONT,
                "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "discreteWidth": WIDTH,
                         "stroke": None},
                "axisXDiscrete": {"labelAngle": 0},  # short category labels (1, 2, 3 ...) read upright
                "axisYDiscrete": {"labelLimit": LABEL_LIMIT, "labelExpr": WRAP_LABEL},
                "axisQuantitative": {"tickCount": 5},
                "range": {"category": PALETTE},
                "title": {"fontSize": 15, "subtitleFontSize": 12, "anchor": "start", "color": "#222",
                          "subtitleColor": "#666", "offset": 10, "lineHeight": 18, "subtitleLineHeight": 15},
                "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#999",
                         "labelColor": "#444", "titleColor": "#444", "labelOverlap": "greedy",
                         "labelSeparation": 8, "labelLineHeight": 13},
                "header": {"labelFontSize": 12, "titleFontSize": 12},
                "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 2,
                           "labelLimit": 220},
                "text": {"fontSize": 12},
                "bar": {"color": PALETTE[0]},
                "line": {"color": PALETTE[0], "strokeWidth": 2},
                "area": {"color": BAND, "opacity": 0.18},
                "background": "white",
                # Vega measures text with its own fonts, the reader's browser with system-ui (wider):
                # room for the difference, so labels at the edge are not cut
                "padding": {"left": 24, "right": 14, "top": 5, "bottom": 5},
            }
        }
    )


# the SVGs of the last charts drawn, by their Vega-Lite spec: a re-run of a plan that changed one number
# (`playbooks watch`, a kernel serving the next notebook) redraws only the charts whose spec changed
_SVGS: collections.OrderedDict[str, str] = collections.OrderedDict()
SVG_CACHE = 32  # charts (tens of kB each): a few plans' worth


def svg_renderer(spec: dict, **_: object) -> tuple[dict, dict]:
    import vl_convert as vlc

    try:
        key = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # not plain JSON: draw it, keep nothing
        return {"image/svg+xml": vlc.vegalite_to_svg(spec)}, {"merchant_playbooks": {"chart": True}}
    svg = _SVGS.pop(key, None)
    if svg is None:  # vl-convert draws the same spec the same way: its SVG depends on nothing else
        svg = vlc.vegalite_to_svg(spec)
    _SVGS[key] = svg
    while len(_SVGS) > SVG_CACHE:
        _SVGS.popitem(last=False)
    return {"image/svg+xml": svg}, {"merchant_playbooks": {"chart": True}}


alt.renderers.register("merchant_svg", svg_renderer)
alt.renderers.enable("merchant_svg")


def lines(text: str, units: int = SUBTITLE_UNITS) -> str | list[str]:
    """`text` broken into lines of at most `units` (a Chinese character counts two), between words
    where it has spaces: Vega draws a title on one line however wide, and the SVG cuts it off."""
    width = lambda s: sum(2 if ord(c) > 0x2e7f else 1 for c in s)
    if width(text) <= units:
        return text
    out, line = [], ""
    for piece in re.findall(r"\S+\s*" if " " in text else r".", text):
        if line and width(line + piece.rstrip()) > units:
            out.append(line.rstrip())
            line = ""
        line += piece
    return [*out, line.rstrip()] if line.strip() else out


def title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=lines(text, TITLE_UNITS), subtitle=lines(subtitle) if subtitle else alt.Undefined)


def category_axis(labels, units: int = 18) -> alt.Axis:
    """Category labels on the left, each long one on two or three lines (between words), so none
    is cut off or ellipsised: the whole name reads in the chart's box at 390 px and on A4."""
    wrapped = {label: lines(label, units) for label in dict.fromkeys(labels) if isinstance(label, str)}
    wrapped = {k: v for k, v in wrapped.items() if isinstance(v, list)}
    if not wrapped:
        return alt.Axis(labelExpr="datum.label")
    return alt.Axis(labelExpr=f"{json.dumps(wrapped, ensure_ascii=False)}[datum.label] || datum.label")


def category_step(labels, units: int = 18) -> int:
    """The px each category needs on the left for its label on as many lines as `category_axis` gives it."""
    most = max((len(v) if isinstance(v, list) else 1 for v in (lines(str(x), units) for x in labels)), default=1)
    return max(26, 14 * most + 8)


def date_axis(title_text: str, fmt: str, dates) -> alt.X:
    """A day axis with whole-day ticks, about five of them: a short event never shows one date twice."""
    import pandas as pd

    days = (pd.Timestamp(max(dates)) - pd.Timestamp(min(dates))).days if len(dates) else 0
    # days restart at each month's first: a long range ticks by week, a longer one by month
    interval, length = ("day", 1) if days <= 24 else ("week", 7) if days <= 70 else ("month", 30)
    step = max(1, -(-days // (5 * length)))
    return alt.X("date:T", title=title_text,
                 axis=alt.Axis(format=fmt, tickCount={"interval": interval, "step": step}, labelOverlap="greedy"))


# ---------------------------------------------------------------- a live panel's main chart, fast


class ChartSpec:
    """A chart already written as its Vega-Lite dict; `to_dict()` gives a fresh copy, as a chart's does."""

    def __init__(self, spec_json: str) -> None:
        self._json = spec_json

    def to_dict(self, validate: bool = True) -> dict:  # the shape of alt.Chart.to_dict
        return json.loads(self._json)


# one frame per (chart, language, currency, theme): a handful at most
_FRAMES: dict[tuple[str, str, str, str], str] = {}


def framed_spec(plan, chart: Callable, rows: list[dict], subtitle: str | None = None):
    """`chart(plan).to_dict()` without Altair's cost on every control change of a live panel.

    Everything in a chart but its rows (and, when given, its subtitle) follows from the
    language and the currency (titles, tooltips, month names, the theme), so Altair writes
    that frame once per chart, language, currency and theme; each plan then puts in its
    rows — exactly the records Altair's default data transformer would make of the chart's
    data — under the dataset name Altair would give them. Each playbook's tests hold the
    result equal to `chart(plan).to_dict()`. With another data transformer active, the
    chart itself is returned.
    """
    transformers = alt.data_transformers
    if transformers.active != "default" or not transformers.consolidate_datasets:
        return chart(plan)
    key = (f"{chart.__module__}.{chart.__qualname__}", plan.language, plan.currency, str(alt.theme.active))
    frame_json = _FRAMES.get(key)
    if frame_json is None:
        spec = chart(plan).to_dict(validate=False)
        spec["data"], spec["datasets"] = {}, {}
        if subtitle is not None:
            spec["title"]["subtitle"] = ""
        frame_json = _FRAMES[key] = json.dumps(spec)
    frame = json.loads(frame_json)
    if subtitle is not None:
        frame["title"]["subtitle"] = lines(subtitle)
    from altair.vegalite.v6.api import _dataset_name

    name = _dataset_name(rows)
    frame["data"] = {"name": name}
    frame["datasets"] = {name: rows}
    return ChartSpec(json.dumps(frame))


def money_axis(lang: str) -> alt.Axis:
    """Sales ticks in short form, one format along the axis: 1.2M / 800k, or 120万 in Chinese."""
    expr = ("abs(datum.value) >= 10000 ? format(datum.value / 10000, ',~r') + '万' : format(datum.value, ',~r')"
            if lang == "zh" else "format(datum.value, '~s')")
    return alt.Axis(labelExpr=expr, tickCount=4)
