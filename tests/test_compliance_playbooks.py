"""Platform rules in the cadence and membership playbooks: what each uses, its compliance section, plan.json."""

from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import PARAMS
from merchant_playbooks.cli import main
from merchant_playbooks.compliance import check, check_groups
from merchant_playbooks.loading import load_params
from merchant_playbooks.membership_community import compliance as mc
from merchant_playbooks.membership_community.plan import build_plan as build_membership
from merchant_playbooks.plan import Callout, Table
from merchant_playbooks.planfiles import write_plan_files
from merchant_playbooks.rapid_growth_cadence import compliance as rgc
from merchant_playbooks.rapid_growth_cadence.figures import plan_figures
from merchant_playbooks.rapid_growth_cadence.plan import build_plan as build_cadence
from merchant_playbooks.render import section_html, text_out
from merchant_playbooks.rule_warnings import plan_warnings, playbook_uses, warnings_for

CRUNCH = PARAMS / "crunch-snacks.yaml"
LILY = PARAMS / "lily-shoes.yaml"


def _params(path, playbook, **changes):
    params = load_params(path).for_playbook(playbook)
    section = params.section.model_validate({**params.section.model_dump(), "simulations": 200, **changes})
    return dataclasses.replace(params, section=section)


def _by_pair(rows) -> dict[tuple[str, str], dict]:
    return {(r["mechanic"], r["channel"]): r for r in rows}


def _callouts(plan, level: str) -> list[Callout]:
    return [b for b in plan.sections["compliance"].blocks if isinstance(b, Callout) and b.level == level]


# ---------------------------------------------------------------- rapid_growth_cadence


@pytest.fixture(scope="module")
def crunch_plan():
    return build_cadence(_params(CRUNCH, "rapid_growth_cadence"))


def test_cadence_uses_come_from_weekly_activities_and_event_schemes():
    s = _params(CRUNCH, "rapid_growth_cadence").section
    pairs = rgc.uses(s)
    assert [a.activity for a in s.weekly_activities] == ["group_tasting", "hot_bargain"]
    assert ("bargaining", "mini_program") in pairs and ("bargaining", "wechat_group") in pairs
    assert ("bargaining", "external_link") not in pairs  # the weekly bargain stays inside the mini program
    assert {m for m, _ in pairs} == {"bargaining", "coupon", "group_buy"}  # tasting: no platform rule
    assert {c for m, c in pairs if m == "coupon"} == set(rgc.EVENT_CHANNELS)

    plain = s.model_validate({**s.model_dump(), "weekly_activities": [{"weekday": "fri", "activity": "member_day"}],
                              "events": ["spring_festival", "double_11", "mid_autumn"]})
    assert rgc.event_schemes(plain) == ["full_reduction", "gift_with_purchase", "ladder_price"]
    assert rgc.uses(plain) == []
    live = plain.model_validate({**plain.model_dump(),
                                 "weekly_activities": [{"weekday": "sat", "activity": "live_stream"}],
                                 "event_settings": {"double_11": {"schemes": ["group_buy", "bundle"]}}})
    assert rgc.uses(live) == [("coupon", "mini_program"), ("coupon", "wechat_group"),
                              *[("group_buy", c) for c in rgc.EVENT_CHANNELS]]


def test_a_premium_shop_s_swapped_schemes_and_theme_events_drop_their_mechanics():
    s = _params(CRUNCH, "rapid_growth_cadence").section
    base = {**s.model_dump(), "weekly_activities": [], "events": ["national_day", "double_12"]}
    assert {m for m, _ in rgc.uses(s.model_validate(base))} == {"group_buy", "coupon"}
    assert rgc.uses(s.model_validate({**base, "premium": True})) == []  # coupon, group buy → member price, gift
    assert rgc.uses(s.model_validate({**base, "average_order_value": 500})) == []  # premium by order value
    theme = {"national_day": {"discount": False}, "double_12": {"discount": False}}
    assert rgc.uses(s.model_validate({**base, "event_settings": theme})) == []


