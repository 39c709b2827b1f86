"""The output folder is shared and sometimes hostile (issue 24): symlinks in it are never followed out,
a merchant folder belongs to the params file that wrote it, runs merge into the portfolio, files the
project did not write are left alone, concurrent runs wait their turn, and a full disk leaves nothing
half-written. Tiny stand-in notebooks (batch_tiny) keep each run to seconds."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import nbformat
import pytest
from batch_tiny import LIGHT_WARM, PLAYBOOK, write_merchants, write_notebook
from merchant_playbooks import outputs, runner
from merchant_playbooks.batch import BatchOptions, run_batch
from merchant_playbooks.cli import main
from merchant_playbooks.outfolder import LOCK, clean_staging


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every path under `folder` with its bytes (or its link target): equal means nothing changed."""
    found: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        found[rel] = f"-> {os.readlink(p)}" if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
    return found


def _half_written(out: Path) -> list[str]:
    bad = [str(p.relative_to(out)) for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".staging"]
    bad += [str(p.relative_to(out)) for p in out.rglob("*.ipynb") if not outputs.is_whole_notebook(p)]
    return bad


def _summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def _opts(out: Path, nb_dir: Path, **kw) -> BatchOptions:
    return BatchOptions(out=out, workers=1, notebook_dir=nb_dir, progress=False, warm_modules=[LIGHT_WARM], **kw)


def _raising_notebook(folder: Path) -> Path:
    path = write_notebook(folder)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('raise RuntimeError("the data changed")'))
    nbformat.write(nb, str(path))
    return path


# ---------------------------------------------------------------- symlinks


def test_a_symlinked_staging_folder_or_merchant_folder_is_never_followed_out_of_out(tmp_path):
    nb_dir, out, elsewhere = tmp_path / "nb", tmp_path / "out", tmp_path / "tmpfs"
    write_notebook(nb_dir)
    params = write_merchants(tmp_path / "params", ["ok-a", "ok-b"])
    # someone stages on a tmpfs: its folders look like a dead run's staging, one holds real work
    (elsewhere / f"ok-a.{PLAYBOOK}.999999.deadbeef").mkdir(parents=True)
    (elsewhere / f"ok-a.{PLAYBOOK}.999999.deadbeef" / "keep.txt").write_text("someone's work")
    (elsewhere / "ok-b").mkdir()
    out.mkdir()
    (out / ".staging").symlink_to(elsewhere, target_is_directory=True)
    (out / "ok-b").symlink_to(elsewhere / "ok-b", target_is_directory=True)
    before = _snapshot(elsewhere)
    lines: list[str] = []
    results = {r.slug: r for r in run_batch(params, _opts(out, nb_dir), log=lines.append)}
    assert _snapshot(elsewhere) == before  # nothing outside --out changed, nothing deleted
    assert results["ok-a"].status == "ok" and (out / "ok-a" / f"{PLAYBOOK}.html").is_file()
    assert results["ok-b"].status == "failed"
    assert "is a symbolic link; outputs are never written through one" in results["ok-b"].error
    assert any("was a link or a file; removed it (a link's target is untouched)" in ln for ln in lines)
    assert not (out / ".staging").exists() and _half_written(out) == []


