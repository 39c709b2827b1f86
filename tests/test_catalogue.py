"""The catalogue of bad inputs: each mistake a consultant can make, and the exact message they see.

Params files go through `playbooks validate` (the CLI's `main`), run from the folder
above `params/` as a consultant runs it; data files (orders, product catalogue,
actuals) through the playbook's `build_plan`, which is what the notebook calls;
two files writing one output folder through `playbooks run`. README's "What
happens when…" lists the same entries, in the same order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from merchant_playbooks import registry
from merchant_playbooks import yamlread
from merchant_playbooks.cli import main
from merchant_playbooks.errors import DataFileError
from merchant_playbooks.loading import load_params

BASE = """\
merchant:
  name: Bloom Household Goods
  fans: 1200
  budget: 8000
playbooks: [first_event_bargaining]
first_event_bargaining:
  start_date: 2026-12-21
  original_price: 199.00
  floor_price: 99.00
  stock: 300
  share_via: [mini_program]
  forced_follow: false
"""
FILE = "params/bloom.yaml"


def at(line: int | None, message: str) -> str:
    return f"{FILE}:{line}: {message}" if line else f"{FILE}: {message}"


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def add(lines: str) -> str:
    return BASE + lines  # BASE has 12 lines: what is added starts on line 13


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder with `params/`, as the working folder."""
    (tmp_path / "params").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def validate(project, capsys):
    """Write params/bloom.yaml, run `playbooks validate params/bloom.yaml`: (exit code, stderr lines)."""

    def run(content: str | bytes) -> tuple[int, list[str]]:
        (project / FILE).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        code = main(["validate", FILE])
        return code, capsys.readouterr().err.splitlines()

    return run


def test_the_base_file_is_valid_so_each_entry_below_is_one_mistake(validate, capsys):
    assert validate(BASE) == (0, [])


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))

