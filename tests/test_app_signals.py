"""`playbooks app` stopped by a service manager (SIGTERM) or a closed terminal (SIGHUP): Voilà and every
kernel it started are gone, and so is the app's temporary folder; idle kernels are culled; the page
links nothing outside localhost. A real app on a free port, real signals, real processes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import PARAMS, ROOT
from test_panel_browser import free_port, wait_listening


def _tree(pid: int) -> dict[int, str]:
    """pid -> command line of every process below `pid`."""
    from merchant_playbooks.app import _descendants

    found = {}
    for child in _descendants(pid):
        try:
            found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


def _kernels(pid: int) -> set[int]:
    return {p for p, cmd in _tree(pid).items() if "ipykernel" in cmd}


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _wait(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return check()


@pytest.fixture
def app(tmp_path):
    """Start `playbooks app` on a copy of Bloom's params; yield (proc, url, tmpdir, params, log)."""
    (tmp_path / "params").mkdir()
    params = tmp_path / "params" / "bloom-household.yaml"
    shutil.copy(PARAMS / "bloom-household.yaml", params)
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    port = free_port()
    log = tmp_path / "app.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "VOILA_"))}
    env.update(TMPDIR=str(tmpdir), PLAYBOOKS_APP_CULL="4,1")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "merchant_playbooks.cli", "app", "first_event_bargaining",
                                 "--params", str(params), "--port", str(port), "--no-browser"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env, start_new_session=True)
    try:
        wait_listening(port, proc, log)
        yield proc, f"http://127.0.0.1:{port}/", tmpdir, params, log
    finally:
        for pid in [proc.pid, *_tree(proc.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=10)


def test_sigterm_stops_voila_and_its_kernels_and_removes_the_temp_folder(app):
    proc, url, tmpdir, params, log = app
    before = params.read_bytes()
    # the app's own temp folder (Voilà may have made one of its own beside it)
    assert any(p.name.startswith("playbooks-app-") for p in tmpdir.iterdir()), list(tmpdir.iterdir())
    page = urllib.request.urlopen(url, timeout=240).read().decode()  # runs the notebook in a kernel
    assert "mp-cover" in page, log.read_text()[-2000:]
    # nothing on the page is fetched from another host (Voilà's lab template linked Font Awesome from a CDN)
    assert not re.findall(r'(?:href|src)="(?:https?:)?//', page)
    kernels = _kernels(proc.pid)
    assert kernels, _tree(proc.pid)
    # no browser is connected: the idle kernel is culled while the app keeps serving
    assert _wait(lambda: not any(_alive(k) for k in kernels), 60), log.read_text()[-2000:]
    assert proc.poll() is None
    urllib.request.urlopen(url, timeout=240).read()
    family = set(_tree(proc.pid))
    assert _kernels(proc.pid)
    os.kill(proc.pid, signal.SIGTERM)  # the app only, as a service manager's stop sends it
    assert proc.wait(timeout=60) == 0
    assert not [p for p in family if _alive(p)], {p: c for p, c in _tree(1).items() if p in family}
    assert list(tmpdir.iterdir()) == []  # the temporary folder (notebook, template copy) is gone
    assert params.read_bytes() == before


def test_sighup_stops_the_app_like_ctrl_c(app):
    proc, _url, tmpdir, _params, _log = app
    family = set(_tree(proc.pid))
    assert family  # Voilà
    os.kill(proc.pid, signal.SIGHUP)
    assert proc.wait(timeout=60) == 0
    assert not [p for p in family if _alive(p)]
    assert list(tmpdir.iterdir()) == []
