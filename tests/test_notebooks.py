"""Notebooks are thin, stored without outputs, and run under plain papermill with a sample's params."""

from __future__ import annotations

import ast
import subprocess
import sys

import nbformat
import pytest
import yaml
from conftest import PARAMS, PLAYBOOKS

NOTEBOOKS = sorted(PLAYBOOKS.glob("*.ipynb"))


def _sample_for(notebook) -> str | None:
    for path in sorted(PARAMS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if notebook.stem in (data.get("playbooks") or []):
            return str(path)
    return None


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_of_literals(notebook):
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign | ast.Assign), ast.dump(node)[:80]
        ast.literal_eval(node.value)  # literals only: nothing computed in the parameters cell
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
        names.add(target.id)
    assert {"merchant", notebook.stem, "params_file", "plan_out"} <= names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_thin(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.If | ast.For | ast.While | ast.Lambda), (
                f"logic in a notebook cell: {cell.source[:80]}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_plain_papermill_runs_with_a_sample_params_file(notebook, tmp_path):
    sample = _sample_for(notebook)
    assert sample, f"no sample merchant in params/ lists {notebook.stem}"
    out = tmp_path / "out.ipynb"
    proc = subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(out), "-f", sample,
                           "--no-progress-bar"], capture_output=True, text=True, timeout=300,
                          cwd=PLAYBOOKS.parent)
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    merchant = yaml.safe_load(open(sample, encoding="utf-8"))["merchant"]["name"]
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    import html

    assert html.escape(merchant) in shown
