"""`playbooks run` at scale: parallel, resumable, fault-isolated, a fresh namespace per notebook.

Uses tiny stand-in notebooks (see batch_tiny.py) so each batch takes seconds;
tests/test_cli.py runs the real notebook through the same path.
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
from pathlib import Path

import nbformat
import pytest
from batch_tiny import PLAYBOOK, cli, comparable, write_merchants, write_notebook
from merchant_playbooks.batch import BatchOptions, Progress, run_batch
from merchant_playbooks.runner import Result

BROKEN = """merchant:
  name: Broken Shop
  fans: lots
playbooks: [first_event_bargaining]
"""


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _leftovers(out: Path) -> list[str]:
    """Half-written files or staging folders: there must never be any after a run ends."""
    return [str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".staging"]


def _kernel_pids(out: Path) -> list[int]:
    pids = []
    for path in out.glob(f"*/{PLAYBOOK}.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            for o in cell.get("outputs", []):
                if "kernel pid" in o.get("text", ""):
                    pids.append(int(o["text"].split()[-1]))
    return pids


def test_a_raise_a_dead_kernel_and_a_timeout_are_isolated(tmp_path):
    nb_dir = tmp_path / "nb"
    write_notebook(nb_dir)
    params = tmp_path / "params"
    write_merchants(params, ["ok-a", "raise-b", "die-c", "hang-d", "ok-e"])
    (params / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    proc = cli("run", str(params), "--out", str(out), "--notebook-dir", str(nb_dir), "-j", "2", "--timeout", "3")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stdout + stderr
    assert time.monotonic() - started < 60  # the hang did not hold up the batch past its timeout
    results = {r["slug"] or Path(r["params_file"]).stem: r for r in _summary(out)["results"]}
    assert {k: r["status"] for k, r in results.items()} == {
        "ok-a": "ok", "ok-e": "ok", "raise-b": "failed", "die-c": "failed", "hang-d": "failed", "broken": "failed"}
    for slug in ("ok-a", "ok-e"):  # the others completed, every file in place
        assert sorted(p.name for p in (out / slug).iterdir() if not p.name.startswith(".")) == [
            f"{PLAYBOOK}.html", f"{PLAYBOOK}.ics", f"{PLAYBOOK}.ipynb", f"{PLAYBOOK}.plan.json", f"{PLAYBOOK}.xlsx"]
    raised, died, hung = results["raise-b"], results["die-c"], results["hang-d"]
    assert "ValueError: boom from raise-b" in raised["error"]
    assert raised["failing_source"] == 'if mode == "raise":'
    assert raised["error"].startswith(f"cell {raised['failing_cell']}: ")
    assert "kernel died" in died["error"] and died["failing_source"] == 'if mode == "die":'
    assert "timed out" in hung["error"] and "--timeout 3" in hung["error"]
    assert hung["failing_source"] == 'if mode == "hang":'
    for slug in ("raise-b", "die-c", "hang-d"):  # the failing notebook is kept for the consultant, no handout
        assert (out / slug / f"{PLAYBOOK}.failed.ipynb").is_file()
        assert results[slug]["outputs"] == {"notebook": f"{slug}/{PLAYBOOK}.failed.ipynb"}
        assert not (out / slug / f"{PLAYBOOK}.html").exists()
    assert "merchant.fans = 'lots' must be a whole number" in results["broken"]["error"]
    assert "[5/5]" in stdout  # plain one line per notebook when not on a terminal
    assert _summary(out)["finished"] is True and not _leftovers(out)


def test_interrupt_then_resume_gives_the_same_outputs_as_one_clean_run(tmp_path):
    nb_dir = tmp_path / "nb"
    write_notebook(nb_dir)
    params = tmp_path / "params"
    write_merchants(params, [f"slow-{i}" for i in range(6)])
    clean, out = tmp_path / "clean", tmp_path / "out"
    args = ["--notebook-dir", str(nb_dir), "-j", "2"]
    assert cli("run", str(params), "--out", str(clean), *args).wait(timeout=120) == 0

    proc = cli("run", str(params), "--out", str(out), *args)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # stop it once two notebooks are done, mid-batch
        try:
            if _summary(out)["counts"]["ok"] >= 2:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "interrupted" in stderr
    summary = _summary(out)
    finished = [r for r in summary["results"] if r["status"] == "ok"]
    assert summary["finished"] is False and 2 <= len(finished) < 6
    assert not _leftovers(out)
    for r in finished:  # what the summary says finished is whole
        for rel in r["outputs"].values():
            assert (out / rel).is_file(), rel
        assert (out / r["outputs"]["html"]).read_text(encoding="utf-8").rstrip().endswith("</html>")
        nbformat.read(str(out / r["outputs"]["notebook"]), as_version=4)
    done_before = {r["slug"] for r in finished}
    on_disk = {p.parent.name for p in out.glob(f"*/{PLAYBOOK}.html")}
    assert on_disk == done_before  # nothing unlisted, nothing half there

    resume = cli("run", str(params), "--out", str(out), *args)
    stdout, stderr = resume.communicate(timeout=120)
    assert resume.returncode == 0, stdout + stderr
    summary = _summary(out)
    assert {r["slug"] for r in summary["results"] if r["status"] == "skipped"} == done_before
    assert summary["counts"] == {"ok": 6 - len(done_before), "failed": 0, "skipped": len(done_before)}
    assert summary["finished"] is True
    assert comparable(out) == comparable(clean)


def test_sigterm_stops_the_batch_and_its_kernels(tmp_path):
    nb_dir = tmp_path / "nb"
    write_notebook(nb_dir)
    params = tmp_path / "params"
    write_merchants(params, ["ok-a", "hang-b"])
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    out = tmp_path / "out"
    proc = cli("run", str(params), "--out", str(out), "--notebook-dir", str(nb_dir), "-j", "2",
               env={**os.environ, "PLAYBOOKS_WARM": "json", "TINY_PID_DIR": str(pid_dir)})
    deadline = time.monotonic() + 60
    while not (pid_dir / "hang-b").is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    kernel = int((pid_dir / "hang-b").read_text())
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert not _leftovers(out) and _summary(out)["finished"] is False
    assert not (out / "hang-b" / f"{PLAYBOOK}.html").exists()
    for _ in range(100):  # the hanging notebook's kernel was stopped with the batch
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"kernel {kernel} still running after the batch stopped")


def test_skip_force_and_a_fresh_namespace_for_every_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYBOOKS_WARM", "json")
    nb_dir = tmp_path / "nb"
    write_notebook(nb_dir)
    params = tmp_path / "params"
    paths = write_merchants(params, ["ok-a", "ok-b", "ok-c", "ok-d"])
    out = tmp_path / "out"
    opts = BatchOptions(out=out, workers=2, notebook_dir=nb_dir, progress=False)
    lines: list[str] = []

    first = run_batch([params], opts, log=lines.append)
    # each notebook's first cell asserts that no name of an earlier notebook (`LEAK`) is visible
    assert [r.status for r in first] == ["ok"] * 4, [r.error for r in first]
    pids = _kernel_pids(out)
    assert len(pids) == 4 and len(set(pids)) <= 3  # a warm kernel served more than one notebook
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob(f"{PLAYBOOK}.*")}

    again = run_batch([params], opts, log=lines.append)
    assert [r.status for r in again] == ["skipped"] * 4
    assert {p: p.stat().st_mtime_ns for p in out.rglob(f"{PLAYBOOK}.*")} == stamp
    assert "skipped ok-a/first_event_bargaining (up to date)" in lines

    paths[1].write_text(paths[1].read_text(encoding="utf-8").replace("stock: 101", "stock: 999"), encoding="utf-8")
    changed = run_batch([params], opts, log=lines.append)
    assert {r.slug: r.status for r in changed} == {"ok-a": "skipped", "ok-b": "ok", "ok-c": "skipped",
                                                   "ok-d": "skipped"}
    assert json.loads((out / "ok-b" / f"{PLAYBOOK}.plan.json").read_text())["section"]["stock"] == 999

    forced = run_batch([params], BatchOptions(out=out, workers=2, notebook_dir=nb_dir, progress=False,
                                              force=True, kernel_reuse=1), log=lines.append)
    assert [r.status for r in forced] == ["ok"] * 4
    assert _summary(out)["counts"] == {"ok": 4, "failed": 0, "skipped": 0}
    pids = _kernel_pids(out)
    assert len(pids) == 4 and len(set(pids)) == 4  # kernel_reuse=1: no kernel served two notebooks


def test_progress_bar_shows_done_failures_elapsed_and_eta(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    bar = Progress(3, log=lambda s: None, bar=True)
    bar.update(Result("A", "a", PLAYBOOK, "ok", 1.0))
    bar.update(Result("B", "b", PLAYBOOK, "failed", 1.0, error="cell 3: ValueError: boom"))
    bar.bar.refresh()
    text = err.getvalue()
    bar.close()
    assert "failed  b/first_event_bargaining (1.0s): cell 3: ValueError: boom" in text
    assert "playbooks: 2/3" in text and "1 failed" in text and "elapsed" in text and "left" in text


def test_plain_progress_is_one_line_per_notebook():
    lines: list[str] = []
    plain = Progress(2, log=lines.append, bar=False)
    plain.update(Result("A", "a", PLAYBOOK, "ok", 1.25))
    plain.update(Result("B", "b", PLAYBOOK, "failed", 0.5, error="timed out"))
    assert lines == ["[1/2] ok      a/first_event_bargaining (1.2s)",
                     "[2/2] failed  b/first_event_bargaining (0.5s): timed out"]
