"""Source 000's zero-fan cases (data/cases/) against the zero-fan launch: they fit, they do not hang on
inputs they should not depend on, and seeding moves the campaign the way a branching process does."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
import yaml
from merchant_playbooks import backtest, registry
from merchant_playbooks.errors import ParamsError
from merchant_playbooks.figref import fig
from merchant_playbooks.loading import load_params, validate_section
from merchant_playbooks.plan import Callout
from merchant_playbooks.schema import PositiveRange
from merchant_playbooks.zero_fan_launch import fission
from merchant_playbooks.zero_fan_launch.fission import simulate
from merchant_playbooks.zero_fan_launch.model import build_model
from merchant_playbooks.zero_fan_launch.schema import Section

CASES = ("driving-school-micro-assistance", "micro-voting")


def case_rows(path) -> list[backtest.Row]:
    fission._RUNS.clear()  # every run draws afresh: equal numbers are not the cache's doing
    return backtest.backtest([path])


def centre_rates(s: Section) -> dict[str, np.ndarray]:
    return {name: np.array([r.centre]) for name, r in s.uncertain().items()}


@pytest.mark.parametrize("case", CASES)
def test_each_reported_figure_of_the_case_fits_its_plan(case):
    rows = case_rows(backtest.CASES_DIR / f"{case}.yaml")
    assert rows, case
    for row in rows:
        assert row.inside, (row.metric, row.p10, row.p50, row.p90, row.reported)


def test_the_name_and_an_unrelated_cost_leave_the_driving_school_fit_alone(tmp_path):
    path = backtest.CASES_DIR / "driving-school-micro-assistance.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    moved = copy.deepcopy(doc)
    moved["merchant"]["name"] = "驾校 <Another> Name"
    moved["zero_fan_launch"]["fixed_costs"] = 2500  # posters cost money; nobody views or pays more for it
    moved["zero_fan_launch"]["retention_gift"] = "A different gift"
    other = tmp_path / path.name
    other.write_text(yaml.safe_dump(moved, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before, after = case_rows(path), case_rows(other)
    assert [(r.metric, r.p10, r.p50, r.p90, r.inside) for r in before] == \
        [(r.metric, r.p10, r.p50, r.p90, r.inside) for r in after]


def test_doubling_the_staff_seed_doubles_early_views_while_late_views_saturate():
    mp = load_params(backtest.CASES_DIR / "micro-voting.yaml").for_playbook("zero_fan_launch")
    s = mp.section
    r = centre_rates(s)
    one = simulate(s, mp.merchant.fans, r)
    two = simulate(s.model_copy(update={"staff": 2 * s.staff}), mp.merchant.fans, r)
    ratio = two.daily["views"][0] / one.daily["views"][0]
    assert np.all((ratio[: s.staff_days] > 1.8) & (ratio[: s.staff_days] < 2.05))  # the staff days: about 2x
    assert ratio[-1] < 1.2  # by the end both have used up the same audience
    assert two.totals["reached"][0] < 1.15 * one.totals["reached"][0]
    assert np.all(one.audience <= r["reachable_pool"][:, None] + 1e-6)


def test_the_audience_grows_from_the_seeds_with_every_new_sharer():
    s = Section(start_date=date(2026, 7, 1), staff=10, duration_days=20, simulations=200)
    r = centre_rates(s)
    sim = simulate(s, 0, r)
    assert sim.audience[0, 0] == pytest.approx(10 * s.circle_size.centre)  # day 1: the staff's circles
    assert np.all(np.diff(sim.audience[0]) >= 0) and sim.audience[0, -1] > 5 * sim.audience[0, 0]
    tiny = s.model_copy(update={"circle_size": PositiveRange(low=1, high=1)})
    alone = simulate(tiny, 0, centre_rates(tiny))
    assert alone.totals["views"][0] < sim.totals["views"][0]  # small circles: the campaign has nowhere to go


def test_follow_to_vote_makes_every_voter_a_fan():
    s = Section(start_date=date(2026, 7, 1), staff=10, mechanic="voting", simulations=200)
    r = centre_rates(s)
    free, gated = simulate(s, 0, r), simulate(s.model_copy(update={"forced_follow": True}), 0, r)
    assert gated.totals["helpers"][0] == pytest.approx(free.totals["helpers"][0])
    expected = (gated.totals["participants"] * r["participant_follow_rate"]
                + gated.totals["helpers"] * (1 - r["join_rate"]))
    assert gated.totals["new_fans"][0] == pytest.approx(expected[0])
    assert gated.totals["new_fans"][0] > 2 * free.totals["new_fans"][0]


def test_voters_pass_it_on_and_give_several_votes_by_default():
    s = Section(start_date=date(2026, 7, 1), mechanic="voting")
    assert s.helper_shares.low > Section(start_date=date(2026, 7, 1)).helper_shares.high
    assert s.helper_points.high > 1
    set_here = Section(start_date=date(2026, 7, 1), mechanic="voting", shares_per_helper=[0, 0])
    assert set_here.uncertain()["shares_per_helper"].high == 0


def test_sign_ups_who_pay_become_sales_with_the_reward_taken_off():
    s = Section(start_date=date(2026, 7, 1), staff=20, simulations=300, price=Decimal(3500),
                paid_rate=[0.1, 0.1], reward_value=Decimal(100))
    m = build_model(s, 0, Decimal(0))
    buyers = m.sim.totals["participants"] * 0.1
    assert np.allclose(m.sales.buyers, buyers)
    assert np.allclose(m.sales.net, buyers * 3500 - buyers * m.share_qualifying * 100)
    # a reward only costs what paying qualifiers are let off, not every qualifier's
    assert np.allclose(m.ledger.arrays()["discounts"], buyers * m.share_qualifying * 100)
    free = build_model(s.model_copy(update={"price": None}), 0, Decimal(0))
    assert np.all(free.sales.net == 0)


def test_gift_cost_per_new_counts_only_contacts_who_were_not_fans_already():
    s = Section(start_date=date(2026, 7, 1), staff=20, simulations=300, retention_gift_cost=Decimal(3))
    no_fans = build_model(s, 0, Decimal(0)).gift_cost_per_new_band()
    assert no_fans.p10 == pytest.approx(3) and no_fans.p90 == pytest.approx(3)
    with_fans = build_model(s, 2000, Decimal(0)).gift_cost_per_new_band()
    assert with_fans.p50 > 3  # fans who register get the gift too, but bring nobody new


def test_a_bad_paid_rate_is_named_with_what_is_expected():
    _, problems = validate_section(Section, {"start_date": "2026-07-01", "paid_rate": [0.5, 0.2]},
                                   "zero_fan_launch")
    assert problems and problems[0].field.endswith("paid_rate") and "low <= high" in problems[0].message


def test_a_voting_case_file_without_its_section_is_refused(tmp_path):
    doc = yaml.safe_load((backtest.CASES_DIR / "micro-voting.yaml").read_text(encoding="utf-8"))
    del doc["zero_fan_launch"]
    path = tmp_path / "micro-voting.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError):
        backtest.load_case(path)


def test_the_zero_fan_plan_warns_when_its_retention_gift_breaks_the_pull_new_ceiling(tmp_path):
    """The ¥3 pull-new rule is on the cost per new contact (`gift_cost_per_new`), as in membership."""
    def plan_with(cost):
        doc = yaml.safe_load((backtest.CASES_DIR / "driving-school-micro-assistance.yaml").read_text("utf-8"))
        doc["zero_fan_launch"].update(retention_gift_cost=cost, simulations=400)
        path = tmp_path / f"gift-{cost}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        return registry.build_plan("zero_fan_launch", load_params(path).for_playbook("zero_fan_launch"))

    cheap, dear = plan_with(1), plan_with(12)
    assert cheap.kpis["gift_cost_per_new"].band.p50 <= 3
    assert not [w for w in cheap.warnings if "pull_new" in w["code"]]
    assert dear.kpis["gift_cost_per_new"].band.p50 > 3
    [warning] = [w for w in dear.warnings if "pull_new" in w["code"]]
    assert warning["level"] == "warning" and "¥3.00" in warning["message"]
    # the rewards section says so too, its figure a reference to plan.json (shown from the plan, not copied)
    callouts = [b.text for b in dear.section("rewards").blocks if isinstance(b, Callout)]
    assert any(fig("kpis.gift_cost_per_new.p50", "money") in text for text in callouts)
    assert not any("gift_cost_per_new" in b.text for b in cheap.section("rewards").blocks
                   if isinstance(b, Callout))
