"""The panel's widgets: an `Explorer` (the state) shown as ipywidgets, and the notebook's entry point.

    show.panel(params, plan, plan_out)    # the notebook cell right after the cover (`show_panel`)

Grouped controls (labels `<playbook>.panel.<path>` in the playbook's catalogue, choice names
`<playbook>.panel_choice.<value>`, units `panel.unit.*`), Save and Reset, the KPI cards, the
rules and the main chart as SVG. ipywidgets is imported only when a panel is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import i18n
from ..errors import ParamsError
from ..loading import PlaybookParams
from ..plan import Plan
from ..render import esc
from .batch import batch_run
from .controls import Control
from .css import PANEL_CSS
from .explorer import NS, Explorer, Update
from .live import refresh
from .lookup import load_spec
from .params_file import params_file_for
from .spec import GROUPS


class Panel:
    """The ipywidgets over an `Explorer`: grouped controls, Save and Reset, KPIs, rules, chart."""

    def __init__(self, explorer: Explorer) -> None:
        import ipywidgets as w

        self.x = explorer
        self.w = w
        lang = explorer.lang
        self.t = lambda key, **kw: i18n.t(f"{NS}.{key}", lang, **kw)
        self.inputs: dict[str, Any] = {}
        self._quiet = False
        groups = []
        for group in GROUPS:
            members = [self._input(c) for c in explorer.controls if c.lever.group == group]
            if members:
                head = w.HTML(f"<h4>{esc(self.t(f'group.{group}'))}</h4>")
                box = w.VBox([head, *members], layout=w.Layout(width="100%"))
                box.add_class("mp-panel-group")
                box.add_class(f"mp-panel-group-{group}")
                groups.append(box)
        grid = w.GridBox(groups, layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))",
                                                  grid_gap="8px 16px", width="100%"))
        self.status = w.HTML()
        self.status.add_class("mp-panel-status")
        self.save_button = w.Button(description=self.t("button.save"), button_style="primary",
                                    disabled=explorer.file is None, layout=w.Layout(width="auto"))
        self.save_button.add_class("mp-panel-save")
        self.reset_button = w.Button(description=self.t("button.reset"),
                                     disabled=explorer.file is None, layout=w.Layout(width="auto"))
        self.reset_button.add_class("mp-panel-reset")
        self.save_button.on_click(lambda _: self.save())
        self.reset_button.on_click(lambda _: self.reset())
        self.kpis = w.HTML()
        self.kpis.add_class("mp-panel-kpis")
        self.rules = w.HTML()
        self.rules.add_class("mp-panel-rules")
        self.chart = w.HTML()
        self.chart.add_class("mp-panel-chart")
        notes = [self.t("intro"), explorer.preview_note,
                 self.t("target", file=_short(explorer.file)) if explorer.file else self.t("no_file")]
        header = w.HTML(f"<style>{PANEL_CSS}</style><div class='mp-panel-title'>{esc(self.t('title'))}</div>"
                        f"<p class='mp-panel-note'>{esc(' '.join(n for n in notes if n))}</p>")
        outputs = w.VBox([w.HTML(f"<h5>{esc(self.t('heading.kpis'))}</h5>"), self.kpis, self.chart,
                          w.HTML(f"<h5>{esc(self.t('heading.rules'))}</h5>"), self.rules])
        self.widget = w.VBox([header, grid, w.HBox([self.save_button, self.reset_button]), self.status, outputs],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("mp-panel")
        self.widget.add_class(f"mp-panel-{explorer.playbook}")
        self.show(explorer.update(), note="")

    # -- building controls

    def _label(self, c: Control) -> str:
        label = i18n.t(f"{self.x.playbook}.panel.{c.path}", self.x.lang)
        unit = c.lever.unit
        if unit == "money":
            unit = i18n.CURRENCY_SYMBOLS.get(self.x.params.merchant.currency, self.x.params.merchant.currency)
        elif unit:
            unit = self.t(f"unit.{unit}")
        return self.t("label_unit", label=label, unit=unit) if unit else label

    def _input(self, c: Control) -> Any:
        w = self.w
        value = self.x.values[c.path]
        label = self._label(c)
        # the label sits above its control: long and Chinese labels never squeeze a slider
        common = {"tooltip": label, "layout": w.Layout(width="100%")}
        lever = c.lever
        if c.kind in ("int", "float", "share", "money"):
            low, high = _ui_bounds(c, float(value))
            as_int = c.kind == "int"
            step = lever.step or (1 if as_int else 0.01 if c.kind in ("money", "share") else 0.1)
            slider = lever.widget == "slider" or (lever.widget != "text" and c.kind != "money"
                                                  and low is not None and high is not None)
            if slider and as_int:
                box = w.IntSlider(value=value, min=int(low), max=int(high), step=int(step), continuous_update=False,
                                  **common)
            elif slider:
                box = w.FloatSlider(value=value, min=low, max=high, step=step, continuous_update=False,
                                    readout_format=".0%" if c.kind == "share" else ".2f", **common)
            elif as_int:
                box = w.BoundedIntText(value=value, min=int(low if low is not None else -10**12),
                                       max=int(high if high is not None else 10**12), step=int(step), **common)
            else:
                box = w.BoundedFloatText(value=float(value), min=low if low is not None else -1e12,
                                         max=high if high is not None else 1e12, step=step, **common)
        elif c.kind == "range":
            lo, hi = _ui_bounds(c, value.low, value.high)
            # a range the schema leaves open at an end: a slider from 0 (or 3x below) to 3x the high end
            lo = lo if lo is not None else (0.0 if value.low >= 0 else value.low * 3)
            hi = hi if hi is not None else max(value.high * 3, value.high + 1)
            share = c.lever.unit == "share"
            box = w.FloatRangeSlider(value=(value.low, value.high), min=lo, max=hi,
                                     step=lever.step or (0.005 if share else 0.1), continuous_update=False,
                                     readout_format=".1%" if share else ".1f", **common)
        elif c.kind == "bool":
            box = w.Checkbox(value=bool(value), indent=False, description=label, **common)
        elif c.kind == "choice":
            options = [(choice_label(self.x.playbook, v, self.x.lang), v) for v in c.choices]
            box = w.Dropdown(options=options, value=value, **common)
        elif c.kind == "date":
            box = w.DatePicker(value=value, **common)
        elif c.kind == "optional" and c.choices:
            names = {"true": self.t("choice_yes"), "false": self.t("choice_no")}
            options = [(self.t("auto"), ""), *((names.get(v) or choice_label(self.x.playbook, v, self.x.lang), v)
                                              for v in c.choices)]
            box = w.Dropdown(options=options, value=_text(value), **common)
        elif c.kind == "optional":
            box = w.Text(value=_text(value), placeholder=self.t("auto"), continuous_update=False, **common)
        else:
            box = w.Text(value=str(value), continuous_update=False, **common)
        box.add_class("mp-lever")
        box.add_class("mp-lever-" + c.path.replace(".", "-"))
        box.observe(lambda change, path=c.path: self.changed(path, change["new"]), names="value")
        self.inputs[c.path] = box
        if c.kind == "bool":
            return box
        return w.VBox([w.HTML(f"<span class='mp-lever-label'>{esc(label)}</span>"), box],
                      layout=w.Layout(width="100%", margin="0 0 4px 0"))

    # -- reacting

    def changed(self, path: str, value: Any) -> None:
        if self._quiet:
            return
        if value is None:  # a cleared date or number box: not a value the schema takes
            return
        self.show(self.x.set(path, value))

    def show(self, update: Update, note: str | None = None) -> None:
        if not update.ok:
            items = "".join(f"<li>{esc(p)}</li>" for p in update.problems)
            self.status.value = f"<div class='mp-bad'>{esc(self.t('status.invalid'))}<ul>{items}</ul></div>"
            self.save_button.disabled = True
            return
        self.kpis.value = update.kpis_html
        self.rules.value = update.rules_html
        refresh(self.x.page_plan, update.plan)  # the page's cover and sections: the new plan's, every one
        self.save_button.disabled = self.x.file is None
        if note is None:
            note = self.t("status.updated")
            if update.changed:
                note += " " + self.t("status.changed", sections=self.t("list_sep").join(update.changed))
        self.status.value = f"<div class='mp-good'>{esc(note)}</div>" if note else ""
        self.chart.value = chart_svg(update.chart_spec)

    def save(self) -> None:
        try:
            written = self.x.save()
        except (ParamsError, OSError, ValueError) as exc:
            self.status.value = f"<div class='mp-bad'>{esc(self.t('status.save_failed', error=str(exc)))}</div>"
            return
        name = _short(self.x.file)
        msg = (self.t(i18n.counted("status.saved", len(written)), count=len(written), file=name, fields=", ".join(written)) if written
               else self.t("status.unchanged", file=name))
        self.status.value = f"<div class='mp-good'>{esc(msg)}</div>"

    def reset(self) -> None:
        try:
            values = self.x.file_values()
        except (ParamsError, OSError, ValueError) as exc:
            self.status.value = f"<div class='mp-bad'>{esc(self.t('status.save_failed', error=str(exc)))}</div>"
            return
        self._quiet = True
        try:
            for c in self.x.controls:
                box, value = self.inputs[c.path], values[c.path]
                if c.kind == "range":
                    box.min, box.max = min(box.min, value.low), max(box.max, value.high)
                    box.value = (value.low, value.high)
                elif c.kind in ("int", "float", "share", "money"):
                    if hasattr(box, "max") and value > box.max:
                        box.max = value
                    box.value = float(value) if c.kind == "money" else value
                elif c.kind == "optional":
                    box.value = _text(value)
                else:
                    box.value = value
        finally:
            self._quiet = False
        self.x.values.update(values)
        self.show(self.x.update(), note=self.t("status.reset", file=_short(self.x.file)))


def choice_label(playbook: str, value: str, lang: str) -> str:
    """A choice's name in the merchant's language (the playbook's `panel_choice`), else the value itself."""
    key = f"{playbook}.panel_choice.{value}"
    return i18n.t(key, lang) if i18n.has(key, lang) else value


def _ui_bounds(c: Control, *values: float) -> tuple[float | None, float | None]:
    """The slider's ends: the lever's, within the schema's, always including the current value."""
    low = c.lever.low if c.lever.low is not None else c.low
    high = c.lever.high if c.lever.high is not None else c.high
    if c.low is not None and low is not None:
        low = max(low, c.low)
    if c.high is not None and high is not None:
        high = min(high, c.high)
    if low is not None:
        low = min(low, *values)
    if high is not None:
        high = max(high, *values)
    return low, high


def chart_svg(spec: dict | None) -> str:
    """The chart through the active Altair renderer (SVG via vl-convert, as in the notebook)."""
    if not spec:
        return ""
    import altair as alt

    bundle = alt.renderers.get()(spec)
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    svg = data.get("image/svg+xml", "")
    return f'<figure class="mp-chart">{svg}</figure>' if svg else ""


def _text(value: Any) -> str:
    """An optional value in its text box: empty for None (auto), `true`/`false` as YAML writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _short(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- the notebook's entry point


def show_panel(params: PlaybookParams, plan: Plan, plan_out: str = "") -> Any:
    """The live panel for a person in JupyterLab or Voilà; None (no output at all) in a batch run."""
    if batch_run(plan_out):
        return None
    spec = load_spec(params.playbook)
    if spec is None:
        return None
    import merchant_playbooks.charts  # noqa: F401 - the theme and the SVG renderer

    explorer = Explorer(params, spec, params_file_for(params), plan)
    return Panel(explorer).widget
