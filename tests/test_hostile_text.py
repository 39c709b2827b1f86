"""Hostile text in params: shown as text in handouts and the index, never run, never a path outside --out."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import PARAMS

from merchant_playbooks.errors import ParamsError
from merchant_playbooks.loading import load_params, merchant_slug
from merchant_playbooks.schema import MerchantSection

NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)> "; import os; os.system("touch PWNED") \u202eevil 🛒'
PRODUCT = "</td><script>alert(3)</script>{{7*7}}'; __import__('os').system('touch PWNED2') #"


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = yaml.safe_load((PARAMS / "bloom-household.yaml").read_text(encoding="utf-8"))
    data["merchant"]["name"] = NAME
    data["merchant"].pop("id")
    data["first_event_bargaining"]["product"] = PRODUCT
    data["first_event_bargaining"].pop("actuals", None)
    params = root / "params"
    params.mkdir()
    (params / "..%2f..%2fevil.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = root / "out"
    proc = subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", "run", str(params), "--out", str(out),
                           "--playbook", "first_event_bargaining", "-j", "1"],
                          capture_output=True, text=True, timeout=300, cwd=root)
    return proc, root, out


def test_hostile_names_run_and_stay_inside_out(hostile_batch):
    proc, root, out = hostile_batch
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = [p for p in root.rglob("*") if p.is_file() and "params" not in p.parts]
    assert written and all(out in p.parents for p in written)
    assert not list(root.rglob("PWNED*")) and not (PARAMS.parent / "PWNED").exists()


def test_hostile_text_is_escaped_in_handout_and_index(hostile_batch):
    _, _, out = hostile_batch
    (folder,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    html = (folder / "first_event_bargaining.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in (html, index):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;script&gt;alert(3)" in html
    plan = json.loads((folder / "first_event_bargaining.plan.json").read_text(encoding="utf-8"))
    assert plan["merchant"]["name"] == NAME and plan["product"] == PRODUCT


@pytest.mark.parametrize(("name", "slug"), [("CON", "con-shop"), ("../../..", None), ("a" * 200, "a" * 63),
                                            ("..\\..\\windows", "windows")])
def test_path_like_names_make_safe_slugs(name, slug, tmp_path):
    got = merchant_slug(MerchantSection(name=name), tmp_path / "fallback.yaml")
    assert got == (slug or "fallback")


def test_nul_in_a_name_is_refused(write_params):
    path = write_params('merchant:\n  name: "shop\\0name"\n  fans: 10\n')
    with pytest.raises(ParamsError) as info:
        load_params(path, source="p.yaml")
    assert info.value.lines() == ["p.yaml:2: merchant.name = 'shop\\x00name' must not contain control characters "
                                  "(such as NUL)"]
