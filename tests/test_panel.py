"""The live control panel: controls from the schema, one code path, save and reset, batch runs untouched."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from conftest import PARAMS, PLAYBOOKS, ROOT
from merchant_playbooks import panel, registry
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.loading import load_params
from merchant_playbooks.panel import (
    Explorer,
    Lever,
    PanelSpec,
    batch_run,
    load_spec,
    resolve,
    update_yaml,
)
from merchant_playbooks.render import block_html, kpi_cards
from merchant_playbooks.schema import Range, StrictModel

PB = "first_event_bargaining"


@pytest.fixture
def params_file(tmp_path) -> Path:
    """A copy of the Bloom sample in tmp/params/, with tmp/data pointing at the samples it names, where the
    consultant has fixed the helpers needed at 8 (the sample leaves them to the decision)."""
    (tmp_path / "params").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    path = tmp_path / "params" / "bloom.yaml"
    text = (PARAMS / "bloom-household.yaml").read_text(encoding="utf-8")
    assert "\n  stock: 300\n" in text and "helpers_needed" not in text
    path.write_text(text.replace("\n  stock: 300\n", "\n  stock: 300\n  helpers_needed: 8\n"), encoding="utf-8")
    return path


def explorer(path: Path, **spec_changes) -> Explorer:
    spec = dataclasses.replace(load_spec(PB), **spec_changes)
    return Explorer(load_params(path).for_playbook(PB), spec, path)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), "lines were added or removed"
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


# ---------------------------------------------------------------- controls from the schema


def test_controls_take_their_kind_and_bounds_from_the_schema():
    section = load_params(PARAMS / "bloom-household.yaml").sections[PB]
    model = type(section)
    kinds = {lever.path: resolve(lever, model) for lever in load_spec(PB).levers}
    assert kinds["original_price"].kind == "money" and kinds["original_price"].low == pytest.approx(0.01)
    assert kinds["floor_price"].kind == "money" and kinds["floor_price"].low == 0
    assert kinds["helpers_needed"].kind == "optional"  # empty: the decision's best within budget
    assert (kinds["stock"].kind, kinds["stock"].low, kinds["stock"].high) == ("int", 1, 10_000_000)
    assert (kinds["duration_days"].low, kinds["duration_days"].high) == (1, 60)
    assert kinds["attempt_rate"].kind == "range" and (kinds["attempt_rate"].low, kinds["attempt_rate"].high) == (0, 1)
    assert kinds["cut_style"].kind == "choice" and kinds["cut_style"].choices == ("decreasing", "random")
    assert kinds["start_date"].kind == "date" and kinds["forced_follow"].kind == "bool"
    assert kinds["merchant.budget"].kind == "money" and kinds["merchant.budget"].in_merchant


def test_a_lever_narrows_the_slider_but_never_widens_the_schema():
    section_model = type(load_params(PARAMS / "bloom-household.yaml").sections[PB])
    wide = resolve(Lever("duration_days", "dates", low=-5, high=999), section_model)
    assert panel._ui_bounds(wide, 15) == (1, 60)
    narrow = resolve(Lever("stock", "product", high=40), section_model)
    assert panel._ui_bounds(narrow, 8) == (1, 40)
    assert panel._ui_bounds(narrow, 55) == (1, 55)  # the file's value is always reachable
    with pytest.raises(KeyError):
        resolve(Lever("helpers_wanted", "audience"), section_model)
    assert resolve(Lever("group_buy.price", "product"), section_model).kind == "optional"

    class Odd(StrictModel):
        when: date | None = None

    with pytest.raises(TypeError, match="optional"):
        resolve(Lever("when", "dates"), Odd)
    with pytest.raises(ValueError):
        Lever("stock", "somewhere")


# ---------------------------------------------------------------- one code path


def test_a_change_reruns_the_batch_build_plan_and_render(params_file):
    x = explorer(params_file, preview_simulations=None, preview_without=())
    update = x.set("helpers_needed", 12)
    assert update.ok
    batch = build_plan(dataclasses.replace(
        load_params(params_file).for_playbook(PB),
        section=load_params(params_file).sections[PB].model_copy(update={"helpers_needed": 12})))
    assert update.plan.to_dict()["kpis"] == batch.to_dict()["kpis"]
    assert update.kpis_html == kpi_cards(batch, batch.headline)
    rules = [b for b in batch.sections["mechanics"].blocks if type(b).__name__ == "Rules"]
    assert update.rules_html == "".join(block_html(batch, b) for b in rules)
    assert 'data-key="helpers_needed">12</data> friends' in update.rules_html
    subtitle = update.chart_spec["title"]["subtitle"]  # a long subtitle comes in lines
    assert (subtitle if isinstance(subtitle, str) else " ".join(subtitle)).endswith("12 helpers")


def test_the_live_preview_says_what_it_leaves_out(params_file):
    x = explorer(params_file)
    update = x.set("helpers_needed", 9)
    assert update.plan.simulations == load_spec(PB).preview_simulations < 4000 and "review" not in update.plan.sections
    assert f"{load_spec(PB).preview_simulations:,} draws" in x.preview_note and "4,000" in x.preview_note
    assert "actuals" in x.preview_note
    # the notebook's own plan stands for its own values: back at the start, the full plan is shown
    full = build_plan(load_params(params_file).for_playbook(PB))
    x = Explorer(load_params(params_file).for_playbook(PB), load_spec(PB), params_file, full)
    x.set("helpers_needed", 9)
    assert x.set("helpers_needed", 8).plan is full


def test_a_value_the_schema_rejects_is_flagged_and_the_plan_kept(params_file):
    x = explorer(params_file)
    good = x.set("floor_price", 120)
    bad = x.set("floor_price", 250)
    assert not bad.ok and bad.plan is None
    assert bad.problems == ["first_event_bargaining.floor_price = 250.00 must be below original_price (199.0)"]
    x.set("floor_price", 120)
    too_many = x.set("helpers_needed", 500)
    x.set("floor_price", 198.99)  # a gap of 1 fen cannot be cut by 500 helpers: the cross-field rule
    assert any("helpers_needed" in p and "at most 1" in p for p in x.last.problems)
    assert good.ok and too_many.ok
    with pytest.raises(Exception, match="floor_price|helpers_needed"):
        x.save()  # never writes what the schema rejects


# ---------------------------------------------------------------- save and reset


def test_save_writes_only_changed_values_keeping_comments_order_and_formats(params_file):
    before = params_file.read_text(encoding="utf-8")
    x = explorer(params_file)
    x.set("helpers_needed", 12)
    x.set("floor_price", Decimal("89.5"))
    x.set("attempt_rate", (0.03, 0.06))
    x.set("merchant.budget", 9500)
    x.set("start_date", date(2026, 12, 5))
    x.set("stock", 300)  # unchanged: not written
    written = x.save()
    assert sorted(written) == ["attempt_rate", "floor_price", "helpers_needed", "merchant.budget", "start_date"]
    after = params_file.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        ("  budget: 8000          # for this event", "  budget: 9500          # for this event"),
        ("  start_date: 2026-11-05          # the event has run: its actuals below lie in the past",
         "  start_date: 2026-12-05          # the event has run: its actuals below lie in the past"),
        ("  floor_price: 99.00", "  floor_price: 89.50"),
        ("  helpers_needed: 8", "  helpers_needed: 12"),
        ("  attempt_rate: [0.02, 0.05]     # source 000: 8,000 bargains / 240,000 views = 3.3%",
         "  attempt_rate: [0.03, 0.06]     # source 000: 8,000 bargains / 240,000 views = 3.3%"),
    ]
    reloaded = load_params(params_file)
    assert reloaded.sections[PB].helpers_needed == 12 and reloaded.merchant.budget == Decimal(9500)
    assert x.save() == []  # nothing left to save


def test_save_adds_keys_the_file_did_not_have_at_the_end_of_its_section(params_file):
    x = explorer(params_file)
    x.set("cut_style", "random")
    x.set("helpers_mean", Range(low=4, high=9.5))
    x.set("external_views", 20000)
    assert sorted(x.save()) == ["cut_style", "external_views", "helpers_mean"]
    text = params_file.read_text(encoding="utf-8")
    assert "  helpers_mean: [4, 9.5]\n" in text and "  cut_style: random\n" in text
    assert text.index("seed: 7") < text.index("cut_style: random")  # appended, nothing reordered
    assert load_params(params_file).sections[PB].cut_style == "random"


def test_an_optional_field_is_a_text_box_where_empty_means_auto(params_file):
    before = params_file.read_text(encoding="utf-8")
    x = explorer(params_file, levers=(*load_spec(PB).levers, Lever("group_buy.price", "rewards", unit="money")))
    assert x.values["group_buy.price"] is None
    assert x.set("group_buy.price", "150").ok
    assert x.set("group_buy.price", "cheap").problems == [
        "first_event_bargaining.group_buy.price = 'cheap' must be an amount (a number)"]
    x.set("group_buy.price", "149.5")
    assert x.save() == ["group_buy.price"]
    text = params_file.read_text(encoding="utf-8")
    assert text.endswith("group_buy:\n    price: 149.50\n")
    assert load_params(params_file).sections[PB].group_buy.price == Decimal("149.50")
    x.set("group_buy.price", "")  # back to auto: the key goes
    assert x.save() == ["group_buy.price"]
    assert load_params(params_file).sections[PB].group_buy.price is None
    assert params_file.read_text(encoding="utf-8") == before


def test_reset_returns_to_the_file_values(params_file):
    x = explorer(params_file)
    x.set("helpers_needed", 15)
    x.set("product", "Rattan basket")
    update = x.reset()
    assert x.values["helpers_needed"] == 8 and x.values["product"] == "Bamboo storage basket set"
    assert 'data-key="helpers_needed">8</data> friends' in update.rules_html


def test_save_writes_through_a_symlink_to_its_target_and_keeps_its_mode(params_file, tmp_path):
    """Issue 24 (6): a link stays a link, the real file is updated, 0600 stays 0600, no temp file left."""
    real = params_file
    real.chmod(0o600)
    links = tmp_path / "links"
    links.mkdir()
    link = links / "bloom.yaml"
    link.symlink_to(real)
    x = explorer(link)
    x.set("helpers_needed", 12)
    assert x.save() == ["helpers_needed"]
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert "  helpers_needed: 12\n" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert [p.name for p in real.parent.iterdir()] == ["bloom.yaml"]
    assert [p.name for p in links.iterdir()] == ["bloom.yaml"]
    assert load_params(link).sections[PB].helpers_needed == 12


def test_save_never_writes_through_a_planted_temp_name(params_file, tmp_path):
    """The temp file is made exclusively under a random name: a link planted at the old
    predictable name (`.bloom.yaml.<pid>.tmp`) is neither followed nor removed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    planted = params_file.with_name(f".{params_file.name}.{os.getpid()}.tmp")
    planted.symlink_to(victim)
    x = explorer(params_file)
    x.set("helpers_needed", 11)
    assert x.save() == ["helpers_needed"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert planted.is_symlink() and "helpers_needed: 11\n" in params_file.read_text(encoding="utf-8")
    assert sorted(p.name for p in params_file.parent.iterdir()) == sorted([params_file.name, planted.name])


def test_a_refused_or_failed_save_leaves_the_file_whole(params_file, monkeypatch):
    """A check that refuses the new text, or a write error (a full disk), leaves the file as it was."""
    before = params_file.read_text(encoding="utf-8")
    params_file.chmod(0o640)

    def refuse(tmp: Path) -> None:
        assert tmp.parent == params_file.parent and stat.S_IMODE(tmp.stat().st_mode) == 0o640
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        panel.replace_text(params_file, "half", check=refuse)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    x = explorer(params_file)
    x.set("helpers_needed", 13)
    with pytest.raises(OSError, match="No space"):
        x.save()
    assert params_file.read_text(encoding="utf-8") == before
    assert stat.S_IMODE(params_file.stat().st_mode) == 0o640
    assert [p.name for p in params_file.parent.iterdir()] == [params_file.name]


def test_update_yaml_keeps_chinese_text_and_comments():
    text = ("# 花样\nmerchant:\n  name: 花样小店   # 店名\n  budget: 3000\nfirst_event_bargaining:\n"
            "  original_price: 59.9\n  reach_rate: 0.3  # 一个数\n")
    out = update_yaml(text, PB, {"merchant.budget": Decimal("3500.50"), "original_price": Decimal("69.9"),
                                 "reach_rate": Range(low=0.2, high=0.4)})
    # money keeps cents; a number that becomes a range keeps its comment (ruamel puts it one space after)
    assert out == ("# 花样\nmerchant:\n  name: 花样小店   # 店名\n  budget: 3500.50\nfirst_event_bargaining:\n"
                   "  original_price: 69.90\n  reach_rate: [0.2, 0.4] # 一个数\n")


# ---------------------------------------------------------------- widgets


def test_panel_widgets_in_the_merchant_language(params_file, monkeypatch):
    text = params_file.read_text(encoding="utf-8").replace("language: en", "language: zh")
    params_file.write_text(text, encoding="utf-8")
    x = explorer(params_file)
    ui = panel.Panel(x)
    html = json.dumps([getattr(w, "value", "") for w in _walk(ui.widget) if isinstance(getattr(w, "value", ""), str)],
                      ensure_ascii=False)
    assert "所需帮砍人数（人）" in html and "商品与价格" in html and "原价（¥）" in html
    assert ui.save_button.description == "保存到参数文件" and not ui.save_button.disabled
    slider = ui.inputs["warmup_days"]
    assert (slider.min, slider.max, slider.value) == (0, 14, 3)
    box = ui.inputs["helpers_needed"]  # optional: a text box, empty for the decision's choice
    assert box.value == "8"
    box.value = "10"  # what a browser does to the model
    assert ">10</data>" in ui.rules.value and "新增粉丝" in ui.kpis.value and "<svg" in ui.chart.value
    ui.inputs["floor_price"].value = 500.0
    assert "original_price" in ui.status.value and ui.save_button.disabled
    ui.inputs["floor_price"].value = 99.0
    ui.save_button.click()
    assert "helpers_needed: 10\n" in params_file.read_text(encoding="utf-8") and "已将 1 项修改" in ui.status.value
    ui.inputs["helpers_needed"].value = "20"
    ui.reset_button.click()
    assert ui.inputs["helpers_needed"].value == "10" and "已恢复" in ui.status.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# ---------------------------------------------------------------- batch runs


@pytest.mark.parametrize(("env", "plan_out", "kernel", "expected"), [
    ({}, "", False, True),  # plain Python
    ({}, "", True, True),  # a kernel nobody looks at: papermill, nbval
    ({"JPY_SESSION_NAME": "playbooks/x.ipynb"}, "", True, False),  # JupyterLab
    ({"VOILA_KERNEL_ID": "abc"}, "", True, False),  # Voilà
    ({"JPY_SESSION_NAME": "x.ipynb"}, "/tmp/out/x", True, True),  # playbooks run from a notebook's `!`
    ({"MERCHANT_PLAYBOOKS_PANEL": "1"}, "/tmp/out/x", False, False),
    ({"MERCHANT_PLAYBOOKS_PANEL": "0", "VOILA_KERNEL_ID": "abc"}, "", True, True),
])
def test_batch_runs_are_told_apart_from_a_person(monkeypatch, env, plan_out, kernel, expected):
    import os

    import IPython

    for key in [k for k in os.environ if k.startswith(("VOILA_", "JPY_SESSION", "MERCHANT_PLAYBOOKS"))]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    shell = type("Shell", (), {"kernel": object()})() if kernel else None
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert batch_run(plan_out) is expected


def test_no_panel_for_a_playbook_without_one():
    assert load_spec("no_such_playbook") is None


def test_papermill_run_leaves_no_widget_in_the_notebook_or_the_handout(tmp_path):
    """A real papermill run of the notebook's cells up to the panel: no output, no widget state, no trace."""
    import os

    import papermill as pm

    nb = nbformat.read(PLAYBOOKS / f"{PB}.ipynb", as_version=4)
    upto = next(i for i, c in enumerate(nb.cells) if c.get("id") == "panel")
    nb.cells = nb.cells[: upto + 1]  # the cover and the panel: the rest is nbval's and test_notebooks' job
    src = tmp_path / "upto_panel.ipynb"
    nbformat.write(nb, src)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VOILA_", "JPY_SESSION", "MERCHANT_PLAYBOOKS"))}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(clean)  # the kernel inherits this environment: no frontend variables
    try:
        out = pm.execute_notebook(str(src), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
                                  cwd=str(PLAYBOOKS))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    cell = out.cells[-1]
    assert cell.source == "show.panel(params, plan, plan_out)" and cell.outputs == []
    assert "widgets" not in out.metadata
    assert not any("widget" in json.dumps(o) for c in out.cells for o in c.get("outputs", []))
    from merchant_playbooks.export import handout_html

    page = handout_html(out, lang="en", title="Bloom", source="bloom-household.yaml")
    assert "mp-cover" in page and "mp-panel" not in page and "widget" not in page


# ---------------------------------------------------------------- the app


def test_app_notebook_injects_the_file_and_drops_the_notes(params_file, tmp_path):
    from merchant_playbooks.app import app_notebook, voila_command

    nb_path = app_notebook(PB, params_file, tmp_path)
    nb = nbformat.read(nb_path, as_version=4)
    assert all(c.cell_type == "code" for c in nb.cells)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f"params_file = {str(params_file.resolve())!r}".replace("'", '"') in injected.source.replace("'", '"')
    assert '"helpers_needed": 8' in injected.source
    assert any(c.source == "show.panel(params, plan, plan_out)" for c in nb.cells)
    cmd = voila_command(nb_path, 9999, open_browser=False)
    assert "--port=9999" in cmd and "--no-browser" in cmd and "--Voila.ip=127.0.0.1" in cmd


def test_app_refuses_a_file_without_the_playbook_section(tmp_path):
    from merchant_playbooks.app import app_notebook
    from merchant_playbooks.errors import ParamsError

    others = [p for p in sorted(PARAMS.glob("*.yaml")) if PB not in load_params(p).sections]
    assert others, "a sample merchant without the bargaining section"
    with pytest.raises(ParamsError, match="first_event_bargaining is missing"):
        app_notebook(PB, others[0], tmp_path)


def test_every_panel_spec_resolves_against_its_schema():
    from merchant_playbooks import i18n

    found = 0
    for name in registry.names():
        spec = load_spec(name)
        if spec is None:
            continue
        found += 1
        assert isinstance(spec, PanelSpec) and spec.levers
        for lever in spec.levers:
            resolve(lever, registry.section_model(name))
            for lang in ("en", "zh"):
                assert i18n.has(f"{name}.panel.{lever.path}", lang), (name, lever.path, lang)
                if lever.unit and lever.unit != "money":
                    assert i18n.has(f"panel.unit.{lever.unit}", lang)
            control = resolve(lever, registry.section_model(name))
            named = control.choices if control.choices != ("true", "false") else ()  # yes/no: panel.choice_yes/no
            for value in named:  # every choice has a name in both languages
                for lang in ("en", "zh"):
                    assert i18n.has(f"{name}.panel_choice.{value}", lang), (name, lever.path, value, lang)
    assert found >= 1


# ---------------------------------------------------------------- every playbook's panel


def _sample(playbook: str):
    from bench_widgets import sample_params

    params, path = sample_params(playbook)
    assert params is not None, f"no sample params file has a {playbook} section"
    return params, path


def _widget_value(control, value):
    """What the control's widget holds for a typed value (as a browser would set it)."""
    if control.kind == "range":
        return (value.low, value.high)
    if control.kind == "money":
        return float(value)
    if control.kind == "optional":
        return "" if value is None else str(value)
    return value


@pytest.mark.parametrize("playbook", sorted(registry.names()))
def test_every_playbook_shows_its_panel_right_after_the_cover(playbook):
    assert isinstance(load_spec(playbook), PanelSpec), f"{playbook} has no panel"
    nb = nbformat.read(PLAYBOOKS / f"{playbook}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[code.index("show.cover(plan)") + 1] == "show.panel(params, plan, plan_out)"


@pytest.mark.parametrize("playbook", sorted(registry.names()))
def test_every_lever_of_every_panel_moves_the_plan_in_the_merchants_language(playbook):
    """Each control, moved in its widget as a browser would, re-renders something the merchant sees
    (KPIs, chart or rules) — or, for a combination the schema rejects, names the field and changes nothing."""
    params, _ = _sample(playbook)
    params = dataclasses.replace(params, merchant=params.merchant.model_copy(update={"language": "zh"}))
    x = Explorer(params, load_spec(playbook), None)
    ui = panel.Panel(x)
    assert ui.save_button.disabled and ui.reset_button.disabled  # no file: nothing to save to
    assert ui.kpis.value and "<svg" in ui.chart.value
    from bench_widgets import next_values
    from merchant_playbooks import i18n

    silent = []
    for c in x.controls:
        label = i18n.t(f"{playbook}.panel.{c.path}", "zh")
        assert not label.isascii(), (c.path, label)  # written for a Chinese merchant
        values = next_values(c, x.values[c.path])[::-1]  # the furthest move first ("auto" may be the same value)
        assert values, c.path
        for new in values:
            before = (ui.kpis.value, ui.chart.value, ui.rules.value)
            ui.inputs[c.path].value = _widget_value(c, new)
            if "mp-bad" in ui.status.value:
                assert (ui.kpis.value, ui.chart.value, ui.rules.value) == before and x.last.problems
                continue
            assert x.last.ok and panel._same(x.values[c.path], x.coerce(c, new)), c.path
            if x.last.changed:  # the status names the sections it changed, in Chinese
                assert i18n.t("panel.list_sep", "zh").join(x.last.changed) in ui.status.value
                break
            if (ui.kpis.value, ui.chart.value, ui.rules.value) != before:
                break
        else:
            silent.append(c.path)
    assert not silent, f"levers that change nothing in the plan: {silent}"


def test_an_optional_yes_no_is_a_dropdown_with_auto_and_saves_or_removes_its_key(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    path = tmp_path / "params" / "crunch.yaml"
    shutil.copyfile(PARAMS / "crunch-snacks.yaml", path)
    original = path.read_text(encoding="utf-8")
    assert "premium:" not in original
    playbook = "rapid_growth_cadence"
    x = Explorer(load_params(path).for_playbook(playbook), load_spec(playbook), path)
    ui = panel.Panel(x)
    box = ui.inputs["premium"]
    assert [value for _, value in box.options] == ["", "true", "false"] and box.value == ""
    assert box.options[0][0].startswith("auto") and box.options[1][0] == "yes"
    box.value = "true"  # a premium shop: fewer discount events
    assert x.last.ok and x.values["premium"] == "true"
    ui.save_button.click()
    assert "Saved 1 change" in ui.status.value
    saved = path.read_text(encoding="utf-8")
    assert "  premium: true\n" in saved and load_params(path).sections[playbook].premium is True
    box.value = ""  # back to auto: the key goes, the file is as it was
    ui.save_button.click()
    assert path.read_text(encoding="utf-8") == original


@pytest.mark.parametrize("text", [
    ("merchant:\n  budget: 3000\nfirst_event_bargaining:\n  share_via:\n    - wechat_group\n    - mini_program\n"
     "  stock: 300\n"),
    "merchant:\n  budget: 3000\nfirst_event_bargaining:\n  share_via:\n  - wechat_group\n  stock: 300\n",
    "merchant:\n    budget: 3000\nfirst_event_bargaining:\n    share_via:\n        - wechat_group\n    stock: 300\n",
])
def test_update_yaml_keeps_the_files_own_indentation(text):
    out = update_yaml(text, PB, {"stock": 400})
    assert out == text.replace("stock: 300", "stock: 400")
