"""Membership and community: order checks, RFM, member levels, community funnel, lottery, camp, the plan."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from conftest import PARAMS, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from merchant_playbooks import i18n
from merchant_playbooks.errors import DataFileError, ParamsError
from merchant_playbooks.loading import load_params
from merchant_playbooks.membership_community import charts, community, rfm, tiers
from merchant_playbooks.membership_community.orders import check_orders, read_orders
from merchant_playbooks.membership_community.plan import build_plan
from merchant_playbooks.planfiles import write_plan_files
from merchant_playbooks.schema import RateRange

DAY0 = date(2026, 1, 1)


def orders_frame(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    """(customer, day offset from DAY0, amount) → a checked orders table."""
    raw = pd.DataFrame([{"customer_id": c, "order_date": (DAY0 + timedelta(days=d)).isoformat(), "amount": f"{a:.2f}"}
                        for c, d, a in rows])
    return check_orders(raw).orders


def scored(rows: list[tuple[str, int, float]], today: int) -> pd.DataFrame:
    orders = orders_frame(rows)
    return rfm.score(rfm.customer_table(orders, pd.Timestamp(DAY0 + timedelta(days=today))))


# ---------------------------------------------------------------- RFM


def test_rfm_scores_distinct_customers_by_hand():
    # A bought last (and most often, most money) ... E first (once, least)
    rows = [("A", 9, 50), ("A", 8, 50), ("A", 7, 50), ("A", 6, 50), ("A", 5, 50),
            ("B", 8, 40), ("B", 7, 40), ("B", 6, 40), ("B", 5, 40),
            ("C", 7, 30), ("C", 6, 30), ("C", 5, 30),
            ("D", 6, 20), ("D", 5, 20),
            ("E", 5, 10)]
    s = scored(rows, 10)
    assert s.loc[["A", "B", "C", "D", "E"], "recency_days"].tolist() == [1, 2, 3, 4, 5]
    assert s.loc[["A", "B", "C", "D", "E"], "recency_score"].tolist() == [5, 4, 3, 2, 1]
    assert s.loc[["A", "B", "C", "D", "E"], "frequency_score"].tolist() == [5, 4, 3, 2, 1]
    assert s.loc[["A", "B", "C", "D", "E"], "monetary_score"].tolist() == [5, 4, 3, 2, 1]
    assert s.loc["A", "spend"] == 250 and s.loc["A", "orders"] == 5
    assert s.loc["A", "segment"] == "champions"
    assert s.loc["E", "segment"] == "lost"


def test_ties_are_broken_by_first_appearance():
    # five customers with identical histories: ranks follow the order they first appear
    rows = [(c, 3, 100.0) for c in "QWERT"]
    s = scored(rows, 10)
    assert list(s.index) == list("QWERT")
    assert s["frequency_score"].tolist() == [1, 2, 3, 4, 5]
    assert s["monetary_score"].tolist() == [1, 2, 3, 4, 5]
    # recency is reversed: the first of the tied customers gets the top score
    assert s["recency_score"].tolist() == [5, 4, 3, 2, 1]


def test_single_order_customers_ten_customers_by_hand():
    # ten one-order customers, spend 10..100, bought on days 0..9; n = 10 puts two ranks in each quintile
    rows = [(f"C{i}", i, 10.0 * (i + 1)) for i in range(10)]
    s = scored(rows, 10)
    assert s["orders"].tolist() == [1] * 10
    assert s["monetary_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s["recency_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # later order, more recent
    assert s["frequency_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # all tied: by appearance


def test_one_customer_is_scored_and_segmented():
    s = scored([("solo", 0, 88.0), ("solo", 5, 12.0)], 7)
    assert len(s) == 1
    row = s.iloc[0]
    assert (row["recency_score"], row["frequency_score"], row["monetary_score"]) == (5, 1, 1)
    assert row["segment"] == "new_customers"
    assert row["spend"] == 100.0 and row["orders"] == 2 and row["recency_days"] == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=2, max_size=60))
def test_quintiles_equal_pandas_qcut_of_first_ranks(values):
    v = np.array(values)
    expected = pd.qcut(pd.Series(v).rank(method="first"), 5, labels=False).to_numpy() + 1
    assert rfm.quintile_scores(v).tolist() == expected.tolist()
    assert rfm.quintile_scores(v, reverse=True).tolist() == (6 - expected).tolist()


@pytest.mark.parametrize(("r", "f", "m", "segment"), [
    (5, 5, 5, "champions"), (5, 3, 2, "potential_loyalist"), (2, 2, 2, "loyal_customers"),
    (3, 1, 3, "promising"), (5, 1, 1, "new_customers"), (1, 3, 5, "cant_lose_them"), (2, 5, 5, "at_risk"),
    (1, 5, 3, "need_attention"), (3, 1, 1, "about_to_sleep"), (1, 1, 1, "lost"), (2, 1, 5, "others"),
])
def test_segments_follow_rfm_030_ranges_first_match_wins(r, f, m, segment):
    assert rfm.segment_of(np.array([r]), np.array([f]), np.array([m]))[0] == segment


# ---------------------------------------------------------------- order file checks


def write_csv(tmp_path, rows, header=("customer_id", "order_date", "amount")):
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def problems_of(path) -> str:
    with pytest.raises(DataFileError) as err:
        read_orders(path, "orders.csv")
    return str(err.value)


def test_missing_column_is_named(tmp_path):
    msg = problems_of(write_csv(tmp_path, [("a", "2026-01-01")], header=("customer_id", "order_date")))
    assert msg == ("orders.csv: line 1: missing column 'amount' (columns found: customer_id, order_date; "
                   "required: customer_id, order_date, amount)")


def test_unparseable_date_names_line_and_column(tmp_path):
    msg = problems_of(write_csv(tmp_path, [("a", "2026-01-01", "10"), ("b", "2026-13-45", "10")]))
    assert msg == "orders.csv: line 3: order_date = '2026-13-45' is not a date (expected YYYY-MM-DD)"


def test_negative_and_non_numeric_amounts_are_refused(tmp_path):
    msg = problems_of(write_csv(tmp_path, [("a", "2026-01-01", "-5"), ("b", "2026-01-02", "ten"),
                                           ("c", "2026-01-03", "1.234")]))
    lines = msg.splitlines()
    assert lines[0].startswith("orders.csv: line 2: amount = '-5' is negative")
    assert lines[1] == "orders.csv: line 3: amount = 'ten' is not a number"
    assert lines[2] == "orders.csv: line 4: amount = '1.234' has more than 2 decimal places"


def test_duplicate_rows_name_both_lines(tmp_path):
    msg = problems_of(write_csv(tmp_path, [("a", "2026-01-01", "10"), ("b", "2026-01-01", "10"),
                                           ("a", "2026-01-01", "10")]))
    assert msg.startswith("orders.csv: line 4: duplicate row: same every column as line 2")


def test_order_id_tells_real_repeat_orders_from_duplicates(tmp_path):
    path = write_csv(tmp_path, [("1", "a", "2026-01-01", "10"), ("2", "a", "2026-01-01", "10")],
                     header=("order_id", "customer_id", "order_date", "amount"))
    assert len(read_orders(path).orders) == 2
    path = write_csv(tmp_path, [("1", "a", "2026-01-01", "10"), ("1", "b", "2026-01-02", "12")],
                     header=("order_id", "customer_id", "order_date", "amount"))
    assert "line 3: duplicate row: same order_id as line 2" in problems_of(path)


def test_bad_channel_and_empty_customer(tmp_path):
    path = write_csv(tmp_path, [("", "2026-01-01", "10", "offline"), ("b", "2026-01-02", "10", "shop")],
                     header=("customer_id", "order_date", "amount", "channel"))
    lines = problems_of(path).splitlines()
    assert lines[0] == "orders.csv: line 2: customer_id = '' is empty; every order needs a customer"
    assert lines[1] == "orders.csv: line 3: channel = 'shop' must be online or offline (or left empty)"


def test_missing_file_and_empty_file(tmp_path):
    assert "file not found" in problems_of(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert "is empty" in problems_of(tmp_path / "empty.csv")


# ---------------------------------------------------------------- member levels


class _S:
    tiers = None
    tier_source = "template"
    tier_spend_shares = (0.4, 0.15, 0.05, 0.01)


def test_template_levels_counts_revenue_and_reach_by_hand():
    spend = np.array([0, 500, 900, 1000, 2999, 3000, 12000], dtype=float)
    lv = tiers.levels(_S(), spend, ["M", "S", "G", "P", "D"])
    assert [int(x.min_spend) for x in lv] == [0, 1000, 3000, 6000, 10000]
    assert [x.price_rate for x in lv] == [1.0, 0.98, 0.95, 0.90, 0.88]
    table, idx = tiers.tier_table(spend, lv, reach_share=0.2)
    assert idx.tolist() == [0, 0, 0, 1, 1, 2, 4]
    assert table["customers"].tolist() == [3, 2, 1, 0, 1]
    assert table["revenue"].tolist() == [1400, 3999, 3000, 0, 12000]
    assert table["revenue_share"].sum() == pytest.approx(1.0)
    assert table.loc[0, "revenue_share"] == pytest.approx(1400 / 20399)
    # within 20% of the next threshold: 900 of 1,000 (gap 100) and 2,999 of 3,000 (gap 1)
    assert table["near_next"].tolist() == [1, 1, 0, 0, 0]
    assert table.loc[0, "near_next_gap"] == 100 and table.loc[1, "near_next_gap"] == 1
    assert table.loc[4, "next_tier"] == ""


def test_spend_based_levels_put_the_chosen_shares_at_or_above():
    class S(_S):
        tier_source = "spend"
        tier_spend_shares = (0.5, 0.1)

    spend = np.r_[np.zeros(50), np.arange(1, 101) * 100.0]  # 50 non-buyers, buyers 100 .. 10,000
    lv = tiers.levels(S(), spend, ["A", "B", "C"])
    assert [x.name for x in lv] == ["A", "B", "C"]
    buyers_at_or_above = [(spend[spend > 0] >= float(x.min_spend)).mean() for x in lv[1:]]
    assert buyers_at_or_above[0] == pytest.approx(0.5, abs=0.02)
    assert buyers_at_or_above[1] == pytest.approx(0.1, abs=0.02)
    assert tiers.nice(1234) == 1200 and tiers.nice(98765) == 99000 and tiers.nice(0.3) == 1


# ---------------------------------------------------------------- lottery and camp


def _section(**over):
    from merchant_playbooks.membership_community.schema import Section

    data = {"orders_file": "x.csv", "start_date": "2026-11-20", **over}
    return Section.model_validate(data)


def test_lottery_break_even_by_hand():
    s = _section(community={"lottery": {"third_prize_cost": 6, "first_prize_cost": 160, "first_prizes": 3,
                                        "upgrade_price": 199}})
    be = community.lottery_break_even(s, participants=1000)
    assert be.margin_per_upgrade == Decimal(45)  # 199 − (160 − 6)
    assert be.drawn_cost == Decimal(480)
    assert be.upgrades_for_drawn == 11  # 480 / 45 = 10.7 → 11
    assert be.upgrades_for_all == math.ceil((480 + 6 * 1000) / 45)
    losing = _section(community={"lottery": {"first_prize_cost": 160, "third_prize_cost": 6, "upgrade_price": 150}})
    assert community.lottery_break_even(losing, 1000).upgrades_for_drawn is None


def test_camp_of_21_days_has_three_phases_and_ends_with_graduation():
    days = community.camp_schedule(date(2026, 11, 13), 21)
    assert [d.date for d in days] == [date(2026, 11, 13) + timedelta(days=i) for i in range(21)]
    phases = [d.phase for d in days]
    assert phases == ["join"] * 3 + ["engage"] * 11 + ["convert"] * 7
    assert days[0].content == "welcome" and days[-1].content == "graduation" and days[-2].content == "last_call"
    assert days[6].content == "weekly_review" and days[13].content == "weekly_review"


def test_camp_length_is_a_parameter():
    days = community.camp_schedule(date(2026, 1, 1), 10)
    assert len(days) == 10 and days[-1].content == "graduation"
    assert {d.phase for d in days} == {"join", "engage", "convert"}


def test_section_rejects_unordered_levels_and_bad_shares(write_params):
    path = write_params(f"""
        merchant: {{name: T, fans: 10000, budget: 5000}}
        playbooks: [membership_community]
        membership_community:
          orders_file: {SAMPLES / 'lily-orders.csv'}
          start_date: 2026-11-20
          tiers:
            - {{name: A, min_spend: 0}}
            - {{name: B, min_spend: 500}}
            - {{name: C, min_spend: 400}}
          tier_spend_shares: [0.1, 0.4]
    """)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    text = str(err.value)
    assert "membership_community.tiers = ['0', '500', '400'] must go from the lowest min_spend" in text
    assert "membership_community.tier_spend_shares = [0.1, 0.4] must be decreasing shares" in text


# ---------------------------------------------------------------- the plan on the sample merchant


@pytest.fixture(scope="module")
def lily_plan():
    params = load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community")
    return build_plan(params)


def test_plan_customers_and_revenue_equal_the_history(lily_plan, tmp_path):
    with (SAMPLES / "lily-orders.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert lily_plan.data["customers"] == len({r["customer_id"] for r in rows})
    assert lily_plan.data["revenue"] == sum(Decimal(r["amount"]) for r in rows)
    assert lily_plan.data["orders"] == len(rows) and lily_plan.data["orders_excluded"] == {}
    write_plan_files(lily_plan, tmp_path / "mc")
    data = json.loads((tmp_path / "mc.plan.json").read_text(encoding="utf-8"))
    assert data["customers"] == lily_plan.data["customers"]
    assert data["revenue"] == float(lily_plan.data["revenue"])
    assert sum(t["customers"] for t in data["tiers"]) == data["customers"]
    assert set(data["clv_per_tier"]) == {t["tier"] for t in data["tiers"]}
    dates = [date.fromisoformat(e["date"]) for e in data["timeline"]]
    assert dates == [dates[0] + timedelta(days=i) for i in range(len(dates))]
    assert sum("camp_day" in e for e in data["timeline"]) == 21


def test_lottery_prizes_are_the_merchants_or_named_in_the_merchants_language(lily_plan):
    rules = " ".join(i for b in lily_plan.sections["mechanics"].blocks for i in getattr(b, "items", ()))
    assert "(shoe-care kit)" in rules and "(pair of shoes)" in rules  # Lily names her prizes
    params = load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community")
    lottery = params.section.community.lottery.model_copy(update={"third_prize": None, "first_prize": None})
    section = params.section.model_copy(update={
        "community": params.section.community.model_copy(update={"lottery": lottery}),
        "simulations": 300, "actuals": None})
    zh = dataclasses.replace(params, section=section,
                             merchant=params.merchant.model_copy(update={"language": "zh"}))
    plan = build_plan(zh)
    rules = " ".join(i for b in plan.sections["mechanics"].blocks for i in getattr(b, "items", ()))
    assert "精美小礼品" in rules and "一等奖奖品" in rules and "shoe" not in rules.lower()


def test_figures_hold_numbers_and_keys_and_the_words_only_name_them():
    """The model side is the same in every language but for the template's level names; the view
    formats what the figures hold and leaves them as they were."""
    from merchant_playbooks.membership_community.figures import plan_figures
    from merchant_playbooks.membership_community.words import level_names, plan_words

    params = load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community")
    section = params.section.model_copy(update={"simulations": 300, "actuals": None})
    en = dataclasses.replace(params, section=section)
    zh = dataclasses.replace(en, merchant=en.merchant.model_copy(update={"language": "zh"}))
    figures = {p.lang: plan_figures(p, level_names(p.lang)) for p in (en, zh)}
    assert {k: f.band for k, f in figures["en"].kpis.items()} == {k: f.band for k, f in figures["zh"].kpis.items()}
    names = dict(zip(level_names("en"), level_names("zh"), strict=True))
    for name, table in figures["en"].tables.items():
        other = figures["zh"].tables[name]
        if name == "tiers":
            table = table.assign(tier=table["tier"].map(names), next_tier=table["next_tier"].map(names).fillna(""))
        pd.testing.assert_frame_equal(table, other, obj=name)
    f = figures["en"]
    assert set(f.tables["segments"]["segment"]) <= set(rfm.SEGMENT_ORDER)
    assert {"warmup", "sale", "after"} <= set(f.tables["timeline"]["stage"]) <= {"before", "warmup", "sale", "after"}
    assert {e["action"] for e in f.timeline} <= {"", "open_groups", "warmup", "warmup_benefits", "warmup_invite",
                                                 "preview", "launch", "sale", "sale_bestsellers", "sale_stories",
                                                 "last_call", "settle"}
    steps = [e["action"] for e in f.timeline if e["action"]]
    assert not any(a == b == c for a, b, c in zip(steps, steps[1:], steps[2:], strict=False))  # a real day by day
    before = {name: table.copy() for name, table in f.tables.items()}
    words = plan_words(f, en)
    for name, table in f.tables.items():
        pd.testing.assert_frame_equal(table, before[name], obj=name)
    assert "funnel" not in words.tables  # the funnel's numbers are shown in each row's kind, from the figures
    assert words.kpi_labels["clv_total"] == i18n.t("membership_community.kpi.clv_total", "en", months=section.clv_months)


def test_the_declaration_is_light_and_names_every_part():
    import subprocess
    import sys

    from merchant_playbooks.membership_community import PLAYBOOK, review
    from merchant_playbooks.membership_community.panel import PANEL
    from merchant_playbooks.membership_community.schema import Section

    code = ("import sys, merchant_playbooks.membership_community as m; "
            "print(sorted({'numpy', 'pandas', 'altair'} & set(sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
    assert (PLAYBOOK.name, PLAYBOOK.stage) == ("membership_community", "stable")
    assert PLAYBOOK.section() is Section and PLAYBOOK.review() is review.spec and PLAYBOOK.panel() is PANEL
    assert PLAYBOOK.charts() is charts and PLAYBOOK.notebook.is_file()
    assert PLAYBOOK.data_files == ("orders_file", "actuals")
    section = load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community").section
    assert PLAYBOOK.uses(section, None)[:2] == [("coupon", "wechat_group"), ("coupon", "offline_store")]
    assert PLAYBOOK.group_sizes(section) == [("wechat_group", section.community.group_size)]


def test_every_forecast_range_is_ordered(lily_plan):
    for key, kpi in lily_plan.kpis.items():
        assert kpi.band.p10 <= kpi.band.p50 <= kpi.band.p90, key


def test_groups_hold_at_most_500(lily_plan):
    d = lily_plan.model.community.draws
    # each group is filled to its share of the 500 cap before the next one opens: never over 500, never a
    # group more than needed at that fill
    fill = lily_plan.model.community.rates["group_fill"]
    assert np.all(d["groups"] == np.ceil(d["members"] / (500 * fill) - 1e-9))
    assert np.all(d["groups"] >= np.ceil(d["members"] / 500)) and np.all(d["members_per_group"] <= 500)
    assert np.all(d["offline_share"] <= 1) and np.all(d["event_offline_share"] <= 1)


def test_clv_appears_per_level_and_flags_are_consistent(lily_plan):
    t = lily_plan.tables["tiers"]
    busy = t[t["customers"] > 0]
    assert busy["clv_mean"].notna().all()
    assert (busy["clv_mean"].diff().dropna() > 0).all()  # higher levels are worth more
    for row in t.itertuples():
        if row.flag == "over_worth":
            assert row.benefit_cost > row.worth
        elif row.flag == "ok":
            assert row.benefit_cost <= row.benefit_budget


def test_orders_after_the_analysis_date_are_reported_not_dropped_silently(tmp_path):
    src = (SAMPLES / "lily-orders.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "orders.csv").write_text("\n".join(src[:3001]) + "\n", encoding="utf-8")
    cut = src[2500].split(",")[1]  # the analysis date falls inside the file
    params_path = tmp_path / "m.yaml"
    params_path.write_text(
        "merchant: {name: Tiny, language: zh, fans: 800}\nplaybooks: [membership_community]\n"
        f"membership_community:\n  orders_file: orders.csv\n  start_date: 2025-03-01\n  analysis_date: {cut}\n"
        "  simulations: 500\n", encoding="utf-8")
    plan = build_plan(load_params(params_path).for_playbook("membership_community"))
    later = sum(1 for line in src[1:3001] if line.split(",")[1] > cut)
    assert later > 0
    assert plan.data["orders_excluded"] == {"after_analysis_date": later}
    assert plan.data["orders"] == 3000 - later
    texts = [b.text for b in plan.sections["audience"].blocks if hasattr(b, "level")]
    assert any(str(later) in t for t in texts)


def test_same_seed_same_plan(lily_plan):
    again = build_plan(load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community"))
    assert {k: v.band for k, v in again.kpis.items()} == {k: v.band for k, v in lily_plan.kpis.items()}


def test_charts_are_specs_over_the_plan(lily_plan):
    from merchant_playbooks.membership_community import charts

    for fn in (charts.chart_segments, charts.chart_tiers, charts.chart_funnel, charts.chart_camp_calendar,
               charts.chart_clv_by_tier):
        spec = fn(lily_plan).to_dict()
        assert spec["title"]["text"]


# ---------------------------------------------------------------- the live panel


@pytest.fixture(scope="module")
def lily_explorer():
    from merchant_playbooks.panel import Explorer, load_spec

    path = PARAMS / "lily-shoes.yaml"
    return Explorer(load_params(path).for_playbook("membership_community"), load_spec("membership_community"), path)


def moved(x, path: str, value):
    """The update after moving one lever, with the lever put back afterwards."""
    before = x.values[path]
    try:
        update = x.set(path, value)
    finally:
        x.values[path] = before
    assert update.ok, update.problems
    return update


def test_more_people_invited_means_more_members_and_sales_on_the_cards(lily_explorer):
    x = lily_explorer
    low, high = moved(x, "community.invite_pool", "3000"), moved(x, "community.invite_pool", "9000")
    for key in ("members", "sales"):
        assert low.plan.kpis[key].band.p50 < high.plan.kpis[key].band.p50
    members = high.plan.kpis["members"]
    assert f">{i18n.number(round(members.band.p50))}<" in high.kpis_html
    assert low.kpis_html != high.kpis_html


def test_margin_and_uplift_move_the_return_on_membership_the_way_the_model_says(lily_explorer):
    x = lily_explorer
    thin, fat = moved(x, "gross_margin", 0.3), moved(x, "gross_margin", 0.7)
    assert thin.plan.kpis["roi"].band.p50 < fat.plan.kpis["roi"].band.p50
    assert thin.plan.kpis["members"].band == fat.plan.kpis["members"].band  # the community is not the margin's
    small = moved(x, "repeat_uplift", RateRange(low=0.02, high=0.05))
    large = moved(x, "repeat_uplift", RateRange(low=0.10, high=0.30))
    assert small.plan.kpis["incremental_revenue"].band.p50 < large.plan.kpis["incremental_revenue"].band.p50


def test_the_published_rules_follow_the_levers(lily_explorer):
    x = lily_explorer
    assert "¥249.00" in moved(x, "community.lottery.upgrade_price", 249).rules_html
    assert "last 180 days" in moved(x, "tier_window_days", 180).rules_html
    template, spend = x.update(), moved(x, "tier_source", "spend")
    thresholds = [str(lv.min_spend) for lv in spend.plan.model.levels]
    assert thresholds != ["0", "1000", "3000", "6000", "10000"]
    assert all(f"¥{i18n.number(int(t))}" in spend.rules_html for t in thresholds[1:])
    assert spend.rules_html != template.rules_html


def test_a_shorter_spend_window_never_moves_anyone_up_and_a_wider_reach_finds_more_near_the_next_level(
        lily_explorer):
    x = lily_explorer
    year, quarter = moved(x, "tier_window_days", 365), moved(x, "tier_window_days", 90)
    counts = [u.plan.tables["tiers"]["customers"].tolist() for u in (year, quarter)]
    assert counts[1][0] > counts[0][0] and sum(counts[0]) == sum(counts[1])
    for i in range(1, len(counts[0])):  # at or above each level, a shorter window holds no more customers
        assert sum(counts[1][i:]) <= sum(counts[0][i:])
    near, far = moved(x, "reach_share", 0.05), moved(x, "reach_share", 0.4)
    assert near.plan.tables["tiers"]["near_next"].sum() < far.plan.tables["tiers"]["near_next"].sum()
    assert near.chart_spec != far.chart_spec


def test_a_value_the_schema_rejects_gives_its_message_and_keeps_the_plan(lily_explorer):
    from merchant_playbooks.loading import validate_section
    from merchant_playbooks.membership_community.schema import Section

    x = lily_explorer
    shown = x.update()
    section = x.params.section.model_dump(mode="json")
    section["community"]["group_size"] = 20
    _, problems = validate_section(Section, section, "membership_community")
    bad = x.set("community.group_size", 20)
    x.values["community.group_size"] = 500
    assert not bad.ok and bad.plan is None
    assert bad.problems == [p.format("")[2:] for p in problems]
    assert bad.problems == ["membership_community.community.group_size = 20 must be at least 40"]
    again = x.update()
    assert again.ok and again.plan is shown.plan  # the plan it showed, untouched


def test_the_panels_plan_is_build_plan_on_the_preview_params(lily_explorer):
    from merchant_playbooks.render import kpi_cards

    x = lily_explorer
    update = moved(x, "community.event_days", 12)
    section = x.params.section.model_copy(update={
        "community": x.params.section.community.model_copy(update={"event_days": 12}),
        "simulations": 500, "actuals": None})
    batch = build_plan(dataclasses.replace(x.params, section=section))
    assert update.plan.simulations == 500 and "review" not in update.plan.sections
    assert update.plan.to_dict() == batch.to_dict()
    assert update.kpis_html == kpi_cards(batch, batch.headline)
    assert update.chart_spec == charts.chart_tiers(batch).to_dict(validate=False)


# ---------------------------------------------------------------- the orders, RFM and CLV cache


def _orders_params(tmp_path, lines: list[str]):
    (tmp_path / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "m.yaml"
    path.write_text("merchant: {name: Cached, fans: 800}\nplaybooks: [membership_community]\n"
                    "membership_community:\n  orders_file: orders.csv\n  start_date: 2026-12-01\n"
                    "  simulations: 300\n", encoding="utf-8")
    return load_params(path).for_playbook("membership_community")


def test_the_cache_gives_what_the_models_give_and_copies_the_caller_may_change(tmp_path, monkeypatch):
    from merchant_playbooks.membership_community import cache, clv

    lines = (SAMPLES / "lily-orders.csv").read_text(encoding="utf-8").splitlines()[:4001]
    params = _orders_params(tmp_path, lines)
    reads = []
    monkeypatch.setattr(cache, "read_orders", lambda *a: reads.append(a) or read_orders(*a))
    cache.clear()
    first = cache.customer_base(tmp_path / "orders.csv", "orders.csv", None, 12, 0.1, 365, 0.5, 20)
    # the same numbers the models give without any cache
    history = read_orders(tmp_path / "orders.csv")
    today = history.last_date + pd.Timedelta(days=1)
    direct = rfm.score(rfm.customer_table(history.orders, today))
    value = clv.customer_value(clv.summarise(history.orders, today), 12, 0.1)
    pd.testing.assert_frame_equal(first.customers[direct.columns], direct)
    pd.testing.assert_frame_equal(first.customers[["p_alive", "clv"]], value.customers[["p_alive", "clv"]])
    assert first.clv.purchases == value.purchases and first.clv.spend == value.spend
    # a second call is served from memory, equal, and not the same objects
    first.customers.loc[first.customers.index[0], "spend"] = -1.0
    first.history.orders.loc[0, "amount"] = -1.0
    first.history.notes["mine"] = 1
    second = cache.customer_base(tmp_path / "orders.csv", "orders.csv", None, 12, 0.1, 365, 0.5, 20)
    assert len(reads) == 1
    pd.testing.assert_frame_equal(second.customers[direct.columns], direct)
    assert second.history.orders["amount"].iloc[0] == history.orders["amount"].iloc[0]
    assert second.history.notes == history.notes
    assert build_plan(params).to_dict() == build_plan(params).to_dict() and len(reads) == 1


def test_the_cache_reads_the_file_again_when_it_changes_under_the_same_name(tmp_path):
    lines = (SAMPLES / "lily-orders.csv").read_text(encoding="utf-8").splitlines()
    params = _orders_params(tmp_path, lines[:3001])
    before = build_plan(params)
    assert before.data["orders"] == 3000
    _orders_params(tmp_path, lines[:2001])  # fewer orders
    assert build_plan(params).data["orders"] == 2000
    # the same size, one amount changed: a new modification time is enough
    changed = lines[:2001]
    row = changed[1].split(",")
    row[2] = str(Decimal(row[2]) + 10 if Decimal(row[2]) < 90 else Decimal(row[2]) - 10)
    assert len(",".join(row)) == len(changed[1])
    changed[1] = ",".join(row)
    _orders_params(tmp_path, changed)
    assert build_plan(params).data["revenue"] != build_plan(_orders_params(tmp_path, lines[:2001])).data["revenue"]


def test_a_data_warning_is_shown_on_every_plan_not_only_the_first(tmp_path):
    lines = (SAMPLES / "lily-orders.csv").read_text(encoding="utf-8").splitlines()[:3001]
    blank = [",".join([*line.split(",")[:3], "", line.split(",")[4]]) if i % 500 == 1 else line
             for i, line in enumerate(lines)]
    params = _orders_params(tmp_path, blank)
    for _ in range(2):
        plan = build_plan(params)
        assert plan.data["data_notes"] == {"no_channel": 6}
        notes = [b.text for b in plan.sections["audience"].blocks if type(b).__name__ == "Callout"]
        assert any("6" in text for text in notes), notes
    (tmp_path / "orders.csv").write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    for _ in range(2):  # a refused file is refused every time, never served from memory
        with pytest.raises(DataFileError, match="duplicate row"):
            build_plan(params)


# ------------------------------------------------------------------ issue 17: a plan that holds together


def _text(plan, keys=None) -> str:
    """The merchant's handout text of these sections (all by default), consultant asides left out."""
    import html as html_module
    import re

    from merchant_playbooks.plan import Code
    from merchant_playbooks.render import block_html

    parts = [block_html(plan, b) for s in plan.ordered_sections() if keys is None or s.key in keys
             for b in s.blocks if not (isinstance(b, Code) and b.consultant)]
    return html_module.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))


