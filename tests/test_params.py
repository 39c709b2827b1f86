"""Params validation: every problem at once, each naming file, line, field, value and expectation."""

from __future__ import annotations

import pytest

from merchant_playbooks.errors import ParamsError
from merchant_playbooks.loading import load_params, merchant_slug, params_from_notebook

VALID = """
    merchant:
      name: Bloom Household Goods
      fans: 1200
      budget: 8000
    playbooks: [first_event_bargaining]
    first_event_bargaining:
      start_date: 2026-12-01
      original_price: 199.00
      floor_price: 99.00
      stock: 300
"""


def problems(path) -> list[str]:
    with pytest.raises(ParamsError) as info:
        load_params(path, source="params/bloom.yaml")
    return info.value.lines()


def test_a_valid_file_loads_with_typed_values(write_params):
    mp = load_params(write_params(VALID))
    s = mp.sections["first_event_bargaining"]
    assert s.original_price == 199 and s.start_date.isoformat() == "2026-12-01"
    assert mp.playbooks == ("first_event_bargaining",)
    assert mp.slug == "bloom-household-goods"


def test_floor_above_original_names_file_field_value_and_rule(write_params):
    path = write_params(VALID.replace("floor_price: 99.00", "floor_price: 250"))
    assert problems(path) == [
        "params/bloom.yaml:9: first_event_bargaining.floor_price = 250 must be below original_price (199.0)"
    ]


def test_three_mistakes_are_reported_together(write_params):
    path = write_params(
        VALID.replace("fans: 1200", "fans: many")
        .replace("budget: 8000", "budgett: 8000")
        .replace("start_date: 2026-12-01", "start_date: 2026-13-01")
    )
    assert problems(path) == [
        "params/bloom.yaml:3: merchant.fans = 'many' must be a whole number",
        "params/bloom.yaml:4: merchant.budgett is not a known key; did you mean 'budget'?",
        "params/bloom.yaml:7: first_event_bargaining.start_date = '2026-13-01' must be a date written YYYY-MM-DD",
    ]


def test_unknown_section_gets_a_did_you_mean(write_params):
    path = write_params(VALID + "    first_event_bargainig: {}\n")
    assert problems(path) == [
        "params/bloom.yaml:11: first_event_bargainig is not a known key; did you mean 'first_event_bargaining'?"
    ]


def test_unknown_playbook_name_is_an_error(write_params):
    path = write_params(VALID.replace("[first_event_bargaining]", "[bargaining]"))
    assert problems(path) == [
        "params/bloom.yaml:5: playbooks[0] = 'bargaining' is not a playbook; did you mean 'first_event_bargaining'?"
    ]


def test_range_must_be_ordered_and_within_bounds(write_params):
    path = write_params(VALID + "      attempt_rate: [0.5, 0.1]\n      order_rate: [0.5, 1.5]\n")
    assert problems(path) == [
        "params/bloom.yaml:11: first_event_bargaining.attempt_rate = [0.5, 0.1] must be [low, high] with low <= high",
        "params/bloom.yaml:12: first_event_bargaining.order_rate = [0.5, 1.5] must not go above 1",
    ]


def test_nan_and_infinity_are_refused(write_params):
    path = write_params(VALID.replace("budget: 8000", "budget: .nan").replace("stock: 300", "stock: .inf"))
    lines = problems(path)
    assert len(lines) == 2
    assert lines[0].startswith("params/bloom.yaml:4: merchant.budget = ")
    assert lines[1].startswith("params/bloom.yaml:10: first_event_bargaining.stock = inf must be")


def test_helpers_cannot_exceed_the_gap_in_cents(write_params):
    path = write_params(VALID.replace("floor_price: 99.00", "floor_price: 198.95") + "      helpers_needed: 6\n")
    assert problems(path) == [
        "params/bloom.yaml:11: first_event_bargaining.helpers_needed = 6 must be at most 5: each helper cuts at "
        "least 0.01 and the price gap is 0.05"
    ]


def test_missing_required_fields_are_named(write_params):
    path = write_params("""
        merchant:
          name: Bloom
        first_event_bargaining:
          start_date: 2026-12-01
    """)
    assert problems(path) == [
        "params/bloom.yaml:3: first_event_bargaining.original_price is required",
        "params/bloom.yaml:3: first_event_bargaining.floor_price is required",
        "params/bloom.yaml:3: first_event_bargaining.stock is required",
    ]


def test_yaml_syntax_error_gives_line_and_column(write_params):
    path = write_params("merchant:\n  name: Bloom\n  fans: [1, 2\n")
    (line,) = problems(path)
    assert line.startswith("params/bloom.yaml:4: is not valid YAML: while parsing a flow sequence started at line 3")


def test_empty_and_non_utf8_files(write_params, tmp_path):
    assert problems(write_params("# nothing yet\n")) == [
        "params/bloom.yaml: is empty; expected a 'merchant:' section at least"
    ]
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("merchant:\n  name: Caf\xe9\n".encode("latin-1"))
    assert problems(latin) == ["params/bloom.yaml:2: is not UTF-8 text (byte 0xe9); save it as UTF-8"]


def test_python_object_tags_are_never_constructed(write_params, tmp_path):
    marker = tmp_path / "pwned"
    path = write_params(f'merchant: !!python/object/apply:os.system ["touch {marker}"]\n')
    problems(path)
    assert not marker.exists()


def test_default_playbook_is_the_diagnosed_stage(write_params):
    mp = load_params(write_params("""
        merchant:
          name: Lily Steps
          fans: 4500
        first_event_bargaining:
          start_date: 2026-12-01
          original_price: 459
          floor_price: 299
          stock: 100
    """))
    assert mp.playbooks == ("first_event_bargaining",)
    assert mp.diagnosis.stage == "few_fans"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Bloom Household Goods", "bloom-household-goods"), ("../../etc/passwd", "etc-passwd"),
     ("花漾零食", "from-file"), ("A/B\\C:D", "a-b-c-d")],
)
def test_slugs_stay_inside_the_output_folder(name, expected, tmp_path):
    from merchant_playbooks.schema import MerchantSection

    slug = merchant_slug(MerchantSection(name=name), tmp_path / "from-file.yaml")
    assert slug == expected
    assert "/" not in slug and "\\" not in slug and ".." not in slug


def test_notebook_params_use_the_same_schema():
    with pytest.raises(ParamsError) as info:
        params_from_notebook("first_event_bargaining", {"name": "X"},
                             {"start_date": "2026-12-01", "original_price": 10, "floor_price": 20, "stock": 5})
    assert info.value.lines() == [
        "<notebook parameters>: first_event_bargaining.floor_price = 20 must be below original_price (10)"
    ]
