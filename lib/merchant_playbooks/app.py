"""`playbooks app PLAYBOOK --params FILE`: a playbook as a code-free page, for presenting to a merchant.

The params file is validated first (the messages of `playbooks validate`). The
playbook's notebook is copied into a temporary folder with the file's values
injected by papermill's own parameterizer — what `playbooks run` injects, with
`params_file` pointing at FILE so the panel's **Save to params** writes there — and
without the consultant's markdown notes; a first cell brings the handout's
stylesheet. Voilà runs it and shows outputs only: the cover, the live control panel
(Voilà's kernels count as interactive, see `panel.batch_run`), the plan's sections
and charts.

The page fetches nothing from the network: Voilà's lab template links Font Awesome
from a CDN although its own bundle carries the font, so the page uses a copy of that
template without the two links. A kernel whose page was closed is shut down after
`CULL_IDLE` seconds idle. SIGTERM and SIGHUP (a service manager's stop, a closed
terminal) stop the app like Ctrl-C: Voilà, which runs in its own process group, shuts
its kernels down, anything of it still alive is killed, and the temporary folder goes.
"""

from __future__ import annotations

import contextlib
import os
import signal
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


TEMPLATE = "playbooks-offline"
# A kernel with no page connected is shut down after this long idle, checked every CULL_INTERVAL seconds
# (jupyter-server's culling; PLAYBOOKS_APP_CULL="idle,interval" changes both, e.g. for tests).
CULL_IDLE, CULL_INTERVAL = 600, 60


def offline_template(folder: str | Path) -> Path:
    """A copy of Voilà's lab template without its CDN links, under `folder`; the Jupyter data dir to add."""
    import voila.paths  # noqa: F401 - fails early, with Voilà's own message, when it is not installed
    from jupyter_core.paths import jupyter_path

    lab = next(Path(d) / "lab" for d in jupyter_path("voila", "templates") if (Path(d) / "lab" / "index.html.j2").is_file())
    text = (lab / "index.html.j2").read_text(encoding="utf-8")
    kept = [ln for ln in text.splitlines(keepends=True) if not ("<link" in ln and "https://" in ln)]
    data = Path(folder) / "jupyter"
    target = data / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True)
    (target / "index.html.j2").write_text("".join(kept), encoding="utf-8")
    (target / "conf.json").write_text('{"base_template": "lab"}', encoding="utf-8")
    return data


def voila_command(notebook: Path, port: int = 8866, ip: str = "127.0.0.1", open_browser: bool = True) -> list[str]:
    idle, interval = CULL_IDLE, CULL_INTERVAL
    if os.environ.get("PLAYBOOKS_APP_CULL"):
        idle, interval = (int(x) for x in os.environ["PLAYBOOKS_APP_CULL"].split(","))
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={ip}",
           "--strip_sources=True", "--theme=light", f"--template={TEMPLATE}",
           f"--MappingKernelManager.cull_idle_timeout={idle}", f"--MappingKernelManager.cull_interval={interval}"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(playbook: str, params_file: str | Path, port: int = 8866, ip: str = "127.0.0.1",
          open_browser: bool = True) -> int:
    """Serve the page until interrupted (Ctrl-C, SIGTERM, SIGHUP); the exit code of Voilà (0 when stopped)."""
    with tempfile.TemporaryDirectory(prefix="playbooks-app-") as folder, _stop_signals_interrupt():
        notebook = app_notebook(playbook, params_file, folder)
        data = offline_template(folder)
        env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(filter(None, [str(data), os.environ.get("JUPYTER_PATH")]))}
        print(f"{playbook} for {Path(params_file)}: http://{ip}:{port}/  (Ctrl-C stops)", flush=True)
        proc = subprocess.Popen(voila_command(notebook, port, ip, open_browser), cwd=folder, env=env,
                                start_new_session=True)  # its own group: a terminal's Ctrl-C reaches us only
        try:
            return proc.wait()
        except KeyboardInterrupt:
            stop_voila(proc)
            return 0


@contextlib.contextmanager
def _stop_signals_interrupt():
    """SIGTERM and SIGHUP raise KeyboardInterrupt, as Ctrl-C does, so everything below unwinds and cleans up."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_voila(proc: subprocess.Popen, wait: float = 15) -> None:
    """Ask Voilà to stop (it shuts its kernels down), then kill whatever of it is left, kernels included."""
    family = _descendants(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    for pid in family | _descendants(proc.pid):  # kernels run in sessions of their own
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
