"""`playbooks run --executor dask`: same outputs as the local executor, against a real LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

from batch_tiny import PLAYBOOK, comparable, write_merchants, write_notebook
from merchant_playbooks.batch import BatchOptions, run_batch
from merchant_playbooks.executors import Inputs, _materialize, collect_inputs
from merchant_playbooks.runner import Job


def test_dask_executor_writes_the_same_outputs_as_the_local_one(tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setenv("PLAYBOOKS_WARM", "json")  # the workers inherit it: light kernels
    nb_dir = tmp_path / "nb"
    write_notebook(nb_dir)
    params = tmp_path / "params"
    write_merchants(params, ["ok-a", "ok-b", "raise-c"])
    local, remote = tmp_path / "local", tmp_path / "dask"
    local_results = run_batch([params], BatchOptions(out=local, workers=2, notebook_dir=nb_dir, progress=False),
                              log=lambda s: None)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_results = run_batch([params], BatchOptions(out=remote, executor="dask", notebook_dir=nb_dir,
                                                        scheduler=cluster.scheduler_address, progress=False),
                                 log=lambda s: None)

    def status(results):
        return sorted((r.slug, r.status, r.error) for r in results)

    assert status(dask_results) == status(local_results)
    assert [r.status for r in sorted(dask_results, key=lambda r: r.slug)] == ["ok", "ok", "failed"]
    assert comparable(remote) == comparable(local)  # handouts, plan.json, xlsx, notebooks, stamps
    assert (remote / "raise-c" / f"{PLAYBOOK}.failed.ipynb").is_file()
    summary = json.loads((remote / "summary.json").read_text())
    assert summary["finished"] is True and summary["counts"] == {"ok": 2, "failed": 1, "skipped": 0}
    # and the next local run finds the Dask outputs up to date
    again = run_batch([params], BatchOptions(out=remote, workers=1, notebook_dir=nb_dir, progress=False),
                      log=lambda s: None)
    assert sorted(r.status for r in again) == ["failed", "skipped", "skipped"]


def test_data_files_travel_with_the_task_and_keep_their_relative_paths(tmp_path):
    here = tmp_path / "project" / "params"
    here.mkdir(parents=True)
    (tmp_path / "project" / "data").mkdir()
    (tmp_path / "project" / "data" / "orders.csv").write_text("id,amount\n1,9.5\n")
    absolute = tmp_path / "elsewhere" / "products.csv"
    absolute.parent.mkdir()
    absolute.write_text("sku\nA\n")
    section = {"orders": "../data/orders.csv", "catalogue": {"file": str(absolute)}, "note": "not-a-file.csv",
               "start_date": "2026-12-01"}
    job = Job(params_path=str(here / "shop.yaml"), source="params/shop.yaml", slug="shop", merchant="Shop",
              playbook=PLAYBOOK, raw={"merchant": {}, "playbooks": [PLAYBOOK], PLAYBOOK: section}, lang="en",
              title="t", fingerprint="f")
    nb = tmp_path / "nb.ipynb"
    nb.write_text("{}")
    inputs = collect_inputs(job, nb)
    assert set(inputs.files) == {"../data/orders.csv", str(absolute)} and inputs.notebook == b"{}"

    remote = tmp_path / "remote"
    remote.mkdir()
    moved = _materialize(job, Inputs(inputs.notebook, inputs.files), remote)
    base = Path(moved.params_path).parent
    sec = moved.raw[PLAYBOOK]
    assert sec["orders"] == "../data/orders.csv"  # as the consultant wrote it
    assert (base / sec["orders"]).resolve().read_text() == "id,amount\n1,9.5\n"
    assert sec["catalogue"]["file"] != str(absolute) and Path(sec["catalogue"]["file"]).read_text() == "sku\nA\n"
    assert Path(sec["catalogue"]["file"]).is_relative_to(remote) and base.is_relative_to(remote)
    assert sec["note"] == "not-a-file.csv" and job.raw[PLAYBOOK]["catalogue"]["file"] == str(absolute)
