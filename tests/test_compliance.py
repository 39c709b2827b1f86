"""Platform rules: the versioned table, forbidden uses flagged in plans and plan.json, validate's warnings."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date

import pytest
import yaml
from conftest import PARAMS
from merchant_playbooks import compliance, i18n
from merchant_playbooks.cli import main
from merchant_playbooks.compliance import (
    CHANNELS,
    STATUSES,
    RulesTableError,
    check,
    check_groups,
    load_rules,
    parse_rules,
    rules_path,
)
from merchant_playbooks.first_event_bargaining.compliance import uses
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.loading import load_params
from merchant_playbooks.plan import Callout
from merchant_playbooks.planfiles import write_plan_files
from merchant_playbooks.render import section_html
from merchant_playbooks.rule_warnings import plan_warnings, warnings_for

MECHANICS = {"friend_assistance", "bargaining", "collect_to_win", "forced_follow", "lottery", "group_buy",
             "lottery_group_buy", "referral_gift", "voting", "partner_swap", "coupon", "community_lottery",
             "challenge_camp"}

VALID = """merchant:
  name: Plum Tea House
  fans: 900
  budget: 5000
playbooks: [first_event_bargaining]
first_event_bargaining:
  start_date: 2026-12-01
  original_price: 80
  floor_price: 40
  stock: 50