PARAMS_CATALOGUE = [
    # -- the file itself and its YAML
    ("yaml_unclosed_list", edit("fans: 1200", "fans: [1200, 1300"),
     [at(4, "is not valid YAML: while parsing a flow sequence started at line 3: expected ',' or ']', "
            "but got ':' (column 9)")]),
    ("yaml_bad_indentation", edit("  fans: 1200", "   fans: 1200"),
     [at(3, "is not valid YAML: mapping values are not allowed here (column 8)")]),
    ("yaml_tab_indentation", edit("  fans: 1200", "\tfans: 1200"),
     [at(3, "is not valid YAML: found character '\\t' that cannot start any token (column 1)")]),
    ("yaml_duplicate_key", add("  stock: 400\n"),
     [at(13, 'is not valid YAML: while constructing a mapping started at line 7: found duplicate key "stock" '
             'with value "400" (original value: "300") (column 3)')]),
    ("yaml_unquoted_colon_in_text", edit("name: Bloom Household Goods", "name: Bloom: Household Goods"),
     [at(2, "is not valid YAML: mapping values are not allowed here (column 14)")]),
    ("empty_file", "", [at(None, "is empty; expected a 'merchant:' section at least")]),
    ("only_comments", "# Bloom: to do\n\n   # later\n", [at(None, "is empty; expected a 'merchant:' section at least")]),
    ("not_utf8_latin1", BASE.replace("Bloom Household Goods", "Café Bloom").encode("latin-1"),
     [at(2, "is not UTF-8 text (byte 0xe9); save it as UTF-8")]),
    ("not_utf8_utf16", BASE.encode("utf-16"), [at(1, "is not UTF-8 text (byte 0xff); save it as UTF-8")]),
    ("top_level_is_a_list", "- merchant\n- Bloom\n",
     [at(None, "must be a set of sections (merchant:, playbooks:, ...), got a list")]),
    ("top_level_is_text", "Bloom Household Goods\n",
     [at(None, "must be a set of sections (merchant:, playbooks:, ...), got text")]),
    ("python_object_tag", edit("name: Bloom Household Goods", "name: !!python/object/apply:os.system ['touch x']"),
     [at(None, "contains a value of an unsupported YAML type (tag !!python/object/apply:os.system); "
               "use plain numbers, text, dates, lists and sections")]),
    ("custom_tag", edit("name: Bloom Household Goods", "name: !secret bloom"),
     [at(None, "contains a value of an unsupported YAML type (tag !secret); use plain numbers, text, dates, lists "
               "and sections")]),
    ("alias_bomb", BOMB + BASE,
     [at(None, "has more than 100000 values once its aliases (*name) are expanded; write the values out")]),
    # -- wrong types
    ("text_for_a_number", edit("fans: 1200", "fans: many"), [at(3, "merchant.fans = 'many' must be a whole number")]),
    ("list_for_a_number", edit("stock: 300", "stock: [300, 400]"),
     [at(10, "first_event_bargaining.stock = [300, 400] must be a whole number")]),
    ("currency_sign_in_a_price", edit("original_price: 199.00", "original_price: ¥199"),
     [at(8, "first_event_bargaining.original_price = '¥199' must be an amount (a number)")]),
    ("fraction_for_a_whole_number", edit("stock: 300", "stock: 300.5"),
     [at(10, "first_event_bargaining.stock = 300.5 must be a whole number")]),
    ("number_for_text", edit("name: Bloom Household Goods", "name: 2024"), [at(2, "merchant.name = 2024 must be text")]),
    ("not_true_or_false", edit("forced_follow: false", "forced_follow: sometimes"),
     [at(12, "first_event_bargaining.forced_follow = 'sometimes' must be true or false")]),
    ("list_for_a_section", "merchant: [Bloom, 1200]\nplaybooks:" + BASE.split("playbooks:", 1)[1],
     [at(1, "merchant = ['Bloom', 1200] must be a section of keys and values")]),
    ("text_for_a_range", add("  attempt_rate: high\n"),
     [at(13, "first_event_bargaining.attempt_rate = 'high' must be a number or [low, high]")]),
    ("three_values_for_a_range", add("  attempt_rate: [0.01, 0.02, 0.05]\n"),
     [at(13, "first_event_bargaining.attempt_rate = [0.01, 0.02, 0.05] must be [low, high] (two numbers), "
             "not 3 values")]),
    ("section_for_the_playbooks_list", edit("playbooks: [first_event_bargaining]", "playbooks: {first: bargaining}"),
     [at(5, "playbooks = {'first': 'bargaining'} must be a list of playbook names (zero_fan_launch, "
            "first_event_bargaining, rapid_growth_cadence, membership_community)")]),
    # -- out of range
    ("negative_count", edit("stock: 300", "stock: -5"), [at(10, "first_event_bargaining.stock = -5 must be at least 1")]),
    ("negative_money", edit("budget: 8000", "budget: -100"), [at(4, "merchant.budget = -100 must be at least 0")]),
    ("rate_above_one", add("  order_rate: [0.5, 1.5]\n"),
     [at(13, "first_event_bargaining.order_rate = [0.5, 1.5] must not go above 1")]),
    ("range_high_before_low", add("  attempt_rate: [0.05, 0.02]\n"),
     [at(13, "first_event_bargaining.attempt_rate = [0.05, 0.02] must be [low, high] with low <= high")]),
    ("too_few_simulations", add("  simulations: 10\n"),
     [at(13, "first_event_bargaining.simulations = 10 must be at least 100")]),
    ("a_fraction_of_a_cent", edit("original_price: 199.00", "original_price: 199.005"),
     [at(8, "first_event_bargaining.original_price = 199.005 must have at most 2 decimal places")]),
    ("unknown_language", edit("fans: 1200", "fans: 1200\n  language: fr"),
     [at(4, "merchant.language = 'fr' must be one of en or zh")]),
    ("currency_not_iso", edit("fans: 1200", "fans: 1200\n  currency: rmb"),
     [at(4, "merchant.currency = 'rmb' must match ^[A-Z]{3}$")]),
    ("id_that_is_a_path", edit("fans: 1200", "fans: 1200\n  id: ../Bloom"),
     [at(4, "merchant.id = '../Bloom' must be 1-63 lowercase letters, digits or '-', starting with a letter or "
            "digit")]),
    ("empty_name", edit("name: Bloom Household Goods", "name: ''"), [at(2, "merchant.name = '' must not be empty")]),
    ("nul_in_a_name", edit("name: Bloom Household Goods", 'name: "Bloom\\0"'),
     [at(2, "merchant.name = 'Bloom\\x00' must not contain control characters (such as NUL)")]),
    ("name_of_240_characters", edit("name: Bloom Household Goods", "name: " + "Bloom " * 40),
     [at(2, "merchant.name = '" + ("Bloom " * 13)[:76] + "... must be at most 200 characters")]),
    # -- rules across fields
    ("floor_above_original_price", edit("floor_price: 99.00", "floor_price: 250"),
     [at(9, "first_event_bargaining.floor_price = 250 must be below original_price (199.0)")]),
    ("more_helpers_than_cents_to_cut", edit("floor_price: 99.00", "floor_price: 198.95") + "  helpers_needed: 6\n",
     [at(13, "first_event_bargaining.helpers_needed = 6 must be at most 5: each helper cuts at least 0.01 and the "
             "price gap is 0.05")]),
    ("smallest_above_largest", add("  helpers_options: [30, 3]\n"),
     [at(13, "first_event_bargaining.helpers_options = [30, 3] must be [smallest, largest] with 1 <= smallest <= "
             "largest <= 500")]),
    ("group_price_above_original", add("  group_buy:\n    price: 250\n"),
     [at(14, "first_event_bargaining.group_buy.price = 250 must be below original_price (199.0)")]),
    # -- unknown keys
    ("typo_in_a_key", edit("budget: 8000", "budgett: 8000"),
     [at(4, "merchant.budgett is not a known key; did you mean 'budget'?")]),
    ("typo_in_a_nested_key", add("  group_buy:\n    team_sise: 3\n"),
     [at(14, "first_event_bargaining.group_buy.team_sise is not a known key; did you mean 'team_size'?")]),
    ("key_with_no_near_match", edit("budget: 8000", "budget: 8000\n  colour: blue"),
     [at(5, "merchant.colour is not a known key; known keys: budget, currency, fans, growth_rate, id, language, "
            "monthly_sales, months_trading, name, repeat_rate, stores")]),
    ("typo_in_a_section_name", edit("first_event_bargaining:\n", "first_event_bargainig:\n"),
     [at(6, "first_event_bargainig is not a known key; did you mean 'first_event_bargaining'?"),
      at(None, "first_event_bargaining.start_date is required"),  # playbooks: still lists the real name
      at(None, "first_event_bargaining.original_price is required"),
      at(None, "first_event_bargaining.floor_price is required"),
      at(None, "first_event_bargaining.stock is required")]),
    ("unknown_playbook", edit("[first_event_bargaining]", "[bargaining]"),
     [at(5, "playbooks[0] = 'bargaining' is not a playbook; did you mean 'first_event_bargaining'?")]),
    # -- dates
    ("month_13", edit("2026-12-21", "2026-13-01"),
     [at(7, "first_event_bargaining.start_date = '2026-13-01' must be a date written YYYY-MM-DD")]),
    ("30_february", edit("2026-12-21", "2026-02-30"),
     [at(7, "first_event_bargaining.start_date = '2026-02-30' must be a date written YYYY-MM-DD")]),
    ("day_first_date", edit("2026-12-21", "01/12/2026"),
     [at(7, "first_event_bargaining.start_date = '01/12/2026' must be a date written YYYY-MM-DD")]),
    ("date_with_a_time", edit("2026-12-21", "2026-12-01 10:00"),
     [at(7, "first_event_bargaining.start_date = '2026-12-01 10:00' must be a date without a time (YYYY-MM-DD)")]),
    ("date_as_digits", edit("2026-12-21", "20261201"),  # pydantic alone reads a number as seconds since 1970
     [at(7, "first_event_bargaining.start_date = 20261201 must be a date written YYYY-MM-DD")]),
    ("date_as_zero", edit("2026-12-21", "0"),  # would silently be 1 January 1970
     [at(7, "first_event_bargaining.start_date = 0 must be a date written YYYY-MM-DD")]),
    # -- NaN and infinity
    ("nan_money", edit("budget: 8000", "budget: .nan"),
     [at(4, "merchant.budget = nan must be a finite number (not NaN or infinity)")]),
    ("infinite_count", edit("stock: 300", "stock: .inf"),
     [at(10, "first_event_bargaining.stock = inf must be a finite number (not NaN or infinity)")]),
    ("nan_in_a_range", add("  attempt_rate: [.nan, 0.05]\n"),
     [at(13, "first_event_bargaining.attempt_rate.low = nan must be a finite number (not NaN or infinity)")]),
    ("infinite_float", add("  max_cut_multiple: .inf\n"),
     [at(13, "first_event_bargaining.max_cut_multiple = inf must be a finite number (not NaN or infinity)")]),
    ("number_that_overflows_to_infinity", edit("original_price: 199.00", "original_price: 1e400"),
     [at(8, "first_event_bargaining.original_price = inf must be a finite number (not NaN or infinity)")]),
    # -- huge numbers
    ("fans_1e30", edit("fans: 1200", "fans: 1e30"), [at(3, "merchant.fans = 1e+30 is too large")]),
    ("fans_with_31_digits", edit("fans: 1200", "fans: 1" + "0" * 30),
     [at(3, "merchant.fans = 1" + "0" * 30 + " must be at most 1000000000")]),
    ("budget_with_20_digits", edit("budget: 8000", "budget: 12345678901234567890"),
     [at(4, "merchant.budget = 12345678901234567890 is too large")]),
    ("simulations_10_to_the_12", add("  simulations: 1000000000000\n"),
     [at(13, "first_event_bargaining.simulations = 1000000000000 must be at most 200000")]),
    ("simulations_written_as_a_power", add("  simulations: 10**12\n"),
     [at(13, "first_event_bargaining.simulations = '10**12' must be a whole number")]),
    ("number_with_5000_digits", edit("fans: 1200", "fans: " + "9" * 5000),
     [at(None, "has a number with thousands of digits; no field takes one that large")]),
    # -- sections missing or incomplete
    ("no_merchant_section", "shop:\n  name: Bloom\n",
     [at(1, "shop is not a known key; known keys: merchant, playbooks, priors, case, zero_fan_launch, first_event_bargaining, "
            "rapid_growth_cadence, membership_community"),
      at(None, "merchant is required (the merchant's name, language, fans, budget...)")]),
    ("playbook_listed_without_its_section", "merchant:\n  name: Lily Steps\nplaybooks: [membership_community]\n",
     [at(None, "membership_community.orders_file is required"), at(None, "membership_community.start_date is required")]),
    ("section_missing_required_keys", "merchant:\n  name: Crunch Time\nrapid_growth_cadence:\n  year: 2027\n",
     [at(3, "rapid_growth_cadence.targets is required"), at(3, "rapid_growth_cadence.catalogue is required")]),
    ("empty_section", "merchant:\n  name: Easy Road\nzero_fan_launch:\n",
     [at(3, "zero_fan_launch.start_date is required")]),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in PARAMS_CATALOGUE])
