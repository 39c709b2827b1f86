"""Dates against today (issue 17): relative params dates, plans that start before the run date,
actuals from the future, forbidden uses on the cover, and samples that never go stale."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import PARAMS, PLUM, TODAY
from merchant_playbooks import clock, registry
from merchant_playbooks.cli import main
from merchant_playbooks.errors import DataFileError, ParamsError
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.first_event_bargaining.schema import Section
from merchant_playbooks.loading import PlaybookParams, load_params
from merchant_playbooks.pastdates import first_step
from merchant_playbooks.render import warnings_html
from merchant_playbooks.review_actuals import read_actuals
from merchant_playbooks.runner import plan_jobs
from merchant_playbooks.schema import MerchantSection

PINNED = date.fromisoformat(TODAY)


def plum(write_params, start: str = "today+30", share_via: str = "[mini_program]", **kw) -> PlaybookParams:
    return load_params(write_params(PLUM.format(start=start, share_via=share_via), **kw)).for_playbook(
        "first_event_bargaining")


def bargain(start: date, lang: str = "en", **section) -> PlaybookParams:
    merchant = MerchantSection(name="Plum" if lang == "en" else "梅子茶铺", language=lang, fans=900, budget=5000)
    s = Section(start_date=start, warmup_days=3, original_price=80, floor_price=40, stock=50, forced_follow=False,
                share_via=["mini_program"], simulations=200, **section)
    return PlaybookParams("first_event_bargaining", merchant, s, "<test>", Path.cwd())


def codes(plan, part: str) -> list[dict]:
    return [w for w in plan.warnings if part in w["code"]]


# ------------------------------------------------------------------ relative dates in params


def test_the_session_runs_on_the_pinned_day():
    assert clock.run_date() == PINNED == date.fromisoformat(clock.PINNED)


@pytest.mark.parametrize("written, days", [("today", 0), ("today+14", 14), ("today-30", -30), (" Today + 7 ", 7)])
def test_a_date_relative_to_the_run_date_is_resolved_and_plan_json_keeps_the_date(write_params, written, days):
    params = plum(write_params, start=f"'{written}'")
    assert params.section.start_date == PINNED + timedelta(days=days)
    doc = build_plan(params).to_dict()
    assert doc["start_date"] == (PINNED + timedelta(days=days)).isoformat() and doc["run_date"] == TODAY


def test_relative_dates_move_with_the_run_date(write_params, monkeypatch):
    path = write_params(PLUM.format(start="today+30", share_via="[mini_program]"))
    monkeypatch.setenv(clock.ENV, "2030-02-27")
    assert load_params(path).sections["first_event_bargaining"].start_date == date(2030, 3, 29)


@pytest.mark.parametrize("written", ["today+x", "today*2", "today+14d"])
def test_a_relative_date_in_another_form_is_refused_naming_file_line_and_forms(write_params, written):
    with pytest.raises(ParamsError) as exc:
        plum(write_params, start=written)
    assert str(exc.value).splitlines() == [
        (f"{exc.value.source}:8: first_event_bargaining.start_date = {written!r} must be a date written YYYY-MM-DD, "
         "or days from the run date: today, today+14, today-30")]


# ------------------------------------------------------------------ a plan that starts before today


def test_a_plan_whose_warm_up_began_before_today_is_flagged_on_the_cover_and_in_plan_json():
    plan = build_plan(bargain(date(2026, 12, 2)))  # warm-up from 29 Nov
    assert first_step(plan) == (date(2026, 11, 29), "warmup")
    [past] = codes(plan, "past")
    assert past["message"].startswith("Warm-up starts 29 Nov, before today 4 Dec")
    assert past["date"] == "2026-11-29" and past["today"] == TODAY and past["level"] == "danger"
    assert past in plan.to_dict()["warnings"]
    cover = warnings_html(plan)
    assert 'data-warning="past_start"' in cover and "Warm-up starts 29 Nov" in cover and "mp-danger" in cover


def test_the_warning_speaks_chinese_and_names_the_year_when_it_is_another():
    plan = build_plan(bargain(date(2025, 3, 10), lang="zh"))
    [past] = codes(plan, "past")
    assert past["message"].startswith("预热从2025年3月7日开始，早于今天12月4日")


def test_a_plan_from_today_on_or_with_actuals_is_not_flagged(tmp_path):
    assert codes(build_plan(bargain(PINNED + timedelta(days=3))), "past") == []  # warm-up starts today
    assert codes(build_plan(bargain(PINNED + timedelta(days=2))), "past") != []  # ... and a day earlier
    past = bargain(date(2026, 11, 1))
    days = [past.section.start_date + timedelta(days=i) for i in range(7)]
    (tmp_path / "actuals.csv").write_text("date,views\n" + "".join(f"{d},100\n" for d in days), encoding="utf-8")
    reviewed = dataclasses.replace(past, base_dir=tmp_path,
                                   section=past.section.model_copy(update={"actuals": "actuals.csv"}))
    plan = build_plan(reviewed)
    assert "review" in plan.sections and codes(plan, "past") == []  # a review looks back by design


# ------------------------------------------------------------------ actuals can only cover days that have happened


def test_actuals_dated_after_today_are_refused_naming_the_file_and_every_line(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text("date,views\n2026-12-01,10\n2026-12-04,12\n2026-12-05,9\n2027-01-02,3\n", encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        read_actuals(path, ("views",), date(2026, 12, 1), date(2026, 12, 10), source="actuals.csv")
    assert str(exc.value).splitlines() == [
        "actuals.csv: line 4: date 2026-12-05 is after today 2026-12-04; actuals can only cover days that have happened",
        "actuals.csv: line 5: date 2027-01-02 is after today 2026-12-04; actuals can only cover days that have happened",
    ]


def test_validate_refuses_future_actuals_as_one_merchants_error(write_params, tmp_path, capsys):
    (tmp_path / "actuals.csv").write_text("date,views\n2026-12-03,10\n2026-12-05,9\n", encoding="utf-8")
    good = write_params(PLUM.format(start="2026-12-01", share_via="[mini_program]"), name="good.yaml")
    bad = write_params(PLUM.format(start="2026-12-01", share_via="[mini_program]") + "  actuals: actuals.csv\n",
                       name="bad.yaml")
    bad.write_text(bad.read_text(encoding="utf-8").replace("plum-tea", "plum-two"), encoding="utf-8")
    assert main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr()
    assert "good.yaml: ok" in out.out and "bad.yaml: ok" not in out.out
    assert (f"{tmp_path / 'actuals.csv'}: line 3: date 2026-12-05 is after today 2026-12-04; actuals can only "
            "cover days that have happened") in out.err.splitlines()
    assert "Traceback" not in out.err


# ------------------------------------------------------------------ forbidden uses, warned


def test_a_forbidden_use_set_in_params_is_warned_with_its_alternative(write_params):
    plan = build_plan(plum(write_params, share_via="[external_link]"))
    forbidden = codes(plan, "forbidden")
    rows = [r for r in plan.data["compliance"] if r["status"] == "forbidden"]
    assert rows and {(w["mechanic"], w["channel"]) for w in forbidden} == {(r["mechanic"], r["channel"]) for r in rows}
    bargain_link = next(w for w in forbidden if (w["mechanic"], w["channel"]) == ("bargaining", "external_link"))
    advice = next(r["advice"] for r in rows if (r["mechanic"], r["channel"]) == ("bargaining", "external_link"))
    assert bargain_link["message"].startswith("Forbidden: Price-cut bargaining — External links (Moments, H5 pages).")
    assert f"Instead: {advice}" in bargain_link["message"] and bargain_link["level"] == "danger"
    assert warnings_html(plan).count('data-warning="forbidden_use"') == len(forbidden)
    assert codes(build_plan(plum(write_params, share_via="[mini_program]", name="safe.yaml")), "forbidden") == []


def test_the_run_date_is_part_of_the_up_to_date_check(monkeypatch, tmp_path):
    [job] = plan_jobs([PARAMS / "huayang-zh.yaml"], tmp_path)[0]
    monkeypatch.setenv(clock.ENV, "2026-12-05")
    [tomorrow] = plan_jobs([PARAMS / "huayang-zh.yaml"], tmp_path)[0]
    assert job.fingerprint != tomorrow.fingerprint  # its dates (today+91) and warnings move with the day


# ------------------------------------------------------------------ the samples never go stale


def _cheap(mp, name: str) -> PlaybookParams:
    params = mp.for_playbook(name)
    update = {"simulations": 200} if getattr(params.section, "simulations", 0) > 200 else {}
    return dataclasses.replace(params, section=params.section.model_copy(update=update))


def sample_sections():
    for path in sorted(PARAMS.glob("*.yaml")):
        mp = load_params(path)
        for name in mp.playbooks:
            yield path, name, bool(getattr(mp.sections[name], "actuals", None))


def test_the_samples_plan_no_past_date_and_review_only_the_past(monkeypatch):
    """On the pinned day every sample builds (actuals never after today) and no plan to be run starts
    before today; on the real today, in 200 days and in three years, the samples to be run still lie ahead
    (the reviewed ones are fixed dates in the past, which only grows truer)."""
    sections = list(sample_sections())
    assert any(reviewed for *_, reviewed in sections) and any(not reviewed for *_, reviewed in sections)
    real = date.today()
    for today in (PINNED, real, real + timedelta(days=200), real + timedelta(days=3 * 365)):
        monkeypatch.setenv(clock.ENV, today.isoformat())
        for path, name, reviewed in sections:
            if reviewed and today != PINNED:
                continue
            mp = load_params(path)
            plan = registry.build_plan(name, _cheap(mp, name))
            assert codes(plan, "past") == [], (today, path.name, name, plan.warnings)
            day, _ = first_step(plan)
            if reviewed:
                assert "review" in plan.sections, (path.name, name)
            else:
                assert day >= today, (today, path.name, name)
