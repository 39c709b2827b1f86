"""`playbooks backtest`: the published cases against their plans (data/cases/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from merchant_playbooks import backtest, cli
from merchant_playbooks.errors import ParamsError, UserError

SECTION = {"start_date": "2026-07-01", "duration_days": 10, "product": "Basket", "original_price": 199,
           "floor_price": 99, "unit_cost": 62, "stock": 300, "seed": 3, "simulations": 300}


def write_case(folder: Path, case_id: str = "tiny-bargain", **case) -> Path:
    spec = {"id": case_id, "source": "000_c85a5f78eabb28fa.txt", "playbook": "first_event_bargaining",
            "story": "A shop's first bargain.", "outcomes": [{"metric": "views", "reported": 1000, "says": "views"}],
            **case}
    doc = {"case": spec, "merchant": {"name": "Tiny", "fans": 800, "budget": 6000},
           "playbooks": ["first_event_bargaining"], "first_event_bargaining": SECTION}
    path = folder / f"{case_id}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_case_sets_each_reported_figure_beside_the_plans_range(tmp_path):
    path = write_case(tmp_path)
    [row] = backtest.backtest([path])
    assert row.p10 < row.p50 < row.p90 and row.metric == "views" and row.case == "tiny-bargain"
    # the same case, its figure moved onto the plan's P50 and then far above its P90
    at_p50 = write_case(tmp_path, outcomes=[{"metric": "views", "reported": row.p50, "says": "views"}])
    assert backtest.backtest([at_p50])[0].inside
    far = write_case(tmp_path, outcomes=[{"metric": "views", "reported": row.p90 * 3, "bound": "over", "says": "v"}])
    miss = backtest.backtest([far])[0]
    assert not miss.in_band and not miss.inside and miss.ratio < 1 / backtest.RATIO
    lines = backtest.table([miss])
    assert "NO" in lines[1] and lines[-1] == "cases_inside 0/1"


def test_a_cap_fits_when_the_plans_p90_stays_under_it(tmp_path):
    [row] = backtest.backtest([write_case(tmp_path)])
    under = write_case(tmp_path, outcomes=[{"metric": "views", "reported": row.p90 * 1.01, "bound": "at_most",
                                            "says": "views cap"}])
    assert backtest.backtest([under])[0].in_band
    over = write_case(tmp_path, outcomes=[{"metric": "views", "reported": row.p50, "bound": "at_most", "says": "c"}])
    assert not backtest.backtest([over])[0].in_band  # the P50 at the cap: the P90 breaks it


def test_the_command_prints_the_table_and_writes_backtest_json(tmp_path, capsys):
    path = write_case(tmp_path)
    [row] = backtest.backtest([path])
    fits = write_case(tmp_path, "fits", outcomes=[{"metric": "views", "reported": row.p50, "says": "views"}])
    assert cli.main(["backtest", str(fits), "--out", str(tmp_path / "bt")]) == 0
    printed = capsys.readouterr().out
    assert "P50/reported" in printed and "cases_inside 1/1" in printed
    [record] = json.loads((tmp_path / "bt" / "backtest.json").read_text(encoding="utf-8"))
    assert {"case", "playbook", "metric", "reported", "p10", "p50", "p90", "source"} <= set(record)
    assert record["case"] == "fits" and record["p50"] == pytest.approx(row.p50)
    assert record["source"].endswith("000_c85a5f78eabb28fa.txt")
    far = write_case(tmp_path, "far", outcomes=[{"metric": "views", "reported": row.p90 * 9, "says": "views"}])
    assert cli.main(["backtest", str(far)]) == 1  # a figure outside its range fails the run


@pytest.mark.parametrize("case, expected", [
    ({"id": "Other"}, "case.id = 'Other' must be lower-case letters"),
    ({"source": "the article"}, "case.source = 'the article' must name a source article's file"),
    ({"playbook": "bargain"}, "case.playbook = 'bargain' must be one of"),
    ({"outcomes": [{"metric": "views", "reported": 10, "bound": "roughly", "says": "v"}]}, "case.outcomes.0.bound"),
    ({"outcomes": []}, "case.outcomes"),
])
def test_a_bad_case_block_names_the_file_the_field_and_the_value(tmp_path, case, expected):
    path = write_case(tmp_path, **case)
    with pytest.raises(ParamsError) as err:
        backtest.load_case(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_a_case_names_a_figure_the_plan_forecasts(tmp_path):
    path = write_case(tmp_path, outcomes=[{"metric": "likes", "reported": 10, "says": "likes"}])
    with pytest.raises(UserError, match=r"metric 'likes' is not a figure the first_event_bargaining plan"):
        backtest.backtest([path])
    with pytest.raises(UserError, match="no such case"):
        backtest.case_paths(["no-such-case"], tmp_path)
    assert cli.main(["backtest", str(tmp_path / "nope.yaml")]) == 1  # a message, not a traceback


def test_a_case_file_is_also_a_params_file(tmp_path, capsys):
    """`playbooks validate` reads a case like any params file: the `case:` block is allowed."""
    assert cli.main(["validate", str(write_case(tmp_path))]) == 0


#: the cases issue 18 names, each a file of data/cases/
REQUIRED_CASES = {"household-price-cut", "driving-school-micro-assistance", "micro-voting",
                  "womens-shoes-anniversary", "beauty-weight-loss-camp", "store-pull-new"}


def test_the_case_library_holds_the_published_cases_and_every_figure_fits(tmp_path, capsys):
    """The whole library through `playbooks backtest`: every reported figure inside P10-P90, P50 within 1.5x."""
    paths = backtest.case_paths([])
    assert REQUIRED_CASES <= {p.stem for p in paths}
    assert cli.main(["backtest", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    records = json.loads((tmp_path / "backtest.json").read_text(encoding="utf-8"))
    assert f"cases_inside {len(records)}/{len(records)}" in printed and len(records) >= 16
    assert {r["case"] for r in records} == {p.stem for p in paths}
    assert {r["playbook"] for r in records} >= {"first_event_bargaining", "zero_fan_launch", "membership_community"}