def test_params_catalogue(validate, content, expected):
    assert validate(content) == (1, expected)


CADENCE = """\
merchant:
  name: Crunch Time
rapid_growth_cadence:
  year: 2027
  targets: {sales: 100000, traffic: 50000, products: 8000, members: 500}
  catalogue: data/products.csv
"""
LILY = """\
merchant:
  name: Lily Steps
membership_community:
  orders_file: data/orders.csv
  start_date: 2026-11-20
"""
EASY_ROAD = """\
merchant:
  name: Easy Road
zero_fan_launch:
  start_date: 2026-07-01
"""

# Each playbook's own rules across fields (its Section.check()).
SECTION_RULES = [
    ("prizes_for_overlapping_ranks",
     EASY_ROAD + "  ranking_prizes:\n    - {ranks: [1, 3], prize: Free hour, value: 380}\n"
                 "    - {ranks: [2, 10], prize: Gift box, value: 30}\n",
     [at(7, "zero_fan_launch.ranking_prizes.1.ranks = [2, 10] overlaps another prize's ranks")]),
    ("partner_after_the_last_day",
     EASY_ROAD + "  duration_days: 10\n  partners:\n    - {name: Car wash, audience: 1500, day: 12}\n",
     [at(7, "zero_fan_launch.partners.0.day = 12 must be at most duration_days (10)")]),
    ("member_levels_out_of_order",
     LILY + "  tiers:\n    - {name: Member, min_spend: 0}\n    - {name: Gold, min_spend: 3000}\n"
            "    - {name: Silver, min_spend: 1000}\n",
     [at(6, "membership_community.tiers = ['0', '3000', '1000'] must go from the lowest min_spend to the highest, "
            "each higher than the one before")]),
    ("camp_far_from_the_sale", LILY + "  camp:\n    start_date: 2027-03-01\n",
     [at(7, "membership_community.camp.start_date = 2027-03-01 must be within 60 days of the sale")]),
    ("a_year_with_no_events", CADENCE + "  events: []\n",
     [at(7, "rapid_growth_cadence.events = [] must list at least one event")]),
    ("anniversary_without_its_date", CADENCE + "  events: [double_11, anniversary]\n",
     [at(7, "rapid_growth_cadence.events = ['double_11', 'anniversary'] lists anniversary, so anniversary (the day "
            "the shop opened, YYYY-MM-DD) must be set")]),
    ("growth_of_minus_100_percent", CADENCE + "  baseline_growth: [-1.5, 0.1]\n",
     [at(7, "rapid_growth_cadence.baseline_growth = [-1.5, 0.1] must stay above -1 (a fall of 100%)")]),
    ("negative_lifts", CADENCE + "  weekly_lift: [-0.5, 0.1]\n  event_settings:\n    double_11: {lift: [-2, 1]}\n",
     [at(7, "rapid_growth_cadence.weekly_lift = [-0.5, 0.1] must not go below 0"),
      at(9, "rapid_growth_cadence.event_settings.double_11.lift = [-2.0, 1.0] must not go below 0")]),
    ("zero_conversion", CADENCE + "  conversion_rate: [0, 0.05]\n",
     [at(7, "rapid_growth_cadence.conversion_rate = [0.0, 0.05] must be above 0: visits are orders / "
            "conversion_rate")]),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in SECTION_RULES])