def test_pnl_is_the_campaigns_from_the_same_draws(lily_plan):
    e = lily_plan.to_dict()["economics"]
    d = lily_plan.model.community.draws
    ledger = lily_plan.model  # the figures' ledger is rebuilt here from the model: the same arrays
    from merchant_playbooks.membership_community.figures import ledger as make_ledger

    a = make_ledger(load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community").section,
                    ledger).arrays()
    assert np.allclose(a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"])
    assert np.allclose(a["net_sales"], d["sales"]) and np.allclose(a["rewards"], d["gift_cost"])
    assert np.all(a["discounts"] >= 0) and np.allclose(a["cogs"], d["sales"] * (1 - 0.55))
    assert e["result"] == "member" and e["revenue"]["p50"] >= e["net_sales"]["p50"]
    assert e["rewards"]["p50"] == round(lily_plan.kpis["gift_cost"].band.p50, 2)
    assert e["verdict"]["key"] == "pays_back" and "pays back" in _text(lily_plan, {"economics"})


def test_gift_rows_add_up_to_the_gift_cost_kpi(lily_plan):
    gifts = lily_plan.to_dict()["tables"]["gifts"]
    assert sum(g["total"] for g in gifts) == pytest.approx(lily_plan.kpis["gift_cost"].band.p50)
    assert len(gifts) == 3  # pull-new gift, referral reward, lottery


def test_the_handout_has_no_other_merchants_story_and_no_model_parameters(lily_plan):
    text = _text(lily_plan)
    assert "reference case" not in text and "1.5 million" not in text and "(source" not in text
    assert "α =" not in text and "Gamma" not in text  # the CLV fit is the consultant's aside
    consultant = " ".join(b.text for s in lily_plan.ordered_sections() for b in s.blocks
                          if type(b).__name__ == "Code" and b.consultant)
    assert "reference case" in consultant and "α =" in consultant


def test_a_merchant_without_stores_hears_nothing_of_store_visits():
    params = load_params(PARAMS / "lily-shoes.yaml").for_playbook("membership_community")
    online = dataclasses.replace(params, merchant=params.merchant.model_copy(update={"stores": 0}),
                                 section=params.section.model_copy(update={"simulations": 300, "actuals": None}))
    plan = build_plan(online)
    assert plan.model.band("store_visits").p90 == 0 and not {"store_visits", "offline_share"} & set(plan.kpis)
    assert not any(step["step"].startswith("store") for step in plan.to_dict()["tables"]["funnel"])
    text = _text(plan, {"mechanics", "channels", "timeline", "forecast", "kpis", "rewards", "goal"})
    assert "store" not in text.lower(), [w for w in text.split(".") if "store" in w.lower()][:3]


def test_every_marked_figure_is_plan_json_and_shows_one_value(lily_plan):
    import re

    from merchant_playbooks.figref import lookup
    from merchant_playbooks.render import cover_html, section_html

    doc = lily_plan.to_dict()
    html = cover_html(lily_plan) + "".join(section_html(lily_plan, s) for s in lily_plan.ordered_sections())
    seen: dict[str, set[str]] = {}
    for value, key, shown in re.findall(r'<data value="([^"]*)" data-key="([^"]+)">([^<]*)</data>', html):
        seen.setdefault(key, set()).add(shown)
        expected = lookup(doc, key)
        if expected is None:
            assert value in ("", "None") and shown == "—", key
        else:
            assert value == (expected if isinstance(expected, str) else repr(expected)), key
    assert {k for k, shown in seen.items() if len(shown) > 1} == set()
    assert {"kpis.sales.p50", "customers", "economics.net.p50", "tables.kpis.0.target_value",
            "tables.funnel.0.p50", "figures.incremental_profit.p50"} <= set(seen)
