"""`playbooks run --pdf`: each handout printed to an A4 PDF by the browser tests' Chromium, listed in
summary.json and linked from the index; a clear message (and nothing run) when Chromium is missing.
Uses the tiny stand-in notebooks (batch_tiny.py): seconds, no pandas.
"""

from __future__ import annotations

import json
import os
import re
import shutil

from batch_tiny import cli, light_env, write_merchants, write_notebook

A4_POINTS = (595.3, 841.9)


def test_pdf_without_chromium_says_how_to_get_it_and_runs_nothing(tmp_path):
    write_notebook(tmp_path / "nb")
    params = write_merchants(tmp_path / "params", ["ok-a"])[0]
    out = tmp_path / "out"
    proc = cli("run", str(params), "--out", str(out), "--notebook-dir", str(tmp_path / "nb"), "--pdf",
               env={**light_env(), "CHROMIUM": str(tmp_path / "no-such-chrome")})
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2, stdout + stderr
    assert f"CHROMIUM={tmp_path / 'no-such-chrome'} is not an executable file" in stderr
    assert "Traceback" not in stderr and not (out / "ok-a").exists()


def test_pdf_prints_each_handout_to_a4_and_lists_it(tmp_path):
    assert os.environ.get("CHROMIUM") or shutil.which("chromium"), "Chromium is missing: run tools/ensure_chromium.sh"
    write_notebook(tmp_path / "nb")
    params = write_merchants(tmp_path / "params", ["ok-a", "ok-b"])
    out = tmp_path / "out"
    args = ["run", *map(str, params), "--out", str(out), "--notebook-dir", str(tmp_path / "nb"), "-j", "2", "--pdf"]
    stdout, stderr = (proc := cli(*args)).communicate(timeout=180)
    assert proc.returncode == 0, stdout + stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    for r in summary["results"]:
        pdf = out / r["outputs"]["pdf"]
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and pdf.with_suffix(".html").is_file()
        boxes = {tuple(round(float(v), 1) for v in m) for m in
                 re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)}
        assert boxes and all(abs(w - A4_POINTS[0]) < 1.5 and abs(h - A4_POINTS[1]) < 1.5 for w, h in boxes)
        assert f'href="{r["outputs"]["pdf"]}"' in index
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/*.pdf")}
    stdout, stderr = (proc := cli(*args)).communicate(timeout=180)  # up to date: skipped, the PDFs kept
    assert proc.returncode == 0, stdout + stderr
    again = json.loads((out / "summary.json").read_text(encoding="utf-8"))["results"]
    assert {r["status"] for r in again} == {"skipped"} and all("pdf" in r["outputs"] for r in again)
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/*.pdf")} == before