def test_each_playbooks_own_rules(validate, content, expected):
    assert validate(content) == (1, expected)


def test_every_mistake_in_a_file_is_reported_at_once_in_file_order(validate):
    content = edit("fans: 1200", "fans: many").replace("budget: 8000", "budgett: 8000").replace(
        "2026-12-21", "2026-13-01").replace("stock: 300", "stock: .inf")
    assert validate(content) == (1, [
        at(3, "merchant.fans = 'many' must be a whole number"),
        at(4, "merchant.budgett is not a known key; did you mean 'budget'?"),
        at(7, "first_event_bargaining.start_date = '2026-13-01' must be a date written YYYY-MM-DD"),
        at(10, "first_event_bargaining.stock = inf must be a finite number (not NaN or infinity)"),
    ])


# ------------------------------------------------------------------ params files that are not there


def test_a_params_file_that_does_not_exist_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "params/nowhere.yaml"])
    assert info.value.code == 2
    assert capsys.readouterr().err == "playbooks: error: params/nowhere.yaml: no such file or folder\n"


def test_a_broken_symlink_named_on_the_command_line_is_a_usage_error(project, capsys):
    (project / FILE).symlink_to(project / "gone.yaml")
    with pytest.raises(SystemExit) as info:
        main(["validate", FILE])
    assert info.value.code == 2
    assert capsys.readouterr().err == f"playbooks: error: {FILE}: no such file or folder\n"