def test_cadence_plan_lists_exactly_the_scheduled_events_schemes(crunch_plan):
    s = _params(CRUNCH, "rapid_growth_cadence").section
    scheduled = {x for e in crunch_plan.model.events if e.discount for x in e.schemes}
    assert set(rgc.event_schemes(s, crunch_plan.model.events)) == scheduled
    figures = plan_figures(_params(CRUNCH, "rapid_growth_cadence"))  # what the spine hands to `uses`
    assert figures.model.events == crunch_plan.model.events
    assert set(rgc.uses(s, figures)) <= set(rgc.uses(s))  # validate's list is never shorter
    listed = {(r["mechanic"], r["channel"]) for r in crunch_plan.data["compliance"]}
    assert listed == set(rgc.uses(s, figures))


def test_cadence_plan_has_a_compliance_section_and_plan_json_lists_it(crunch_plan, tmp_path):
    keys = [sec.key for sec in crunch_plan.ordered_sections()]
    assert keys.index("compliance") == keys.index("risks") + 1
    json_path, _ = write_plan_files(crunch_plan, tmp_path / "rapid_growth_cadence")
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    rows = _by_pair(saved["compliance"])
    assert rows[("bargaining", "mini_program")]["status"] == "restricted"
    assert rows[("bargaining", "mini_program")]["advice"].startswith("Publish the full rules")
    # the events' share path is the compliant one: the mini program's own cards, groups, the official account
    assert not any(channel == "external_link" for _, channel in rows)
    assert rows[("coupon", "official_account")]["status"] == "allowed"
    assert rows[("group_buy", "mini_program")]["status"] == "allowed"
    assert not any(r["status"] == "forbidden" for r in saved["compliance"])
    statuses = [r["status"] for r in saved["compliance"]]
    assert statuses == sorted(statuses, key=["forbidden", "restricted", "allowed"].index)
    assert saved["compliance_rules"]["version"] and len(saved["tables"]["compliance"]) == len(rows)

    restricted = sum(r["status"] == "restricted" for r in saved["compliance"])
    (warning,) = _callouts(crunch_plan, "warning")
    said = f"{restricted} items are" if restricted != 1 else f"{restricted} item is"  # a plural, not "item(s)"
    assert said in text_out(crunch_plan, warning.text, html_out=False)
    assert saved["compliance_summary"] == {"forbidden": 0, "restricted": restricted}
    assert _callouts(crunch_plan, "danger") == []
    html = section_html(crunch_plan, crunch_plan.sections["compliance"])
    assert "Price-cut bargaining" in html and 'class="mp-callout mp-danger"' not in html


def test_a_cadence_without_shared_mechanics_has_nothing_restricted():
    params = _params(CRUNCH, "rapid_growth_cadence", weekly_activities=[{"weekday": "wed", "activity": "member_day"}],
                     events=["spring_festival", "mid_autumn", "double_11"])
    plan = build_cadence(params)
    assert plan.data["compliance"] == [] and plan.tables["compliance"].empty
    assert _callouts(plan, "warning") == [] and len(_callouts(plan, "info")) == 1  # "nothing forbidden"
    assert any(isinstance(b, Table) and b.name == "compliance" for b in plan.sections["compliance"].blocks)
    assert "mp-section" in section_html(plan, plan.sections["compliance"])


# ---------------------------------------------------------------- membership_community


@pytest.fixture(scope="module")
def lily_plan():
    return build_membership(_params(LILY, "membership_community"))


def test_membership_uses_follow_its_lottery_camp_and_gifts():
    s = _params(LILY, "membership_community").section
    g = mc.GROUP_CHANNEL
    assert mc.uses(s) == [("coupon", g), ("coupon", "offline_store"), ("referral_gift", g),
                          ("community_lottery", g), ("community_lottery", "offline_store"), ("challenge_camp", g)]
    assert mc.group_sizes(s) == [(g, 500)]
    quiet = s.model_validate({**s.model_dump(), "camp": {"enabled": False}, "community": {
        **s.community.model_dump(), "lottery": {"enabled": False}, "group_size": 80,
        "gifts": [{"kind": "pull_new", "item": "Sachet", "unit_cost": 2}]}})
    assert mc.uses(quiet) == [("coupon", g), ("coupon", "offline_store")]  # a joining gift is not a referral
    assert mc.group_sizes(quiet) == [(g, 80)]


