"""The seam, proved: a fifth playbook as one folder, registered only through its `PLAYBOOK`.

`tests/fixtures/tasting_day/` is the whole playbook (declaration, params schema, figures,
words, chart, panel, its two catalogues, its notebook and a sample params file). Nothing
else in the repository names it. It is registered two ways, neither editing a file:

* copied into a temporary copy of the `merchant_playbooks` package (found by `pkgutil`), for
  the command line: `playbooks validate` and one real `playbooks run` (handout, plan.json, xlsx);
* installed beside the project as its own package (an entry point in the
  `merchant_playbooks.playbooks` group), in this process: the plan through `spine.assemble`,
  the kernels' preloads, the panel spec and the docs generator.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "tasting_day"
NAME = "tasting_day"
#: exactly the files a new playbook needs (the closing note lists these)
FILES = ("__init__.py", "schema.py", "figures.py", "words.py", "charts.py", "panel.py", "messages/en.yaml",
         "messages/zh.yaml", "tasting_day.ipynb", "sample.yaml")


def _copy(dest: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, dest, ignore=shutil.ignore_patterns("__pycache__")))


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """A temporary copy of the library with the fifth playbook's folder dropped into its package."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "lib" / "merchant_playbooks", root / "lib" / "merchant_playbooks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    _copy(root / "lib" / "merchant_playbooks" / NAME)
    (root / "playbooks").mkdir()  # the batch starts its kernels ahead in the project's notebook folder
    return root


def _cli(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(root / "lib"), **env}
    return subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", *args], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The folder as an installed package of its own, with its entry point; removed afterwards."""
    from merchant_playbooks import i18n, registry

    site = tmp_path_factory.mktemp("site")
    _copy(site / NAME)
    info = site / "tasting_day-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tasting-day\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[merchant_playbooks.playbooks]\n{NAME} = {NAME}\n")
    sys.path.insert(0, str(site))
    registry.refresh()
    yield site
    sys.path.remove(str(site))
    for module in [m for m in sys.modules if m == NAME or m.startswith(f"{NAME}.")]:
        del sys.modules[module]
    i18n.OWN_MESSAGES.pop(NAME, None)
    i18n.catalogue.cache_clear()
    registry.refresh()


@pytest.fixture(scope="module")
def sample(installed):
    from merchant_playbooks.loading import load_params

    return load_params(installed / NAME / "sample.yaml")


def test_the_folder_is_the_whole_playbook_and_nothing_else_names_it():
    assert sorted(str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts) == sorted(FILES)
    named = [p for p in (ROOT / "lib").rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".j2", ".ipynb")
             and NAME in p.read_text(encoding="utf-8", errors="replace")]
    assert not named, f"the library names the fifth playbook: {named}"


def test_it_is_declared_in_stage_order_and_diagnosis_keeps_the_first_playbook_of_its_stage(installed):
    from merchant_playbooks import registry

    names = registry.names()
    assert NAME in names and registry.get(NAME).stage == "few_fans"
    assert names.index("first_event_bargaining") < names.index(NAME) < names.index("rapid_growth_cadence")
    assert registry.for_stage("few_fans") == "first_event_bargaining"
    assert registry.notebook(NAME) == installed / NAME / "tasting_day.ipynb"
    assert registry.title(NAME, "zh") == "试吃日"


def test_its_plan_goes_through_the_spine(sample):
    from merchant_playbooks import registry
    from merchant_playbooks.spine import assemble

    params = sample.for_playbook(NAME)
    playbook = registry.get(NAME)
    words = playbook.words(playbook.figures(params), params)
    plan = registry.build_plan(NAME, params)
    assert "compliance" not in words.sections and "compliance" in plan.sections  # the spine adds it, once
    assert plan.to_dict() == assemble(playbook, params).to_dict()
    forbidden = [r for r in plan.data["compliance"] if r["status"] == "forbidden"]
    assert [(r["mechanic"], r["channel"]) for r in forbidden] == [("friend_assistance", "external_link")]
    assert plan.kpis["buyers"].label == "Buyers" and plan.title == "Tasting day: Walnut sourdough"


def test_kernels_preload_its_modules(installed):
    from merchant_playbooks.kernels import import_quietly, warm_modules

    mods = [m for m in warm_modules() if m.startswith(f"{NAME}.")]
    assert mods == [f"{NAME}.schema", f"{NAME}.figures", f"{NAME}.words", f"{NAME}.charts"]
    assert import_quietly(mods) == []


def test_the_panel_spec_resolves_and_a_lever_moves_the_plan(sample, installed):
    from merchant_playbooks import i18n, registry
    from merchant_playbooks.panel import Explorer, resolve

    spec = registry.get(NAME).panel()
    for lever in spec.levers:
        resolve(lever, registry.section_model(NAME))
        assert all(i18n.has(f"{NAME}.panel.{lever.path}", lang) for lang in ("en", "zh")), lever.path
    x = Explorer(sample.for_playbook(NAME), spec, installed / NAME / "sample.yaml")
    before = x.update().plan.kpis["revenue"].band.p50
    after = x.set("price", 35).plan.kpis["revenue"].band.p50
    assert after > before and x.last.chart_spec["mark"]["type"] == "bar"


def test_the_docs_generator_documents_it(installed):
    from merchant_playbooks import docs

    reference = docs.reference()
    assert "### `tasting_day:`" in reference and "| `visitors_per_day` |" in reference
    panels = docs.panels_reference()
    assert "| `tasting_day` |" in panels and "Price (`price`)" in panels


def test_playbooks_validate_finds_it_and_warns_from_its_declaration(repo_copy):
    sample = repo_copy / "lib" / "merchant_playbooks" / NAME / "sample.yaml"
    done = _cli(repo_copy, "validate", str(sample))
    assert done.returncode == 0, done.stderr
    assert "ok (Little Oven Bakery: tasting_day)" in done.stdout
    assert "warning: " in done.stderr and "tasting_day: Forbidden: Friend assistance" in done.stderr
    assert "Rule: WeChat external-link content rules" in done.stderr  # the rule it breaks, from the rules table


def test_playbooks_run_writes_its_handout_plan_json_and_xlsx(repo_copy):
    """One real papermill run of its own notebook, in the copy; plan.json is what the handout shows."""
    sample = repo_copy / "lib" / "merchant_playbooks" / NAME / "sample.yaml"
    out = repo_copy / "out"
    done = _cli(repo_copy, "run", str(sample), "--out", str(out), "--playbook", NAME, "-j", "1",
                PLAYBOOKS_WARM="json")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = out / "little-oven"
    plan = json.loads((folder / "tasting_day.plan.json").read_text(encoding="utf-8"))
    assert plan["playbook"] == NAME and set(plan["headline"]) == {"buyers", "revenue", "profit"}
    assert plan["tables"]["days"][0]["profit_positive"] is True
    html = (folder / "tasting_day.html").read_text(encoding="utf-8")
    assert "Tasting day: Walnut sourdough" in html and "Free tasting while samples last." in html
    assert f"{plan['kpis']['buyers']['p50']:.0f}" in html
    import openpyxl

    book = openpyxl.load_workbook(folder / "tasting_day.xlsx", read_only=True)
    sheet = book["Forecast"]  # the section that shows the table, headed with its labels
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == ["Day", "Tasters", "Buyers", "Profitable?"]
    assert (folder / "tasting_day.ics").is_file()
    assert "Tasting day" in (out / "index.html").read_text(encoding="utf-8")