def test_a_folder_with_no_params_files_is_a_usage_error(project, capsys):
    (project / "params" / "bloom.yaml").mkdir()  # a folder, even one named like a params file
    with pytest.raises(SystemExit) as info:
        main(["validate", "params"])
    assert info.value.code == 2
    assert capsys.readouterr().err == "playbooks: error: no params files (*.yaml) in params\n"


def test_a_params_file_that_cannot_be_read_says_why(validate, monkeypatch):
    # tests run as root, who reads any file: the operating system's refusal is simulated
    real = os.open

    def refuse(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if Path(path).name == "bloom.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(yamlread.os, "open", refuse)
    assert validate(BASE) == (1, [at(None, "cannot be read: Permission denied")])


def test_a_broken_symlink_in_a_params_folder_is_reported_not_skipped(project, capsys):
    (project / FILE).write_text(BASE, encoding="utf-8")
    (project / "params" / "lily.yaml").symlink_to(project / "shared-drive" / "lily.yaml")
    code = main(["validate", "params"])
    err = capsys.readouterr().err
    assert code == 1
    assert "params/lily.yaml: file not found" in err


def test_an_output_folder_that_is_a_file_is_a_usage_error(project, capsys):
    (project / FILE).write_text(BASE, encoding="utf-8")
    (project / "handouts").write_text("not a folder", encoding="utf-8")
    assert main(["run", "params", "--out", "handouts", "-j", "1", "--no-progress"]) == 2
    assert "handouts" in capsys.readouterr().err
    assert (project / "handouts").read_text(encoding="utf-8") == "not a folder"


# ------------------------------------------------------------------ two files, one output folder


def test_two_params_files_for_one_output_folder_fail_both_and_overwrite_nothing(project, capsys):
    (project / FILE).write_text(edit("fans: 1200", "fans: 1200\n  id: bloom"), encoding="utf-8")
    (project / "params" / "bloom-copy.yaml").write_text(edit("fans: 1200", "fans: 900\n  id: bloom"),
                                                         encoding="utf-8")
    handout = project / "out" / "bloom" / "first_event_bargaining.html"
    handout.parent.mkdir(parents=True)
    handout.write_text("last week's handout", encoding="utf-8")

    code = main(["run", "params", "--out", "out", "-j", "1", "--no-progress"])

    assert code == 1
    out = capsys.readouterr().out
    for source, other in (("params/bloom-copy.yaml", FILE), (FILE, "params/bloom-copy.yaml")):
        assert (f"{source}: merchant.id = 'bloom' would write to the same output folder as {other} ('bloom'); "
                "give each merchant its own id") in out
    assert handout.read_text(encoding="utf-8") == "last week's handout"
    assert sorted(p.name for p in handout.parent.iterdir()) == ["first_event_bargaining.html"]
    summary = json.loads((project / "out" / "summary.json").read_text(encoding="utf-8"))
    assert sorted((r["params_file"], r["status"]) for r in summary["results"]) == [
        ("params/bloom-copy.yaml", "failed"), (FILE, "failed")]


def test_two_merchants_whose_names_make_the_same_folder_fail_both(project, capsys):
    (project / FILE).write_text(BASE, encoding="utf-8")
    (project / "params" / "bloom2.yaml").write_text(edit("Bloom Household Goods", "BLOOM household goods!"),
                                                    encoding="utf-8")
    assert main(["run", "params", "--out", "out", "-j", "1", "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert ("params/bloom2.yaml: merchant.id = 'bloom-household-goods' would write to the same output folder as "
            f"{FILE} ('bloom-household-goods'); give each merchant its own id") in out
    assert not (project / "out" / "bloom-household-goods").exists()


# ------------------------------------------------------------------ data files, through build_plan

ORDERS_HEAD = "customer_id,order_date,amount,channel\n"
GOOD_ORDERS = ORDERS_HEAD + "C1,2026-01-05,120.00,online\nC2,2026-02-10,80.50,offline\nC1,2026-03-01,99.00,online\n"
PRODUCTS_HEAD = ("sku,name,category,season,price,cost,stock,monthly_sales,dwell_time,click_through,consultations,"
                 "favourites,sales_growth,bounce_rate\n")
GOOD_PRODUCTS = PRODUCTS_HEAD + ("CR-1,Dried tofu,snacks,all,12.90,5.20,280,345,28.9,0.01,26,339,0.02,0.37\n"
                                 "CR-2,Tea cake,snacks,all,32.90,14.40,116,134,45.9,0.02,14,127,-0.02,0.43\n")
PRODUCT = "CR-3,Nuts,snacks,{season},{price},{cost},{stock},{sales},28.9,{ctr},26,339,0.02,0.37\n"
ACTUALS_HEAD = "date,views,attempts,orders\n"
GOOD_ACTUALS = ACTUALS_HEAD + "2026-12-01,150,6,1\n2026-12-02,160,5,2\n"


def product(season="all", price="9.90", cost="5.20", stock="280", sales="345", ctr="0.01") -> str:
    return GOOD_PRODUCTS + PRODUCT.format(season=season, price=price, cost=cost, stock=stock, sales=sales, ctr=ctr)


DATA_PARAMS = {
    "membership_community": ("orders.csv", """\
merchant:
  name: Lily Steps
  fans: 4500
membership_community:
  orders_file: data/orders.csv
  start_date: 2026-11-20
  simulations: 200
"""),
    "rapid_growth_cadence": ("products.csv", """\
merchant:
  name: Crunch Time
rapid_growth_cadence:
  year: 2027
  targets: {sales: 100000, traffic: 50000, products: 8000, members: 500}
  catalogue: data/products.csv
  events: [double_11]
  simulations: 200
"""),
    "first_event_bargaining": ("actuals.csv", """\
merchant:
  name: Bloom
  fans: 1200
first_event_bargaining:
  start_date: 2026-12-01
  original_price: 199
  floor_price: 99
  stock: 300
  simulations: 200
  actuals: data/actuals.csv
"""),
}
FOLDER, BROKEN_LINK, MISSING = object(), object(), None


def plan_error(root: Path, playbook: str, content, params_extra: str = "") -> list[str]:
    """Write params and the data file next to it, build the plan, return the DataFileError's lines."""
    name, params = DATA_PARAMS[playbook]
    (root / "data").mkdir(parents=True, exist_ok=True)
    path = root / "data" / name
    if content is FOLDER:
        path.mkdir()
    elif content is BROKEN_LINK:
        path.symlink_to(root / "data" / "gone.csv")
    elif content is not MISSING:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (root / "merchant.yaml").write_text(params.replace("  simulations", params_extra + "  simulations"),
                                        encoding="utf-8")
    params = load_params(root / "merchant.yaml").for_playbook(playbook)
    with pytest.raises(DataFileError) as info:
        registry.build_plan(playbook, params)
    return str(info.value).splitlines()


def data(line: int | None, message: str, file: str = "data/orders.csv") -> str:
    return f"{file}: line {line}: {message}" if line else f"{file}: {message}"


NOT_FOUND_ORDERS = "file not found (membership_community.orders_file names it, relative to the params file)"
ORDERS_CATALOGUE = [
    ("missing", MISSING, [data(None, NOT_FOUND_ORDERS)]),
    ("a_folder", FOLDER, [data(None, "is a folder, expected a CSV file")]),
    ("a_broken_symlink", BROKEN_LINK, [data(None, NOT_FOUND_ORDERS)]),
    ("empty", "", [data(None, "is empty; expected a header line: customer_id,order_date,amount")]),
    ("not_utf8", (ORDERS_HEAD + "Café,2026-01-05,12.00,online\n").encode("latin-1"),
     [data(None, "is not UTF-8 or GBK text (line 2, byte 0xe9); save it as CSV UTF-8")]),
    ("header_only", ORDERS_HEAD, [data(None, "has a header but no orders")]),
    ("missing_column", "customer_id,order_date,channel\nC1,2026-01-05,online\n",
     [data(1, "missing column 'amount' (columns found: customer_id, order_date, channel; required: customer_id, "
              "order_date, amount)")]),
    ("bad_dates", ORDERS_HEAD + "C1,05/01/2026,12.00,online\nC2,2026-13-01,12.00,online\n",
     [data(2, "order_date = '05/01/2026' is not a date (expected YYYY-MM-DD)"),
      data(3, "order_date = '2026-13-01' is not a date (expected YYYY-MM-DD)")]),
    ("negative_amount", ORDERS_HEAD + "C1,2026-01-05,-12.00,online\n",
     [data(2, "amount = '-12.00' is negative; record refunds by correcting the original order, not as a negative "
              "row")]),
    ("non_numeric_amounts", ORDERS_HEAD + "C1,2026-01-05,twelve,online\nC2,2026-01-06,¥12,online\n",
     [data(2, "amount = 'twelve' is not a number"), data(3, "amount = '¥12' is not a number")]),
    ("nan_and_inf_amounts", ORDERS_HEAD + "C1,2026-01-05,NaN,online\nC2,2026-01-06,inf,online\n",
     [data(2, "amount = 'NaN' is not a number"), data(3, "amount = 'inf' is not a number")]),
    ("huge_amount", ORDERS_HEAD + "C1,2026-01-05,123456789012345678901234567890,online\n",
     [data(2, "amount = '123456789012345678901234567890' is too large for one order (at most 9999999999.99)")]),
    ("fraction_of_a_cent", ORDERS_HEAD + "C1,2026-01-05,12.005,online\n",
     [data(2, "amount = '12.005' has more than 2 decimal places")]),
    ("duplicate_rows", GOOD_ORDERS + "C1,2026-03-01,99.00,online\n",
     [data(5, "duplicate row: same every column as line 4; remove one, or add an order_id column if both orders "
              "are real")]),
    ("duplicate_order_id", "order_id,customer_id,order_date,amount\nA1,C1,2026-01-05,12.00\nA1,C2,2026-01-06,15.00\n",
     [data(3, "duplicate row: same order_id as line 2; remove one")]),
    ("trailing_comma_on_every_row", "customer_id,order_date,amount\nC1,2026-01-05,12.00,\nC2,2026-01-06,15.00,\n",
     [data(1, "the rows have one value more than the header (a trailing comma, or a column without a name)")]),
    ("unknown_channel", ORDERS_HEAD + "C1,2026-01-05,12.00,wechat\n",
     [data(2, "channel = 'wechat' must be online or offline (or left empty)")]),
    ("empty_customer", ORDERS_HEAD + ",2026-01-05,12.00,online\n",
     [data(2, "customer_id = '' is empty; every order needs a customer")]),
    ("many_problems", ORDERS_HEAD + "".join(f"C{i},not-a-date,{i},online\n" for i in range(25)),
     [data(i, "order_date = 'not-a-date' is not a date (expected YYYY-MM-DD)") for i in range(2, 22)]
     + [data(None, "... and more problems after these 20; fix these and check again")]),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in ORDERS_CATALOGUE])
def test_orders_catalogue(tmp_path, monkeypatch, content, expected):
    monkeypatch.chdir(tmp_path)
    assert plan_error(tmp_path, "membership_community", content) == expected


def test_orders_all_after_the_analysis_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = plan_error(tmp_path, "membership_community", GOOD_ORDERS, "  analysis_date: 2025-12-31\n")
    assert lines == [data(None, "has no orders on or before the analysis date 2025-12-31")]


def products(message: str, row: int | None = None, column: str | None = None) -> str:
    where = f"row {row}, column {column}: " if column else ""
    return f"data/products.csv: {where}{message}"


NOT_FOUND_PRODUCTS = "file not found (catalogue is relative to the params file)"
PRODUCTS_CATALOGUE = [
    ("missing", MISSING, [products(NOT_FOUND_PRODUCTS)]),
    ("a_folder", FOLDER, [products("is a folder, expected a CSV file")]),
    ("a_broken_symlink", BROKEN_LINK, [products(NOT_FOUND_PRODUCTS)]),
    ("empty", "", [products("is empty; expected a header line: sku,name,category,price,cost,monthly_sales,"
                            "dwell_time,click_through,consultations,favourites,sales_growth,bounce_rate")]),
    ("not_utf8", (PRODUCTS_HEAD + "CR-1,Café,snacks,all,12.90,5.20,280,345,28.9,0.01,26,339,0.02,0.37\n")
     .encode("latin-1"), [products("is not UTF-8 or GBK text (line 2, byte 0xe9); save it as CSV UTF-8")]),
    ("header_only", PRODUCTS_HEAD, [products("has no products")]),
    ("missing_columns", "sku,name,price\nCR-1,Dried tofu,12.90\n",
     [products("missing column(s): category, cost, monthly_sales, dwell_time, click_through, consultations, "
               "favourites, sales_growth, bounce_rate (expected sku, name, category, price, cost, monthly_sales, "
               "dwell_time, click_through, consultations, favourites, sales_growth, bounce_rate)")]),
    ("non_numeric_values", product(price="twelve", sales="lots"),
     [products("'twelve' must be an amount above 0", 4, "price"),
      products("'lots' must be a number from 0 up", 4, "monthly_sales")]),
    ("zero_price_negative_cost_and_stock", product(price="0", cost="-1", stock="-5"),
     [products("'0' must be an amount above 0", 4, "price"),
      products("'-1' must be an amount of 0 or more", 4, "cost"),
      products("'-5' must be a whole number of 0 or more (or empty)", 4, "stock")]),
    ("nan_and_inf", product(price="NaN", sales="inf"),
     [products("'NaN' must be an amount above 0", 4, "price"),
      products("'inf' must be a number from 0 up", 4, "monthly_sales")]),
    ("share_above_one", product(ctr="1.5"), [products("'1.5' must be a number from 0 to 1", 4, "click_through")]),
    ("cost_above_price", product(cost="12.00"), [products("12.00 must not exceed price (9.90)", 4, "cost")]),
    ("duplicate_sku", GOOD_PRODUCTS + GOOD_PRODUCTS.splitlines(keepends=True)[1],
     [products("column sku: 'CR-1' appears more than once")]),
    ("unknown_season", product(season="monsoon"),
     [products("'monsoon' must be one of all, spring, summer, autumn, winter", 4, "season")]),
    ("trailing_comma_on_every_row", PRODUCTS_HEAD + GOOD_PRODUCTS.splitlines()[1] + ",\n",
     [products("row 1: the rows have one value more than the header (a trailing comma, or a column without a "
               "name)")]),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in PRODUCTS_CATALOGUE])
