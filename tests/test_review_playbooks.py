"""The review wired into the zero-fan launch, the activity calendar and the community sale.

Each playbook: actuals equal to the plan's P50 series give zero variance and the
planned centres back; days pushed outside the band are flagged; plan.json has
`review`. Small simulations, build_plan directly (no kernel).
"""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import PARAMS
from merchant_playbooks import registry
from merchant_playbooks.loading import PlaybookParams, load_params
from merchant_playbooks.planfiles import write_plan_files
from merchant_playbooks.render import section_html

# playbook -> (sample params, rates re-estimated, (day, metric, factor) pushed out of the band)
CASES = {
    "zero_fan_launch": ("driving-school.yaml",
                        {"shares_per_participant_day", "views_per_share", "help_rate", "join_rate",
                         "participant_follow_rate"},
                        [(4, "views", 5.0), (7, "new_fans", 0.0)]),
    "rapid_growth_cadence": ("crunch-snacks.yaml", {"conversion_rate", "new_member_rate"},
                             [(20, "traffic", 4.0), (40, "orders", 0.0)]),
    "membership_community": ("lily-shoes.yaml", {"join_rate", "store_visit_rate", "visit_conversion"},
                             [(3, "joined", 5.0), (6, "store_buyers", 0.0)]),
}
RAPID_DAYS = 90  # a year plan reviewed after its first quarter


@pytest.fixture(autouse=True)
def _after_the_campaigns(monkeypatch):
    """These campaigns are reviewed after they ended (the review covers days up to the run date only)."""
    monkeypatch.setenv("PLAYBOOKS_TODAY", "2027-12-31")


def params_for(playbook: str, actuals: str | None, simulations: int = 200) -> PlaybookParams:
    sample = load_params(PARAMS / CASES[playbook][0]).for_playbook(playbook)
    section = sample.section.model_copy(update={"actuals": actuals, "simulations": simulations})
    return dataclasses.replace(sample, section=section)


def build(playbook: str, params: PlaybookParams):
    return registry.build_plan(playbook, params)


def p50_table(playbook: str) -> pd.DataFrame:
    """The plan's expected (P50) daily series as a wide actuals table (the first quarter for a year plan)."""
    params = params_for(playbook, None)
    plan = build(playbook, params)
    spec = registry.get(playbook).review()(plan, params)
    wide = spec.daily.pivot(index="date", columns="metric", values="p50").reset_index()
    wide["date"] = [d.isoformat() for d in pd.to_datetime(wide["date"]).dt.date]
    if playbook == "rapid_growth_cadence":
        wide = wide.iloc[:RAPID_DAYS]
    return wide[["date", *(m.key for m in spec.metrics)]]


@pytest.fixture(scope="module")
def p50_tables() -> dict[str, pd.DataFrame]:
    return {pb: p50_table(pb) for pb in CASES}


@pytest.mark.parametrize("playbook", list(CASES))
def test_actuals_equal_to_the_p50_series_give_zero_variance_and_the_planned_centres(playbook, p50_tables, tmp_path):
    table = p50_tables[playbook]
    csv = tmp_path / "actuals.csv"
    table.to_csv(csv, index=False)  # floats written exactly (repr)
    params = params_for(playbook, str(csv))
    plan = build(playbook, params)
    per_kpi = plan.data["review"]
    assert set(per_kpi) == set(table.columns) - {"date"}
    for metric, row in per_kpi.items():
        assert row["actual"] == pytest.approx(row["p50"], rel=1e-12), metric
        assert row["variance"] == pytest.approx(0, abs=1e-6), metric
        assert row["status"] == "within" and row["days_reported"] == len(table)
    summary = plan.data["review_summary"]
    rates = summary["rates"]
    assert set(rates) == CASES[playbook][1]
    ranges = params.section.uncertain() if hasattr(params.section, "uncertain") else {}
    for name, r in rates.items():
        planned = ranges.get(name) or getattr(params.section, name)
        assert r["estimate"] == pytest.approx(planned.centre, rel=1e-9), name
        assert r["next"][0] <= r["estimate"] <= r["next"][1] and r["days"] == len(table)
    assert summary["flagged_days"] == [] and summary["missing_days"] == []
    # the goal is the P50 of the total; the sum of daily P50s is close to it (a fission campaign's
    # days are skewed: a few percent apart with 200 draws, more since a typed range is its P10–P90)
    assert summary["goal"]["actual"] == pytest.approx(summary["goal"]["target"], rel=0.08)
    assert summary["days_planned"] == len(table)  # a partial year is reviewed up to its last day reported
    json.dumps(plan.data["review"], allow_nan=False)  # no NaN, not even for the school with no fans nor budget
    json.dumps({k: v for k, v in summary.items() if k != "goal"}, allow_nan=False)
    assert "review" in plan.sections


