"""`playbooks app PLAYBOOK --params FILE`: a playbook as a code-free page, for presenting to a merchant.

The params file is validated first (the messages of `playbooks validate`). The
playbook's notebook is copied into a temporary folder with the file's values
injected by papermill's own parameterizer — what `playbooks run` injects, with
`params_file` pointing at FILE so the panel's **Save to params** writes there — and
without the consultant's markdown notes; a first cell brings the handout's
stylesheet. Voilà runs it and shows outputs only: the cover, the live control panel
(Voilà's kernels count as interactive, see `panel.batch_run`), the plan's sections
and charts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from . import registry
from .errors import ParamsError, Problem, UserError

STYLE_CELL = "from merchant_playbooks.app import page_style\npage_style()"


def page_style():
    """The handout's stylesheet for the app page (print rules dropped): the cover and sections look alike."""
    from IPython.display import HTML

    css = (Path(__file__).parent / "templates" / "handout" / "handout.css").read_text(encoding="utf-8")
    screen = css.split("@page", 1)[0]  # everything before the print rules
    return HTML(f"<style>{screen}\nbody {{ background: #fff; }}</style>")


def app_notebook(playbook: str, params_file: str | Path, folder: str | Path) -> Path:
    """Write the page's notebook into `folder`: the playbook's code cells with FILE's values injected."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from .loading import display_path, load_params

    path = Path(params_file)
    mp = load_params(path)
    if playbook not in mp.sections:
        raise ParamsError(display_path(path), [Problem(playbook, "is missing: the app shows this playbook's plan, "
                                                                "so the file needs its section")])
    notebook = registry.notebook(playbook)
    if not notebook.is_file():
        raise UserError(f"{playbook}: no notebook at {notebook}")
    nb = load_notebook_node(str(notebook))  # as papermill reads it (every cell gets its tags list)
    parameters = {"merchant": mp.raw["merchant"], "playbooks": [playbook], playbook: mp.raw.get(playbook) or {},
                  "params_file": str(path.resolve()), "plan_out": ""}
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]  # markdown cells are the consultant's notes
    nb.cells.insert(0, nbformat.v4.new_code_cell(STYLE_CELL, id="mp-app-style"))
    out = Path(folder) / notebook.name
    nbformat.write(nb, out)
    return out


def voila_command(notebook: Path, port: int = 8866, ip: str = "127.0.0.1", open_browser: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={ip}",
           "--strip_sources=True", "--theme=light"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(playbook: str, params_file: str | Path, port: int = 8866, ip: str = "127.0.0.1",
          open_browser: bool = True) -> int:
    """Serve the page until interrupted; the exit code of Voilà (0 after Ctrl-C)."""
    with tempfile.TemporaryDirectory(prefix="playbooks-app-") as folder:
        notebook = app_notebook(playbook, params_file, folder)
        print(f"{playbook} for {Path(params_file)}: http://{ip}:{port}/  (Ctrl-C stops)", flush=True)
        proc = subprocess.Popen(voila_command(notebook, port, ip, open_browser), cwd=folder)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            return 0
