"""Hostile and careless inputs (issue 24): special data files, ids with a final newline, control
characters in any text field, huge params files. Each through `playbooks validate` or the reader a
run uses, asserting the exact message and that nothing of a file's contents is echoed."""

from __future__ import annotations

import os
import re
import time
import typing
from pathlib import Path

import pytest
from conftest import ROOT
from merchant_playbooks import yamlread
from merchant_playbooks.cli import main
from merchant_playbooks.errors import DataFileError
from merchant_playbooks.membership_community.orders import read_orders
from merchant_playbooks import registry
from merchant_playbooks.schema import MerchantSection, StrictModel

MEMBERSHIP = """\
merchant:
  name: Lily Steps
  fans: 4500
playbooks: [membership_community]
membership_community:
  start_date: 2026-12-10
  orders_file: {path}
"""


@pytest.fixture
def validate(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def run(text: str, name: str = "p.yaml") -> tuple[int, list[str]]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        code = main(["validate", name])
        return code, capsys.readouterr().err.splitlines()

    return run


# ---------------------------------------------------------------- data paths name regular files


@pytest.mark.parametrize(("path", "why"), [
    ("/proc/self/environ", "is a system file (/proc/...), not a data file; expected a CSV file"),
    ("/dev/zero", "is a system file (/dev/...), not a data file; expected a CSV file"),
    ("/sys/kernel/mm/transparent_hugepage/enabled", "is a system file (/sys/...), not a data file; expected a CSV file"),
])
def test_validate_refuses_system_files_as_data_files(validate, path, why):
    if not Path(path).exists():
        pytest.skip(f"{path} is not on this machine")  # /proc and /dev always are; /sys may be hidden
    code, err = validate(MEMBERSHIP.format(path=path))
    assert code == 1
    assert err == [(f"p.yaml:7: membership_community.orders_file = '{path}' {why} ({path}; data files are "
                   "relative to the params file)")]


def test_validate_refuses_a_pipe_and_a_link_to_a_system_file(validate, tmp_path):
    os.mkfifo(tmp_path / "orders.csv")  # opening it to read would block validate forever
    code, err = validate(MEMBERSHIP.format(path="orders.csv"))
    assert code == 1 and "is not a regular file (a device, pipe or socket)" in err[0]
    (tmp_path / "env.csv").symlink_to("/proc/self/environ")  # a harmless-looking name changes nothing
    code, err = validate(MEMBERSHIP.format(path="env.csv"))
    assert code == 1 and "is a system file (/proc/...)" in err[0]


def test_a_run_never_quotes_a_file_that_is_not_a_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("MP_TEST_SECRET", "hunter2-do-not-show")
    with pytest.raises(DataFileError) as info:
        read_orders("/proc/self/environ", "env.csv")
    assert str(info.value) == "env.csv: is a system file (/proc/...), not a data file; expected a CSV file"
    shadow = tmp_path / "shadow"
    shadow.write_text("root:$6$hunter2-do-not-show:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    with pytest.raises(DataFileError) as info:
        read_orders(shadow, "shadow")
    assert "hunter2" not in str(info.value) and "root" not in str(info.value)
    assert str(info.value) == ("shadow: line 1: is not a header of column names (expected: "
                               "customer_id,order_date,amount); is this the right file?")


# ---------------------------------------------------------------- ids matched in full


def test_an_id_with_a_final_newline_is_refused(validate):
    code, err = validate('merchant:\n  name: Nl\n  id: "nlid\\n"\n')
    assert code == 1
    assert err == [("p.yaml:3: merchant.id = 'nlid\\n' must be 1-63 lowercase letters, digits or '-', starting "
                   "with a letter or digit")]
    code, err = validate('merchant:\n  name: Nl\n  currency: "CNY\\n"\n')
    assert code == 1 and err[0].startswith("p.yaml:3: merchant.currency = 'CNY\\n' must match")


def test_no_pattern_in_the_library_ends_with_a_dollar_that_a_newline_slips_past():
    """Python's `$` matches before a final newline: patterns that check user text use fullmatch."""
    bad = []
    for path in (ROOT / "lib" / "merchant_playbooks").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"re\.compile\(r?(\"[^\"]*\$\"|'[^']*\$')", line):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert bad == []


# ---------------------------------------------------------------- control characters in any text field


def _text_fields(model: type[StrictModel], prefix: str = "") -> list[tuple[str, bool]]:
    """(dotted field, has the shared Text validator) for every str-typed field, nested sections included."""
    found = []

    def walk(ann, meta, name):
        if typing.get_origin(ann) is typing.Annotated:
            ann, *more = typing.get_args(ann)
            meta = [*meta, *more]
        if ann is str:
            found.append((name, any(getattr(getattr(m, "func", None), "__name__", "") == "_no_control_characters"
                                    for m in meta)))
        elif isinstance(ann, type) and issubclass(ann, StrictModel):
            found.extend(_text_fields(ann, name + "."))
        for arg in typing.get_args(ann):
            walk(arg, [], name)

    for name, info in model.model_fields.items():
        walk(info.annotation, info.metadata, prefix + name)
    return found


def test_every_text_field_of_every_schema_is_the_shared_text_type():
    fields = _text_fields(MerchantSection, "merchant.")
    for name in registry.names():
        fields += _text_fields(registry.section_model(name), name + ".")
    assert len(fields) > 15  # the walk found the text fields
    assert [name for name, shared in fields if not shared] == []


@pytest.mark.parametrize(("section", "line", "field", "value"), [
    ("zero_fan_launch:\n  start_date: 2026-12-01\n  partners:\n    - name: \"Cafe\\x01\"\n      audience: 200\n",
     6, "zero_fan_launch.partners.0.name", "'Cafe\\x01'"),
    (("rapid_growth_cadence:\n  catalogue: c.csv\n  targets: {sales: 1000, traffic: 10, products: 1, members: 1}\n"
     "  monthly_themes: {7: \"Summer\\x02\"}\n"), 6, "rapid_growth_cadence.monthly_themes.7", "'Summer\\x02'"),
    (("first_event_bargaining:\n  start_date: 2026-12-01\n  original_price: 9\n  floor_price: 1\n  stock: 3\n"
     "  product: \"Mug\\x7f\"\n"), 8, "first_event_bargaining.product", "'Mug\\x7f'"),
])
def test_control_characters_are_refused_in_every_playbook_with_file_and_line(validate, section, line, field, value):
    code, err = validate("merchant:\n  name: Shop\n" + section)
    assert code == 1
    assert f"p.yaml:{line}: {field} = {value} must not contain control characters (such as NUL)" in err


# ---------------------------------------------------------------- huge files, counted while composing


def test_a_params_file_over_a_megabyte_is_refused_before_parsing(validate, tmp_path):
    started = time.monotonic()
    code, err = validate("merchant:\n  name: Big\nnotes:\n" + "  - padding padding padding\n" * 200_000)
    assert code == 1
    assert err == [("p.yaml: is too large for a params file (5.6 MB; at most 1.0 MB): one merchant's params are a "
                   "few KB")]
    code, err = validate("# comment\n" * 500_000 + "merchant:\n  name: Big\n")
    assert code == 1 and err[0].startswith("p.yaml: is too large for a params file (5.0 MB;")
    assert time.monotonic() - started < 5  # not 161 s and 2.8 GB: nothing was parsed


def test_a_file_under_the_size_limit_with_too_many_values_is_stopped_while_composing(validate, monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_VALUES", 1000)
    code, err = validate("merchant:\n  name: Many\nnotes: [" + "1, " * 1500 + "1]\n")
    assert (code, err) == (1, ["p.yaml: has more than 1000 values; one merchant's params hold a few hundred"])
    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c]\n"
    code, err = validate(bomb)
    assert (code, err) == (1, [("p.yaml: has more than 1000 values once its aliases (*name) are expanded; write "
                               "the values out")])


def test_a_proc_file_reports_no_size_but_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_BYTES", 10)
    with pytest.raises(Exception) as info:
        yamlread.read_bytes(Path("/proc/self/status"), "status")  # st_size 0, hundreds of bytes to read
    assert str(info.value) == ("status: is too large for a params file (more than 10 bytes; at most 10 bytes): "
                               "one merchant's params are a few KB")


def test_a_pipe_named_as_the_params_file_is_refused_without_blocking(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "p.yaml")  # opening it to read would wait for a writer forever
    assert main(["validate", "p.yaml"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "p.yaml: is not a regular file (a device, pipe or socket); expected a .yaml file"]
