"""The membership and community cases (data/cases/): sources 001, 000 and 004 against their plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from merchant_playbooks import backtest, registry
from merchant_playbooks.loading import load_params
from merchant_playbooks.pull_new import cost_per_new_member, groups_needed, pull_new_warning

CASES = ("womens-shoes-anniversary", "beauty-weight-loss-camp", "store-pull-new")
PLAYBOOK = "membership_community"


def variant(tmp_path: Path, case_id: str, change, name: str = "variant") -> Path:
    """A copy of a case with `change(doc)` applied; its data files named by absolute path."""
    source = backtest.CASES_DIR / f"{case_id}.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    section = doc[PLAYBOOK]
    section["orders_file"] = str((source.parent / section["orders_file"]).resolve())
    change(doc)
    doc["case"]["id"] = name
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def plan_of(path: Path):
    return registry.build_plan(PLAYBOOK, load_params(path).for_playbook(PLAYBOOK))


@pytest.mark.parametrize("case_id", CASES)
def test_every_figure_of_the_case_fits_its_plan(case_id):
    rows = backtest.backtest(backtest.case_paths([case_id]))
    assert rows and {r.case for r in rows} == {case_id}
    misses = [(r.metric, r.p10, r.p50, r.p90, r.reported) for r in rows if not r.inside]
    assert not misses


def _bands(path: Path) -> dict[str, tuple[float, float, float]]:
    return {r.metric: (r.p10, r.p50, r.p90) for r in backtest.backtest([path])}


def test_inputs_the_shoe_sale_does_not_depend_on_leave_its_fit_alone(tmp_path):
    """Margin, member levels, the lottery's prizes, the camp's theme and the order history that stands in for
    the brand's: none of them is a figure the article's outcomes come from."""
    base = _bands(variant(tmp_path, "womens-shoes-anniversary", lambda doc: None, "base"))

    def perturb(doc):
        s = doc[PLAYBOOK]
        s["gross_margin"] = 0.3
        s["tier_source"] = "spend"
        s["orders_file"] = str((backtest.CASES_DIR / "../samples/exports/youzan-orders.csv").resolve())
        s["community"]["lottery"] = {"first_prize_cost": 400, "third_prize_cost": 2, "upgrade_price": 99}
        s["camp"] = {"theme": "30-day walking challenge", "days": 30}

    moved = _bands(variant(tmp_path, "womens-shoes-anniversary", perturb, "moved"))
    assert moved == base
    # ... while an input the outcome does depend on moves it the expected way
    fewer = _bands(variant(tmp_path, "womens-shoes-anniversary",
                           lambda doc: doc[PLAYBOOK]["community"].update(invite_pool=3000), "fewer"))
    assert fewer["members"][1] < base["members"][1] and fewer["store_visits"][1] < base["store_visits"][1]
    assert fewer["event_sales"][1] < base["event_sales"][1]


def test_a_brand_without_stores_gets_no_store_visits_and_no_store_sales(tmp_path):
    def no_stores(doc):
        doc["merchant"]["stores"] = 0
        doc[PLAYBOOK]["simulations"] = 500

    plan = plan_of(variant(tmp_path, "womens-shoes-anniversary", no_stores))
    d = plan.model.community.draws
    for key in ("store_visits", "store_buyers", "store_sales", "outside_store_sales"):
        assert np.all(d[key] == 0), key
    assert np.allclose(d["event_sales"], d["online_sales"] + d["outside_online_sales"])
    assert np.all(d["outside_online_sales"] > 0)  # the shop's own trade still sells online
    assert not {"store_visits", "offline_share", "event_offline_share"} & set(plan.kpis)
    with_stores = plan_of(variant(tmp_path, "womens-shoes-anniversary",
                                  lambda doc: doc[PLAYBOOK].update(simulations=500), "stores"))
    assert with_stores.kpis["event_offline_share"].band.p50 > 0.5


def test_the_pull_new_rule_is_on_the_cost_per_new_member_not_the_gifts_price(tmp_path):
    def gift(unit_cost, members_per_gift):
        def change(doc):
            doc[PLAYBOOK]["simulations"] = 500
            doc[PLAYBOOK]["community"]["gifts"] = [{"kind": "pull_new", "item": "tote bag", "unit_cost": unit_cost,
                                                    "members_per_gift": members_per_gift}]
        return change

    # a ¥6 gift for whoever brings in three friends costs ¥2 a new member: within the ¥3 rule
    shared = plan_of(variant(tmp_path, "store-pull-new", gift(6, 3), "shared"))
    assert shared.kpis["pull_new_cost_per_member"].band.p50 == pytest.approx(2.0)
    assert not [w for w in shared.warnings if "pull_new" in w["code"]]
    assert shared.model.community.draws["gift_pull_new"] == pytest.approx(
        shared.model.community.draws["members"] * 2.0)
    # the same gift to everyone who joins costs ¥6 each: the plan warns
    each = plan_of(variant(tmp_path, "store-pull-new", gift(6, 1), "each"))
    [warning] = [w for w in each.warnings if "pull_new" in w["code"]]
    assert warning["level"] == "warning" and "¥6.00" in warning["message"] and "¥3.00" in warning["message"]


def test_pull_new_warning_and_groups_needed():
    assert pull_new_warning(3.0) is None and pull_new_warning(2.4, 3, "zh") is None
    warning = pull_new_warning(4.5, 3, "zh")
    assert "pull_new" in warning["code"] and "¥4.50" in warning["message"]
    assert cost_per_new_member(600.0, 200.0) == pytest.approx(3.0) and np.isnan(cost_per_new_member(10.0, 0.0))
    assert groups_needed(4500, 500) == 9 and groups_needed(4500, 500, 0.7) == 13
    assert groups_needed(4500, 800) == 9  # never more than WeChat's 500 in a group