def test_product_catalogue_catalogue(tmp_path, monkeypatch, content, expected):
    monkeypatch.chdir(tmp_path)
    assert plan_error(tmp_path, "rapid_growth_cadence", content) == expected


def actuals(line: int | None, message: str) -> str:
    return data(line, message, "data/actuals.csv")


ACTUALS_CATALOGUE = [
    ("missing", MISSING, [actuals(None, "file not found (actuals: names it relative to the params file)")]),
    ("a_folder", FOLDER, [actuals(None, "is a folder, expected a CSV file")]),
    # the path is resolved before it is shown: the message names where the link points
    ("a_broken_symlink", BROKEN_LINK, ["data/gone.csv: file not found (actuals: names it relative to the params file)"]),
    ("empty", "", [actuals(None, "is empty; expected a header line: date,views,attempts,helpers,completions,orders,"
                                 "new_followers")]),
    ("not_utf8", "date,views\n2026-12-01,1\xe9\n".encode("latin-1"),
     [actuals(None, "is not UTF-8 or GBK text (line 2, byte 0xe9); save it as CSV UTF-8")]),
    ("no_date_column", "day,views\n2026-12-01,150\n",
     [actuals(1, "missing column 'date' (columns found: day, views)")]),
    ("no_metric_columns", "date,likes\n2026-12-01,150\n",
     [actuals(1, "no metric columns; this playbook reads date and any of views, attempts, helpers, completions, "
                 "orders, new_followers")]),
    ("header_only", ACTUALS_HEAD, [actuals(None, "has a header but no days")]),
    ("bad_dates", ACTUALS_HEAD + "01/12/2026,150,6,1\n2026-12-32,160,5,2\n",
     [actuals(2, "date = '01/12/2026' is not a date (expected YYYY-MM-DD)"),
      actuals(3, "date = '2026-12-32' is not a date (expected YYYY-MM-DD)")]),
    ("a_day_twice", GOOD_ACTUALS + "2026-12-02,170,5,2\n",
     [actuals(4, "date = '2026-12-02' repeats line 3; one row per day")]),
    ("negative_and_non_numeric", ACTUALS_HEAD + "2026-12-01,-150,six,1\n",
     [actuals(2, "views = '-150' is negative; actuals count what happened that day (0 or more)"),
      actuals(2, "attempts = 'six' is not a number")]),
    ("trailing_comma_on_every_row", ACTUALS_HEAD + "2026-12-01,150,6,1,\n2026-12-02,160,5,2,\n",
     [actuals(1, "the rows have one value more than the header (a trailing comma, or a column without a name)")]),
]


