"""The chart theme, registered once, and the renderer that makes charts static SVG.

Charts are built by named functions in each playbook's `charts.py`
(`chart_x(plan) -> alt.Chart`) over tidy data the model returned. They render
as inline SVG (via vl-convert), so they show in JupyterLab, in papermill's
output notebook and in the handout alike, with no JavaScript and no network.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import altair as alt

FONT = ('system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
        '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif')
PALETTE = ["#1f6f78", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f", "#9c6644", "#5e548e", "#adb5bd"]
BAND = "#1f6f78"
ACCENT = "#e07a5f"
WIDTH = 560
HEIGHT = 240


@alt.theme.register("merchant_playbooks", enable=True)
def theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(
        {
            "config": {
                "font": FONT,
                "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "discreteWidth": WIDTH,
                         "stroke": None},
                "axisXDiscrete": {"labelAngle": 0},  # short category labels (1, 2, 3 ...) read upright
                "range": {"category": PALETTE},
                "title": {"fontSize": 15, "anchor": "start", "color": "#222", "subtitleColor": "#666",
                          "offset": 10},
                "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee", "domainColor": "#999",
                         "labelColor": "#444", "titleColor": "#444"},
                "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
                "bar": {"color": PALETTE[0]},
                "line": {"color": PALETTE[0], "strokeWidth": 2},
                "area": {"color": BAND, "opacity": 0.18},
                "background": "white",
            }
        }
    )


def svg_renderer(spec: dict, **_: object) -> tuple[dict, dict]:
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    return {"image/svg+xml": svg}, {"merchant_playbooks": {"chart": True}}


alt.renderers.register("merchant_svg", svg_renderer)
alt.renderers.enable("merchant_svg")


def title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or alt.Undefined)


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
        frame["title"]["subtitle"] = subtitle
    from altair.vegalite.v6.api import _dataset_name

    name = _dataset_name(rows)
    frame["data"] = {"name": name}
    frame["datasets"] = {name: rows}
    return ChartSpec(json.dumps(frame))
