"""The batch contract, end to end with real papermill runs: outputs, summary, index, exit codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import PARAMS, PLUM, ROOT

from merchant_playbooks.cli import main

BROKEN = """merchant:
  name: Broken Shop
  fans: lots
playbooks: [first_event_bargaining]
first_event_bargaining:
  start_date: 2026-12-01
  original_price: 100
  floor_price: 150
  stock: 10
"""

# a forbidden use set explicitly, and a warm-up already begun (29 Nov, before the pinned 4 Dec)
RISKY = PLUM.format(start="2026-12-02", share_via="[external_link]")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One real batch: a sample merchant, a broken params file and a plan with warnings, side by side."""
    root = tmp_path_factory.mktemp("batch")
    params = root / "params"
    params.mkdir()
    shutil.copy(PARAMS / "bloom-household.yaml", params)
    shutil.copytree(ROOT / "data" / "samples", root / "data" / "samples")  # its actuals: ../data/samples/...
    (params / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (params / "plum.yaml").write_text(RISKY, encoding="utf-8")
    out = root / "out"
    proc = subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", "run", str(params), "--out", str(out),
                           "--playbook", "first_event_bargaining", "-j", "1"],
                          capture_output=True, text=True, timeout=300)
    return proc, out


def test_one_broken_file_does_not_stop_the_others_and_exit_is_1(batch):
    proc, out = batch
    assert proc.returncode == 1, proc.stderr
    folder = out / "bloom-household"
    for name in ("first_event_bargaining.ipynb", "first_event_bargaining.html",
                 "first_event_bargaining.plan.json", "first_event_bargaining.xlsx"):
        assert (folder / name).is_file(), name
    assert "merchant.fans = 'lots' must be a whole number" in proc.stdout


def test_summary_has_one_record_per_merchant_and_playbook(batch):
    _, out = batch
    summary = json.loads((out / "summary.json").read_text())
    by_status = {r["status"]: r for r in summary["results"] if r["slug"] != "plum-tea"}
    assert set(by_status) == {"ok", "failed"}
    ok = by_status["ok"]
    assert ok["playbook"] == "first_event_bargaining" and ok["seconds"] > 0
    assert ok["outputs"]["html"] == "bloom-household/first_event_bargaining.html"
    failed = by_status["failed"]
    assert "floor_price" not in failed["error"] or "must be below" in failed["error"]
    assert failed["params_file"].endswith("broken.yaml")
    assert summary["finished"] is True


def test_run_prints_every_warning_of_every_plan_and_summary_keeps_them(batch):
    proc, out = batch
    plan = json.loads((out / "plum-tea" / "first_event_bargaining.plan.json").read_text())
    codes = [w["code"] for w in plan["warnings"]]
    assert "forbidden_use" in codes and "past_start" in codes
    assert any((w.get("mechanic"), w.get("channel")) == ("bargaining", "external_link") for w in plan["warnings"])
    printed = [line for line in proc.stderr.splitlines() if line.startswith("warning: plum-tea/first_event_bargaining: ")]
    assert [line.split(": ", 2)[2] for line in printed] == [w["message"] for w in plan["warnings"]]
    assert any(line.split(": ", 2)[2].startswith("Warm-up starts 29 Nov, before today 4 Dec") for line in printed)
    summary = {r["slug"]: r for r in json.loads((out / "summary.json").read_text())["results"]}
    assert summary["plum-tea"]["warnings"] == plan["warnings"]
    bloom = json.loads((out / "bloom-household" / "first_event_bargaining.plan.json").read_text())
    assert summary["bloom-household"]["warnings"] == bloom["warnings"]
    assert [w for w in bloom["warnings"] if "past" in w["code"]] == []  # a sample with actuals: in the past


def test_plan_json_has_the_contracted_fields(batch):
    _, out = batch
    plan = json.loads((out / "bloom-household" / "first_event_bargaining.plan.json").read_text())
    assert plan["original_price"] == 199 and plan["floor_price"] == 99
    assert len(plan["cut_schedule"]) == plan["helpers_needed"]
    assert all(set(plan["kpis"][k]) >= {"p10", "p50", "p90"} for k in plan["headline"])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) for row in plan["timeline"])


def test_handout_is_self_contained_has_charts_and_no_code(batch):
    _, out = batch
    html = (out / "bloom-household" / "first_event_bargaining.html").read_text()
    assert len(html.encode()) < 1.5 * 1024 * 1024
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "@import" not in html and "<link" not in html.lower()
    assert html.count("<svg") >= 3  # cut schedule, daily funnel, helpers trade-off
    assert "build_plan" not in html and "show.section" not in html and "In&nbsp;[" not in html
    assert "Bloom Household Goods" in html


def test_index_links_every_output(batch):
    _, out = batch
    index = (out / "index.html").read_text()
    assert 'href="bloom-household/first_event_bargaining.html"' in index
    assert "Broken Shop" in index or "broken" in index


def test_rerun_skips_up_to_date_outputs(batch, capsys):
    _, out = batch
    code = main(["run", str(out.parent / "params" / "bloom-household.yaml"), "--out", str(out), "-j", "1"])
    assert code == 0
    assert "skipped bloom-household/first_event_bargaining" in capsys.readouterr().out


def test_validate_prints_every_problem_and_exits_nonzero(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN.replace("name: Broken Shop", "name: Broken Shop\n  budgett: 1")
                   .replace("start_date: 2026-12-01", "start_date: 2026-12-41"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    assert err[0].endswith("merchant.budgett is not a known key; did you mean 'budget'?")
    assert err[1].endswith("merchant.fans = 'lots' must be a whole number")
    assert err[2].endswith("first_event_bargaining.start_date = '2026-12-41' must be a date written YYYY-MM-DD")


def test_validate_names_data_files_that_are_not_there(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    text = (PARAMS / "lily-shoes.yaml").read_text(encoding="utf-8")
    text = text.replace("../data/samples/lily-orders.csv", "../data/lily-orders.csv")  # typo in the folder
    text = text.replace("../data/samples/lily-shoes-membership_community-actuals.csv", "../data")  # a folder
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "lily.yaml").write_text(text, encoding="utf-8")
    lines = {n: line for n, line in enumerate(text.splitlines(), 1)}
    orders_line = next(n for n, line in lines.items() if "orders_file:" in line)
    actuals_line = next(n for n, line in lines.items() if "actuals:" in line)

    assert main(["validate", "params/lily.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        (f"params/lily.yaml:{orders_line}: membership_community.orders_file = '../data/lily-orders.csv' names no "
         "file (data/lily-orders.csv; data files are relative to the params file)"),
        (f"params/lily.yaml:{actuals_line}: membership_community.actuals = '../data' is a folder, expected a CSV "
         "file (data; data files are relative to the params file)"),
    ]


def test_validate_and_diagnose_accept_the_samples(capsys):
    assert main(["validate", str(PARAMS)]) == 0
    assert main(["diagnose", str(PARAMS / "bloom-household.yaml")]) == 0
    assert "stage: few_fans -> playbook first_event_bargaining" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["run", str(tmp_path / "missing")])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