@pytest.mark.parametrize(("size", "status", "words"), [
    (40, "allowed", "Within every"),
    (80, "allowed", "must accept"),
    (150, "restricted", "real-name"),
    (500, "restricted", "QR code"),
])
def test_membership_group_size_is_checked_against_wechat_limits(size, status, words):
    s = _params(LILY, "membership_community").section
    sized = s.model_validate({**s.model_dump(), "community": {**s.community.model_dump(), "group_size": size}})
    (row,) = check_groups(mc.group_sizes(sized))
    assert (row.channel, row.size, row.status) == ("wechat_group", size, status) and words in row.advice


def test_membership_plan_has_a_compliance_section_and_plan_json_lists_it(lily_plan, tmp_path):
    keys = [sec.key for sec in lily_plan.ordered_sections()]
    assert keys.index("compliance") == keys.index("risks") + 1
    json_path, _ = write_plan_files(lily_plan, tmp_path / "membership_community")
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    rows = _by_pair(saved["compliance"])
    group = rows[("group_size", "wechat_group")]
    assert group["status"] == "restricted" and group["size"] == 500 and "QR code stops admitting at 200" in (
        group["advice"])
    assert rows[("community_lottery", "wechat_group")]["status"] == "restricted"
    assert "third prize" in rows[("community_lottery", "wechat_group")]["advice"]
    assert rows[("referral_gift", "wechat_group")]["advice"].startswith("Reward the referrer only when")
    assert rows[("challenge_camp", "wechat_group")]["status"] == "allowed"
    assert not any(r["status"] == "forbidden" for r in saved["compliance"])
    assert _callouts(lily_plan, "danger") == [] and len(_callouts(lily_plan, "warning")) == 1
    html = section_html(lily_plan, lily_plan.sections["compliance"])
    assert "A group of 500 members" in html and "Community lottery with paid upgrades" in html


def test_membership_params_change_what_is_flagged(tmp_path):
    lottery = "    lottery:\n      third_prize: shoe-care kit\n      first_prize: pair of shoes\n"
    assert lottery in LILY.read_text(encoding="utf-8")
    text = LILY.read_text(encoding="utf-8").replace("language: en", "language: zh").replace(
        lottery, "    group_size: 150\n    lottery: {enabled: false}\n", 1)
    text = text.replace("../data/", f"{PARAMS.parent}/data/")
    path = tmp_path / "lily-zh.yaml"
    path.write_text(text, encoding="utf-8")
    params = load_params(path).for_playbook("membership_community")
    assert params.section.community.group_size == 150 and not params.section.community.lottery.enabled
    plan = build_membership(dataclasses.replace(
        params, section=params.section.model_copy(update={"simulations": 200})))
    rows = _by_pair(plan.data["compliance"])
    assert not any(m == "community_lottery" for m, _ in rows)
    group = rows[("group_size", "wechat_group")]
    assert group["status"] == "restricted" and group["size"] == 150 and "实名" in group["advice"]
    table = plan.tables["compliance"]
    labels = set(table["status_label"])
    assert labels <= {"允许", "有条件允许", "禁止"} and "有条件允许" in labels


# ---------------------------------------------------------------- validate


def test_validate_finds_both_modules_and_warns_only_about_forbidden_uses(capsys):
    crunch, lily = load_params(CRUNCH), load_params(LILY)
    assert playbook_uses("rapid_growth_cadence", crunch.sections["rapid_growth_cadence"]) == (
        rgc.uses(crunch.sections["rapid_growth_cadence"]), [])
    section = lily.sections["membership_community"]
    assert playbook_uses("membership_community", section) == (mc.uses(section), mc.group_sizes(section))
    assert any(r.status == "restricted" for r in check(mc.uses(section)))  # restricted: in the plan, not a warning

    assert main(["validate", str(CRUNCH), str(LILY)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert not [line for line in warnings if "first_event_bargaining" in line]  # the samples' bargains comply
    planned = [w for mp in (crunch, lily) for _, w in plan_warnings(mp)]
    assert len(warnings) == len(planned)  # validate prints what the plans warn of, and the samples plan no past date
    assert len(warnings) == len(warnings_for(crunch)) + len(warnings_for(lily))  # the params-only check agrees
