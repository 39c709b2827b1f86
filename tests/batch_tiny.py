"""Tiny stand-in notebooks and merchants for the batch tests (fast: no pandas, no charts).

The notebook is saved under a real playbook's name in a temporary notebook
folder (the runner takes `notebook_dir`); what it does depends on the
merchant id's first word: `ok-…` runs, `slow-…` sleeps a second, `raise-…`
raises, `die-…` kills its own kernel, `hang-…` sleeps past any timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from conftest import PARAMS, ROOT

PLAYBOOK = "first_event_bargaining"
SAMPLE = PARAMS / "bloom-household.yaml"
#: kernels import only this ahead (the real list is pandas, Altair, SciPy, the playbooks)
LIGHT_WARM = "json"

CELLS = [
    """import json, os, pathlib, time
assert "LEAK" not in globals(), "a name from another notebook is visible"
LEAK = merchant["id"]
mode = merchant["id"].split("-")[0]""",
    """if mode == "raise":
    raise ValueError("boom from " + merchant["id"])""",
    """if mode == "die":
    os.kill(os.getpid(), 9)""",
    """if mode == "hang":
    if os.environ.get("TINY_PID_DIR"):
        pid_file = pathlib.Path(os.environ["TINY_PID_DIR"], merchant["id"])
        pid_file.with_suffix(".tmp").write_text(str(os.getpid()))
        pid_file.with_suffix(".tmp").replace(pid_file)  # the test never reads it half written
    time.sleep(300)""",
    """if mode == "slow":
    time.sleep(1.0)""",
    """print("kernel pid", os.getpid())""",
    """from IPython.display import HTML
HTML("<p class='shop'>" + merchant["name"] + " · " + str(first_event_bargaining["stock"]) + "</p>")""",
    """if plan_out:
    plan = {"merchant": merchant, "section": first_event_bargaining}
    pathlib.Path(plan_out + ".plan.json").write_text(json.dumps(plan, sort_keys=True, default=str))
    pathlib.Path(plan_out + ".xlsx").write_bytes(b"not really a spreadsheet: " + merchant["id"].encode())
    pathlib.Path(plan_out + ".ics").write_bytes(b"not really a calendar: " + merchant["id"].encode())""",
]


def write_notebook(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        f'merchant = {{}}\n{PLAYBOOK} = {{}}\nplaybooks = []\nparams_file = ""\nplan_out = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# tiny"), params, *[nbformat.v4.new_code_cell(c) for c in CELLS]]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{PLAYBOOK}.ipynb"
    nbformat.write(nb, str(path))
    return path


def write_merchants(folder: Path, ids: list[str]) -> list[Path]:
    """One valid params file per id (the sample merchant's sections, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    paths = []
    for i, mid in enumerate(ids):
        data = json.loads(json.dumps(base, default=str))
        data["merchant"].update(name=f"Shop {mid}", id=mid)
        data["playbooks"] = [PLAYBOOK]
        data[PLAYBOOK]["stock"] = 100 + i
        path = folder / f"{mid}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def light_env() -> dict[str, str]:
    return {**os.environ, "PLAYBOOKS_WARM": LIGHT_WARM}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`playbooks ...` as a child process (its own stdout/stderr pipes), with light warm kernels."""
    return subprocess.Popen([sys.executable, "-m", "merchant_playbooks.cli", *args], cwd=ROOT,
                            env=env or light_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def comparable(out: Path) -> dict[str, object]:
    """Every finished output, in a form that is equal between two runs that did the same work."""
    found: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if not path.is_file() or rel in ("summary.json", "index.html"):
            continue
        if path.suffix == ".ipynb":
            nb = nbformat.read(str(path), as_version=4)
            found[rel] = [(c.source if "injected-parameters" not in c.metadata.get("tags", []) else "",
                           [o for o in c.get("outputs", []) if "kernel pid" not in str(o.get("text", ""))])
                          for c in nb.cells]
        else:
            found[rel] = path.read_bytes()
    return found