def test_cleanup_unlinks_a_link_inside_staging_and_keeps_live_runs(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (elsewhere / "work").mkdir(parents=True)
    (elsewhere / "work" / "f.txt").write_text("x")
    staging = out / ".staging"
    staging.mkdir(parents=True)
    (staging / "m.p.999999.aa").symlink_to(elsewhere / "work", target_is_directory=True)
    (staging / "m.p.999998.bb").mkdir()
    (staging / f"m.p.{os.getpid()}.cc").mkdir()  # a live run's: kept
    before = _snapshot(elsewhere)
    clean_staging(out, alive=lambda pid: pid == os.getpid())
    assert _snapshot(elsewhere) == before
    assert sorted(p.name for p in staging.iterdir()) == [f"m.p.{os.getpid()}.cc"]


# ---------------------------------------------------------------- ownership, merging, stale, foreign, lock


def test_ownership_merging_stale_handouts_and_one_run_at_a_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files are named relative to the working folder
    nb_dir, out = tmp_path / "nb", tmp_path / "out"
    write_notebook(nb_dir)
    a, b = write_merchants(tmp_path / "params", ["ok-a", "ok-b"])
    out.mkdir()
    # a second run into the same folder waits for the first (here: the test holds the lock)
    holder = os.open(out / LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    os.write(holder, b"4242")
    lines: list[str] = []
    done: list = []
    worker = threading.Thread(target=lambda: done.append(run_batch([a, b], _opts(out, nb_dir), log=lines.append)))
    worker.start()
    time.sleep(2)
    assert worker.is_alive() and not (out / "summary.json").exists()
    assert lines[0].startswith(f"waiting: another playbooks run (pid 4242) is writing to {out}")
    os.close(holder)
    worker.join(120)
    assert [r.status for r in done[0]] == ["ok", "ok"]

    # a copy of a's file that kept its id: refused, naming both files; a's handouts untouched
    c = a.with_name("copy-of-a.yaml")
    shutil.copy(a, c)
    a_files = _snapshot(out / "ok-a")
    results = run_batch([c], _opts(out, nb_dir), log=lines.append)
    assert [r.status for r in results] == ["failed"]
    assert results[0].error == ("params/copy-of-a.yaml: merchant.id = 'ok-a' would overwrite out/ok-a/, which "
                                "params/ok-a.yaml wrote; give each merchant its own id (or remove out/ok-a/ to "
                                "hand the folder over)")
    assert _snapshot(out / "ok-a") == a_files
    listed = {(r["slug"], r["playbook"]): r for r in _summary(out)["results"]}
    assert {k for k in listed if k[0]} == {("ok-a", PLAYBOOK), ("ok-b", PLAYBOOK)}  # merged, not replaced

    # a run of one merchant keeps the other listed, with when it last ran
    ran_b = listed[("ok-b", PLAYBOOK)]["ran"]
    run_batch([a], _opts(out, nb_dir, force=True), log=lines.append)
    listed = {(r["slug"], r["playbook"]): r for r in _summary(out)["results"]}
    assert listed[("ok-b", PLAYBOOK)]["ran"] == ran_b and listed[("ok-b", PLAYBOOK)]["status"] == "ok"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Shop ok-a" in index and "Shop ok-b" in index and f"ran {ran_b.replace('T', ' ')[:16]}" in index

    # a failed re-run: the old handout stays and is marked stale in the index and the summary
    good = (out / "ok-a" / f"{PLAYBOOK}.html").read_bytes()
    _raising_notebook(tmp_path / "nb2")
    results = run_batch([a], _opts(out, tmp_path / "nb2"), log=lines.append)
    assert [r.status for r in results] == ["failed"]
    record = {(r["slug"], r["playbook"]): r for r in _summary(out)["results"]}[("ok-a", PLAYBOOK)]
    assert record["stale"]["html"] == f"ok-a/{PLAYBOOK}.html" and record["last_ok"]
    assert (out / "ok-a" / f"{PLAYBOOK}.html").read_bytes() == good
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'data-stale' in index and '<span class="badge stale">stale</span>' in index
    assert f'<a href="ok-a/{PLAYBOOK}.html">old handout</a>' in index
    assert _half_written(out) == [] and not (out / LOCK).read_bytes()


def test_an_index_or_summary_the_project_did_not_write_is_never_overwritten(tmp_path, capsys):
    params = write_merchants(tmp_path / "params", ["ok-a"])
    for name, text in (("index.html", "<html><title>Our docs site</title></html>"), ("summary.json", '{"a": 1}')):
        docs = tmp_path / f"docs-{name}"
        docs.mkdir()
        (docs / name).write_text(text)
        before = _snapshot(docs)
        assert main(["run", str(params[0]), "--out", str(docs), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert f"playbooks: error: {docs / name}: was not written by playbooks, so it is not overwritten" in err
        assert _snapshot(docs) == before  # not even a lock file


# ---------------------------------------------------------------- a full disk


def _job(tmp_path: Path, slug: str = "shop") -> runner.Job:
    return runner.Job(params_path=str(tmp_path / "p.yaml"), source="p.yaml", slug=slug, merchant="Shop",
                      playbook=PLAYBOOK, raw={}, lang="en", title="t", fingerprint="f")


def test_a_notebook_cut_short_by_a_full_disk_is_never_installed_or_listed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    job = _job(tmp_path)
    staging = runner.new_staging(out, job)
    whole = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1" + " " * 200_000)])
    text = nbformat.writes(whole)
    (staging / f"{PLAYBOOK}.ipynb").write_text(text[:131_072])  # what a full disk left of papermill's write
    failed = runner.Result("Shop", "shop", PLAYBOOK, "failed", error="could not write outputs: No space left on device")
    result = runner.install(job, failed, staging, out)
    assert result.outputs == {} and "could not be saved whole" in result.error
    assert not (out / "shop" / f"{PLAYBOOK}.failed.ipynb").exists()
    # an "ok" run whose notebook is cut short installs nothing either
    for kind, suffix in runner.SUFFIXES.items():
        (staging / f"{PLAYBOOK}{suffix}").write_text(text[:1000] if kind == "notebook" else "x")
    ok = runner.install(job, runner.Result("Shop", "shop", PLAYBOOK, "ok"), staging, out)
    assert ok.status == "failed" and ok.outputs == {}
    assert [p.name for p in (out / "shop").iterdir()] == [".owner.json"]


def test_a_write_error_while_flushing_moves_nothing_into_place(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    job = _job(tmp_path)
    staging = runner.new_staging(out, job)
    (staging / f"{PLAYBOOK}.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    for kind, suffix in runner.SUFFIXES.items():
        if kind != "notebook":
            (staging / f"{PLAYBOOK}{suffix}").write_text("x")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    result = runner.install(job, runner.Result("Shop", "shop", PLAYBOOK, "ok"), staging, out)
    assert (result.status, result.error) == ("failed", "could not write outputs: No space left on device")
    assert not [p for p in (out / "shop").iterdir() if p.name.startswith(PLAYBOOK)]


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (a real full disk), or None where mounting is not allowed."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        yield None
        return
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_real_full_disk_leaves_no_truncated_notebook(tmp_path, small_disk):
    if small_disk is None:
        pytest.skip("mounting a small tmpfs needs root; the injected write errors above cover the same code")
    nb_dir = tmp_path / "nb"
    path = write_notebook(nb_dir)
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('print("x" * 400_000)\nraise ValueError("boom")'))
    nbformat.write(nb, str(path))
    params = write_merchants(tmp_path / "params", ["raise-a"])
    out = small_disk / "out"
    out.mkdir()
    (small_disk / "filler").write_bytes(b"\0" * (1024 * 1024 - 64 * 1024))  # ~64 KB left: the notebook is 400
    before = _snapshot(tmp_path / "params")
    try:
        results = run_batch(params, _opts(out, nb_dir), log=lambda s: None)
    except OSError as exc:  # the summary itself could not be written: reported by the CLI
        assert exc.errno == errno.ENOSPC
        results = []
    assert _half_written(out) == []
    assert not (out / "raise-a" / f"{PLAYBOOK}.failed.ipynb").exists()
    for r in results:
        assert "notebook" not in r.outputs
    if (out / "summary.json").exists():
        assert all("notebook" not in r["outputs"] for r in _summary(out)["results"])
    assert _snapshot(tmp_path / "params") == before


# ---------------------------------------------------------------- adding a client


def test_playbooks_new_writes_a_fresh_file_with_its_own_id_that_never_clashes(tmp_path, monkeypatch, capsys):
    from conftest import PARAMS, SAMPLES

    monkeypatch.chdir(tmp_path)
    (tmp_path / "params").mkdir()
    shutil.copytree(SAMPLES, tmp_path / "data" / "samples")
    shutil.copy(PARAMS / "bloom-household.yaml", tmp_path / "params")
    sample = tmp_path / "params" / "bloom-household.yaml"
    before = sample.read_bytes()
    assert main(["new", "Bloom Household Goods", "--from", "params/bloom-household.yaml"]) == 0
    assert main(["new", "Bloom Household Goods", "--from", "params/bloom-household.yaml"]) == 0
    assert main(["new", "Rose Café", "--playbook", "first_event_bargaining"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("params/bloom-household-goods.yaml: new params for Bloom Household Goods; fill it in, then: "
                      "playbooks validate params/bloom-household-goods.yaml")
    assert out[1].startswith("params/bloom-household-goods-2.yaml:")  # the second one gets an id of its own
    assert sample.read_bytes() == before
    copy = (tmp_path / "params" / "bloom-household-goods.yaml").read_text(encoding="utf-8")
    assert "  id: bloom-household-goods\n" in copy and "  name: Bloom Household Goods\n" in copy
    start = next(line for line in before.decode("utf-8").splitlines(keepends=True) if line.startswith("  start_date:"))
    assert start in copy and "# " in copy  # values, dates and comments as in the sample
    # validate: the copy is fine and its folder is its own; the fresh one lists what it still needs
    assert main(["validate", "params/bloom-household-goods.yaml"]) == 0
    capsys.readouterr()  # the sample's platform-rule warnings
    assert main(["validate", "params/rose-caf.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"params/rose-caf.yaml:19: first_event_bargaining.{key} is required"
        for key in ("start_date", "original_price", "floor_price", "stock")]
    fresh = (tmp_path / "params" / "rose-caf.yaml").read_text(encoding="utf-8")
    assert '  name: "Rose Café"\n  id: rose-caf\n' in fresh
    assert "  # duration_days: 15  # days the event runs" in fresh
