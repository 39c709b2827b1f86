"""The shared P&L: identities per draw, the verdict, and the section read from plan.json by reference."""

from __future__ import annotations

import re

import numpy as np
import pytest

from merchant_playbooks import registry
from merchant_playbooks.economics import Ledger, economics
from merchant_playbooks.economics_text import economics_section
from merchant_playbooks.figref import fig, fig_range, lookup
from merchant_playbooks.loading import load_params
from merchant_playbooks.render import plan_doc, section_html, text_out


def _ledger(seed: int = 1, n: int = 2000, price_cut: float = 0.3) -> Ledger:
    rng = np.random.default_rng(seed)
    orders = rng.poisson(40, n).astype(float)
    revenue = orders * 100.0
    return Ledger(revenue=revenue, discounts=revenue * price_cut, cogs=orders * 35.0, rewards=rng.uniform(0, 300, n),
                  fixed=500.0, results=orders, result="order")


def test_identities_hold_draw_by_draw():
    a = _ledger().arrays()
    np.testing.assert_allclose(a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"])
    np.testing.assert_allclose(a["cash_out"], a["cogs"] + a["rewards"] + a["fixed"])
    ok = a["results"] > 0
    np.testing.assert_allclose(a["cost_per_result"][ok], a["cash_out"][ok] / a["results"][ok])
    # at break-even results, the margin per result covers rewards and fixed costs
    margin = a["gross_profit"] / a["results"]
    np.testing.assert_allclose(a["break_even"] * margin, a["rewards"] + a["fixed"])


def test_verdict_follows_the_money():
    assert economics(_ledger(price_cut=0.1))["verdict"]["key"] == "pays_back"
    losing = economics(_ledger(price_cut=0.64))
    assert losing["verdict"]["key"] == "does_not_pay_back"
    assert losing["net"]["p50"] < 0 and losing["pays_back_share"] < 0.5
    assert losing["verdict"]["shortfall_p10"] > 0


@pytest.fixture(scope="module")
def plan():
    params = load_params("params/bloom-household.yaml").for_playbook("first_event_bargaining")
    plan = registry.build_plan("first_event_bargaining", params)
    plan.data["economics"] = economics(_ledger())
    plan.sections["economics"] = economics_section(plan)
    plan.__dict__.pop("_doc", None)
    return plan


def test_section_marks_every_figure_with_its_plan_json_value(plan):
    html = section_html(plan, plan.sections["economics"])
    doc = plan_doc(plan)
    marked = re.findall(r'<data value="([^"]*)" data-key="([^"]+)">', html)
    assert len(marked) > 30
    for value, key in marked:
        assert float(value) == pytest.approx(lookup(doc, key)), key
    assert 'data-key="economics.net.p50"' in html


def test_references_read_the_plan_and_collapse_one_number_ranges(plan):
    doc = plan_doc(plan)
    doc["economics"]["fixed"] = {"p10": 500.0, "p50": 500.0, "p90": 500.0}
    assert text_out(plan, fig_range("economics.fixed", "money"), html_out=False) == "¥500.00"
    spread = text_out(plan, fig_range("economics.net", "money"), html_out=False)
    assert " – " in spread and "(" in spread
    assert text_out(plan, "cost " + fig("economics.cost_per_result.p50", "money"), html_out=False).startswith("cost ¥")
    with pytest.raises(KeyError, match="economics.nothing"):
        text_out(plan, fig("economics.nothing.p50", "money"))