@pytest.mark.parametrize("playbook", list(CASES))
def test_days_outside_the_band_are_flagged(playbook, p50_tables, tmp_path):
    table = p50_tables[playbook].copy()
    pushed = CASES[playbook][2]
    for day, metric, factor in pushed:
        table.loc[day, metric] *= factor
    csv = tmp_path / "actuals.csv"
    table.to_csv(csv, index=False)
    plan = build(playbook, params_for(playbook, str(csv)))
    flagged = {(f["date"], f["metric"], f["side"]) for f in plan.data["review_summary"]["flagged_days"]}
    expected = {(table.loc[day, "date"], metric, "above" if factor > 1 else "below") for day, metric, factor in pushed}
    assert flagged == expected
    html = section_html(plan, plan.sections["review"])
    assert "↑" in html and "↓" in html


@pytest.mark.parametrize("playbook", list(CASES))
def test_sample_merchant_reviews_its_sample_actuals_in_plan_json(playbook, tmp_path):
    sample = load_params(PARAMS / CASES[playbook][0]).for_playbook(playbook)
    assert sample.section.actuals and Path(sample.data_path(sample.section.actuals)).is_file()
    plan = build(playbook, params_for(playbook, sample.section.actuals))
    json_path = write_plan_files(plan, tmp_path / playbook)[0]
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["review"] and all(math.isfinite(k["actual"]) for k in data["review"].values())
    assert data["review_summary"]["days_reported"] > 0
    # the next campaign's block pastes into the section (nested where the rates are) and validates
    pasted = yaml.safe_load(data["review_summary"]["next_params"])[playbook]
    section = sample.section.model_dump(mode="json", exclude={"actuals"})
    for key, value in pasted.items():
        section[key] = {**section[key], **value} if isinstance(value, dict) else value
    type(sample.section).model_validate(section)
    leaves = {k for k, v in pasted.items() if not isinstance(v, dict)} | {
        k for v in pasted.values() if isinstance(v, dict) for k in v}
    assert leaves == CASES[playbook][1]


def test_without_actuals_there_is_no_review():
    for playbook in CASES:
        plan = build(playbook, params_for(playbook, None, simulations=100))
        assert "review" not in plan.sections and "review" not in plan.data


def test_a_viral_campaign_does_not_run_the_fission_rate_away(p50_tables, tmp_path):
    """Ten times the participants, each sharing as planned: the shares per participant-day stay as planned
    (the rate is shares / participants so far, not backed out of the campaign's total shares)."""
    table = p50_tables["zero_fan_launch"].copy()
    for m in ("shares", "views", "reached", "helpers", "participants", "new_fans"):
        table[m] = table[m] * 10
    table.to_csv(tmp_path / "viral.csv", index=False)
    params = params_for("zero_fan_launch", str(tmp_path / "viral.csv"))
    r = build("zero_fan_launch", params).data["review_summary"]["rates"]["shares_per_participant_day"]
    planned = params.section.shares_per_participant_day
    assert r["observed"] == pytest.approx(planned.centre, rel=1e-6)
    assert planned.low <= r["next"][0] <= r["next"][1] <= planned.high * 1.2


def test_a_rate_the_actuals_cannot_measure_stays_and_says_why(tmp_path):
    sample = load_params(PARAMS / "bloom-household.yaml").for_playbook("first_event_bargaining")
    merchant = sample.merchant.model_copy(update={"fans": 0})
    (tmp_path / "a.csv").write_text("date,views,attempts\n2026-12-01,300,9\n2026-12-02,280,10\n", encoding="utf-8")
    section = sample.section.model_copy(update={"actuals": "a.csv", "simulations": 200,
                                                "start_date": date(2026, 12, 1), "external_views": 3000})
    params = dataclasses.replace(sample, merchant=merchant, section=section, base_dir=tmp_path)
    plan = build("first_event_bargaining", params)
    r = plan.data["review_summary"]["rates"]["views_per_fan"]
    assert r["reason"] == "no_fans" and r["next"] is None
    assert "no fans" in section_html(plan, plan.sections["review"])