@pytest.mark.parametrize(("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in ACTUALS_CATALOGUE])
def test_actuals_catalogue(tmp_path, monkeypatch, content, expected):
    monkeypatch.chdir(tmp_path)
    assert plan_error(tmp_path, "first_event_bargaining", content) == expected


@pytest.mark.parametrize(("playbook", "content", "shown"), [
    ("membership_community", GOOD_ORDERS, "data/orders.csv"),
    ("rapid_growth_cadence", GOOD_PRODUCTS, "data/products.csv"),
    ("first_event_bargaining", GOOD_ACTUALS, "data/actuals.csv"),
])
def test_a_data_file_that_cannot_be_read_says_why(tmp_path, monkeypatch, playbook, content, shown):
    # as root every file is readable: the refusal is simulated where the reader opens the file
    monkeypatch.chdir(tmp_path)
    real = Path.read_bytes

    def refuse(path, *args, **kwargs):
        if Path(path).parent.name == "data":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert plan_error(tmp_path, playbook, content) == [f"{shown}: cannot be read: Permission denied"]


@pytest.mark.parametrize("playbook", list(DATA_PARAMS))
def test_the_good_data_files_build_a_plan_so_each_entry_above_is_one_mistake(tmp_path, monkeypatch, playbook):
    monkeypatch.chdir(tmp_path)
    name, params = DATA_PARAMS[playbook]
    (tmp_path / "data").mkdir()
    good = {"orders.csv": GOOD_ORDERS, "products.csv": GOOD_PRODUCTS, "actuals.csv": GOOD_ACTUALS}[name]
    (tmp_path / "data" / name).write_text(good, encoding="utf-8")
    (tmp_path / "merchant.yaml").write_text(params, encoding="utf-8")
    plan = registry.build_plan(playbook, load_params(tmp_path / "merchant.yaml").for_playbook(playbook))
    assert plan.kpis
