"""A full batch succeeds with no network at all: in a fresh network namespace with only loopback."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys

from conftest import PARAMS, ROOT


def test_full_batch_runs_with_networking_blocked(tmp_path):
    assert shutil.which("unshare") and shutil.which("ip"), "needs util-linux unshare and iproute2 (root)"
    out = tmp_path / "out"
    run = shlex.join([sys.executable, "-m", "merchant_playbooks.cli", "run", str(PARAMS), "--out", str(out),
                      "-j", "2"])
    probe = shlex.join([sys.executable, "-c",
                        "import socket; socket.create_connection(('pypi.org', 443), timeout=3)"])
    # loopback up (kernels talk to papermill over 127.0.0.1), nothing else reachable
    script = f"ip link set lo up && ! {probe} 2>/dev/null && {run}"
    proc = subprocess.run(["unshare", "--net", "sh", "-c", script], capture_output=True, text=True,
                          timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["results"] and all(r["status"] == "ok" for r in summary["results"])
    for r in summary["results"]:
        html = (out / r["outputs"]["html"]).read_text(encoding="utf-8")
        assert "<svg" in html
