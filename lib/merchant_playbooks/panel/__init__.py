"""Live control panels: a playbook's key levers as ipywidgets, over the functions the batch calls.

    show.panel(params, plan, plan_out)    # the notebook cell right after the cover

A playbook plugs in with its declaration's `panel` loader, which returns
`PANEL = PanelSpec(levers=(...), main_chart=charts.chart_x, rules_section="mechanics")`
from the playbook's own `panel.py`. Everything else is shared and lives here, one job a module:

* `spec` — what a playbook declares: `Lever`, `PanelSpec`, the lever `GROUPS`.
* `lookup` — where a playbook's `PanelSpec`, section model and plan builder are found (the registry).
* `batch` — `batch_run`: batch runs (papermill, nbval, `playbooks run`) never build a widget.
* `controls` — **controls from the schema.** A `Lever` names a params field by its dotted path in
  the playbook's section (`"helpers_needed"`, `"group_buy.team_size"`) or in the merchant block
  (`"merchant.budget"`). The control follows the field's type (money, whole number, number, share,
  `[low, high]` range, yes/no, choice, date, text; an optional field is a text box where empty
  means "auto" and the key is removed); its bounds are the schema's own `ge`/`gt`/`le`/`lt` (a
  lever may narrow them for the slider, never widen).
* `explorer` — the state, without widgets. **One code path:** a change re-validates every value
  through the section models (`loading.validate_section`, what `playbooks validate` runs): a value
  the schema rejects shows the schema's message at once and leaves the plan as it was. Valid values
  go to the playbook's own `build_plan`; the KPI cards and the rules are rendered by `render.py`,
  the chart by the playbook's chart function. **Latency:** the live preview may run fewer Monte
  Carlo draws than the plan (`PanelSpec.preview_simulations`, 1,000 by default; the panel says
  so), and plans already computed for the same values are reused (a slider moved back and forth).
* `params_file` — **Save to params** writes the values that differ from the file into the
  merchant's YAML with ruamel.yaml's round trip (comments, key order, number formats kept),
  re-validates the result with `load_params` and replaces the file atomically (through a symlink
  to its target, the target's mode kept). **Reset** reloads the file's values.
* `widgets` — the ipywidgets (`Panel`) and the notebook's entry point (`show_panel`); labels are
  `<playbook>.panel.<path>` in the playbook's own catalogue (choice names:
  `<playbook>.panel_choice.<value>`); units are `panel.unit.*`.
* `css` — the panel's stylesheet.
"""

from __future__ import annotations

from .batch import batch_run
from .controls import MONEY_MAX, Control, get_value, resolve, set_in, to_json
from .css import PANEL_CSS
from .explorer import NS, PLAN_CACHE_SIZE, Explorer, Update, changed_sections, rules_blocks
from .explorer import _same as _same  # the tests compare values as the panel does
from .lookup import load_spec
from .params_file import params_file_for, replace_text, update_yaml
from .spec import GROUPS, PREVIEW_SIMULATIONS, Lever, PanelSpec
from .widgets import Panel, chart_svg, choice_label, show_panel
from .widgets import _ui_bounds as _ui_bounds  # the tests check the slider's ends

__all__ = [
    "GROUPS",
    "MONEY_MAX",
    "NS",
    "PANEL_CSS",
    "PLAN_CACHE_SIZE",
    "PREVIEW_SIMULATIONS",
    "Control",
    "Explorer",
    "Lever",
    "Panel",
    "PanelSpec",
    "Update",
    "batch_run",
    "changed_sections",
    "chart_svg",
    "choice_label",
    "get_value",
    "load_spec",
    "params_file_for",
    "replace_text",
    "resolve",
    "rules_blocks",
    "set_in",
    "show_panel",
    "to_json",
    "update_yaml",
]
