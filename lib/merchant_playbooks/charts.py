"""The chart theme, registered once, and the renderer that makes charts static SVG.

Charts are built by named functions in each playbook's `charts.py`
(`chart_x(plan) -> alt.Chart`) over tidy data the model returned. They render
as inline SVG (via vl-convert), so they show in JupyterLab, in papermill's
output notebook and in the handout alike, with no JavaScript and no network.
"""

from __future__ import annotations

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