"""


def _raw() -> dict:
    return yaml.safe_load(rules_path().read_text(encoding="utf-8"))


def test_the_table_is_versioned_and_has_a_row_for_every_mechanic_on_every_channel():
    book = load_rules()
    data = _raw()
    assert str(data["version"]) == book.version and isinstance(data["updated"], date)
    assert MECHANICS <= set(book.mechanics)
    assert set(book.rules) == {(m, c) for m in book.mechanics for c in CHANNELS}
    assert len(data["rules"]) == len(book.mechanics) * len(CHANNELS)  # no duplicates silently merged


def test_every_row_has_a_valid_status_source_date_and_alternative_in_both_languages():
    book = load_rules()
    for rule in book.rules.values():
        assert rule.status in STATUSES
        assert rule.source in book.sources and book.sources[rule.source]["title"]
        parts = [int(p) for p in rule.date.split("-")]
        assert len(parts) in (2, 3) and date(*(parts + [1])[:3]) <= book.updated
        for lang in i18n.LANGUAGES:
            assert i18n.t(f"compliance.alternative.{rule.alternative}", lang).strip()
            assert i18n.t(f"compliance.source.{rule.source}", lang).strip()


def test_the_issue_s_facts_are_in_the_table():
    book = load_rules()
    for mechanic in ("friend_assistance", "bargaining", "collect_to_win", "forced_follow"):
        assert book.rule(mechanic, "external_link").status == "forbidden"
        assert book.rule(mechanic, "external_link").date.startswith(("2019", "2014"))
    assert book.rule("lottery_group_buy", "external_link").status == "forbidden"
    assert book.rule("group_buy", "mini_program").status == "allowed"
    assert book.rule("forced_follow", "external_link").alternative == "follow_as_benefit"
    limits = book.limits
    assert (limits.wechat_confirm_above, limits.wechat_real_name_above, limits.wechat_qr_code_max,
            limits.wechat_max, limits.wecom_max, limits.wecom_personal_owner_max) == (40, 100, 200, 500, 500, 200)


def test_a_broken_table_is_refused_naming_every_problem():
    data = copy.deepcopy(_raw())
    data["rules"][0]["status"] = "maybe"
    data["rules"][1]["source"] = "a_blog_post"
    data["rules"][2]["date"] = "2019-13"
    data["rules"][3]["alternative"] = "no_such_text"
    dropped = data["rules"].pop(4)
    with pytest.raises(RulesTableError) as info:
        parse_rules(data, "rules.yaml")
    text = str(info.value)
    assert "status 'maybe' must be one of allowed, restricted, forbidden" in text
    assert "source 'a_blog_post' is not listed under sources" in text
    assert "date '2019-13' must be YYYY-MM-DD or YYYY-MM" in text
    assert "messages/en/compliance.yaml has no 'alternative.no_such_text'" in text
    assert f"no row for {dropped['mechanic']} × {dropped['channel']}" in text
    assert len(info.value.problems) == 6  # the missing alternative is missing in en and zh


def test_forbidden_uses_are_flagged_first_with_the_alternative():
    rows = check([("coupon", "offline_store"), ("bargaining", "mini_program"), ("bargaining", "external_link"),
                  ("forced_follow", "official_account"), ("bargaining", "external_link")], "en")
    assert [(r.mechanic, r.channel, r.status) for r in rows] == [
        ("bargaining", "external_link", "forbidden"),
        ("forced_follow", "official_account", "forbidden"),
        ("bargaining", "mini_program", "restricted"),
        ("coupon", "offline_store", "allowed"),
    ]
    follow = rows[1]
    assert "benefit" in follow.advice and "in-app cards" in follow.advice
    assert follow.source.endswith("30 Dec 2014") and follow.to_dict() == {
        "mechanic": "forced_follow", "channel": "official_account", "status": "forbidden", "advice": follow.advice}
    zh = check([("forced_follow", "official_account")], "zh")[0]
    assert zh.status_label == "禁止" and "福利" in zh.advice and zh.source.endswith("2014年12月30日")


def test_an_unknown_mechanic_or_channel_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown mechanic 'spin_the_wheel'"):
        check([("spin_the_wheel", "mini_program")])
    with pytest.raises(ValueError, match="unknown channel 'weibo'"):
        check([("coupon", "weibo")])


@pytest.mark.parametrize(("channel", "size", "status", "words"), [
    ("wechat_group", 35, "allowed", "Within every"),
    ("wechat_group", 41, "allowed", "must accept"),
    ("wechat_group", 150, "restricted", "real-name"),
    ("wechat_group", 201, "restricted", "QR code"),
    ("wechat_group", 1200, "forbidden", "into 3 groups"),
    ("wecom_group", 300, "restricted", "personal WeChat account"),
    ("wecom_group", 501, "forbidden", "into 2 groups"),
])
def test_group_sizes_are_checked_against_the_admission_limits(channel, size, status, words):
    (row,) = check_groups([(channel, size)], "en")
    assert (row.mechanic, row.status, row.size) == ("group_size", status, size)
    assert words in row.advice
    assert check_groups([(channel, size)], "zh")[0].advice != row.advice


def test_group_limits_are_parameters():
    limits = dataclasses.replace(load_rules().limits, wechat_max=100)
    (row,) = check_groups([("wechat_group", 150)], "en", limits)
    assert row.status == "forbidden" and "at most 100" in row.advice
    assert compliance.groups_needed(4500) == 9  # source 001's 4,500 members at 500 a group


def test_bargaining_uses_come_from_its_params():
    section = load_params(PARAMS / "bloom-household.yaml").sections["first_event_bargaining"]
    # the default is the compliant path: in-app cards, groups and the store, the follow optional
    assert not section.forced_follow and section.share_via == ("mini_program", "wechat_group", "offline_store")
    assert [r for r in check(uses(section)) if r.status == "forbidden"] == []
    assert not any(m == "forced_follow" for m, _ in uses(section))
    risky = section.model_copy(update={"forced_follow": True, "share_via": ("external_link",)})  # set explicitly
    pairs = uses(risky)
    assert ("forced_follow", "external_link") in pairs and ("bargaining", "external_link") in pairs


def test_plan_json_of_a_forced_follow_run_lists_it_under_compliance(tmp_path):
    mp = load_params(PARAMS / "bloom-household.yaml")
    params = mp.for_playbook("first_event_bargaining")
    params = dataclasses.replace(params, section=params.section.model_copy(
        update={"simulations": 300, "forced_follow": True, "share_via": ("external_link",)}))  # set explicitly
    plan = build_plan(params)
    json_path, _ = write_plan_files(plan, tmp_path / "first_event_bargaining")
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    flagged = {(r["mechanic"], r["channel"]): r for r in saved["compliance"] if r["status"] == "forbidden"}
    assert ("forced_follow", "external_link") in flagged and ("forced_follow", "official_account") in flagged
    assert flagged[("forced_follow", "external_link")]["advice"].startswith("Offer the follow as a benefit")
    assert saved["compliance_rules"]["version"] == load_rules().version
    assert {r["mechanic"] for r in saved["tables"]["compliance"]} >= {"bargaining", "forced_follow"}

    section = plan.sections["compliance"]
    red = [b for b in section.blocks if isinstance(b, Callout) and b.level == "danger"]
    assert any("Forced follow" in b.text and "in-app cards" in b.text for b in red)
    html = section_html(plan, section)
    assert html.count('class="mp-callout mp-danger"') == len(red) >= 2
    assert "compliance" in [s.key for s in plan.ordered_sections()][-2:]


def test_validate_warns_about_forbidden_uses_and_still_exits_zero(tmp_path, capsys):
    risky = tmp_path / "risky.yaml"
    risky.write_text(VALID + "  forced_follow: true\n  share_via: [external_link]\n", encoding="utf-8")
    assert main(["validate", str(risky)]) == 0
    captured = capsys.readouterr()
    assert "ok (Plum Tea House" in captured.out and "warning" not in captured.out
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning: ")]
    assert f"warning: {risky}: Plum Tea House / first_event_bargaining: Forbidden: Forced follow — External links " \
           "(Moments, H5 pages). Instead: Offer the follow as a benefit (news of the next bargain, a member price), " \
           "never as a condition to start or to help; let people share through the mini program's in-app cards. " \
           "Rule: WeChat notice on induced sharing and following, 30 Dec 2014." in warnings, warnings
    planned = plan_warnings(load_params(risky))  # what the plan's cover and plan.json carry, line for line
    assert [line.split(" / first_event_bargaining: ", 1)[1] for line in warnings] == [w["message"] for _, w in planned]
    forbidden = [w for _, w in planned if "forbidden" in w["code"]]
    assert {(w["mechanic"], w["channel"]) for w in forbidden} >= {("forced_follow", "external_link")}
    assert len(forbidden) == len(warnings_for(load_params(risky)))  # the params-only check agrees


def test_a_compliant_plan_validates_without_warnings(tmp_path, capsys):
    safe = tmp_path / "safe.yaml"
    text = VALID.replace("2026-12-01", "today+30")  # not started yet, whatever the run date
    safe.write_text(text + "  forced_follow: false\n  share_via: [mini_program, wechat_group]\n", encoding="utf-8")
    assert main(["validate", str(safe)]) == 0
    assert capsys.readouterr().err == ""


def test_share_via_names_a_known_channel(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID + "  share_via: [weibo]\n", encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert "first_event_bargaining.share_via.0 = 'weibo' must be one of" in capsys.readouterr().err


def test_a_kept_compliance_section_is_the_one_worked_out_afresh_and_each_plan_owns_its_copy(monkeypatch):
    mp = load_params(PARAMS / "bloom-household.yaml")
    params = mp.for_playbook("first_event_bargaining")
    plan = build_plan(dataclasses.replace(params, section=params.section.model_copy(update={"simulations": 300})))
    pairs = uses(params.section)

    def section_of(*args, lang="en"):
        bare = dataclasses.replace(plan, language=lang, tables={}, data={}, sections={})
        return compliance.compliance_section(bare, *args), bare

    for lang, sizes in (("en", ()), ("zh", [("wechat_group", 150)])):
        compliance._SECTIONS.clear()
        cold_section, cold = section_of(pairs, sizes, lang=lang)
        cold_table, cold_data = cold.tables["compliance"].copy(), copy.deepcopy(cold.data)
        warm_section, warm = section_of(iter(pairs), sizes, lang=lang)  # any iterable of pairs, as before
        assert warm_section == cold_section and warm_section.blocks is not cold_section.blocks
        assert warm.tables["compliance"].equals(cold_table) and warm.data == cold_data
        assert list(warm.tables["compliance"].dtypes) == list(cold_table.dtypes)
        # one plan's edits stay in that plan
        warm.tables["compliance"].loc[0, "advice"] = "edited"
        warm.data["compliance"][0]["advice"] = "edited"
        warm_section.blocks.clear()
        again_section, again = section_of(pairs, sizes, lang=lang)
        assert again_section == cold_section and again.data == cold_data
        assert again.tables["compliance"].equals(cold_table)
    assert any(r["mechanic"] == "group_size" for r in again.data["compliance"])

    # a rules table loaded again (another version) is checked again, not answered from the old one
    section_of(pairs)
    book = load_rules()
    monkeypatch.setattr(compliance, "load_rules", lambda path=None: dataclasses.replace(book, version="2099.1"))
    newer_section, newer = section_of(pairs)
    assert newer.data["compliance_rules"]["version"] == "2099.1" and "2099.1" in newer_section.blocks[0].text
