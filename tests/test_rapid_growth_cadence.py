"""The rapid-growth cadence playbook: festival dates, exact target splits, discount rules, products, plan."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
import yaml
from conftest import PARAMS, ROOT, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from lunarcalendar import Converter, Lunar
from merchant_playbooks.errors import DataFileError, ParamsError
from merchant_playbooks.loading import load_params, params_from_notebook
from merchant_playbooks.planfiles import write_plan_files
from merchant_playbooks.rapid_growth_cadence import calendar as cal
from merchant_playbooks.rapid_growth_cadence import charts
from merchant_playbooks.rapid_growth_cadence.model import (
    build_model,
    caps,
    schedule_events,
    split_exact,
)
from merchant_playbooks.rapid_growth_cadence.plan import build_plan
from merchant_playbooks.rapid_growth_cadence.products import read_catalogue, score_products
from merchant_playbooks.rapid_growth_cadence.schema import Section

CATALOGUE = SAMPLES / "crunch-products.csv"
YEARS = range(2025, 2036)
MERCHANT = {"name": "Test Snacks", "language": "en", "fans": 5000, "budget": 20000, "months_trading": 18,
            "monthly_sales": 300000, "growth_rate": 0.08, "repeat_rate": 0.2}
TARGETS = {"sales": 4_321_987, "traffic": 1_234_567, "products": 170_003, "members": 9_999}


def section(**changes) -> Section:
    data = {"year": 2027, "targets": TARGETS, "catalogue": str(CATALOGUE), "seasonality": "snacks",
            "anniversary": "2024-09-18", "simulations": 300, "seed": 5, **changes}
    return Section.model_validate(data)


def solar(year: int, month: int, day: int) -> date:
    """The second source: lunarcalendar's lunar → solar conversion."""
    return Converter.Lunar2Solar(Lunar(year, month, day, isleap=False)).to_date()


# ------------------------------------------------------------------ festival dates


@pytest.mark.parametrize("year", YEARS)
def test_lunar_festivals_match_a_second_lunar_calendar(year):
    assert cal.spring_festival(year) == solar(year, 1, 1)
    assert cal.lantern_festival(year) == solar(year, 1, 15)
    assert cal.dragon_boat(year) == solar(year, 5, 5)
    assert cal.qixi(year) == solar(year, 7, 7)
    assert cal.mid_autumn(year) == solar(year, 8, 15)


@pytest.mark.parametrize("year", YEARS)
def test_plan_events_fall_on_their_festival_days(year):
    s = section(year=year)
    days = {e.key: e.day for e in schedule_events(s, premium=False)}
    lunar = {"spring_festival": (1, 1), "lantern": (1, 15), "dragon_boat": (5, 5), "qixi": (7, 7),
             "mid_autumn": (8, 15)}
    for key, (m, d) in lunar.items():
        assert days[key] == solar(year, m, d), key
    fixed = {"womens_day": (3, 8), "may_20": (5, 20), "mid_year_618": (6, 18), "national_day": (10, 1),
             "double_11": (11, 11), "double_12": (12, 12), "anniversary": (9, 18)}
    for key, (m, d) in fixed.items():
        assert days[key] == date(year, m, d), key


def test_known_dates_as_a_sanity_check():
    assert cal.spring_festival(2026) == date(2026, 2, 17)
    assert cal.qixi(2025) == date(2025, 8, 29)
    assert cal.mid_autumn(2031) == date(2031, 10, 1)


def test_anniversary_on_29_february_moves_to_the_28th_in_ordinary_years():
    s = section(year=2027, anniversary="2024-02-29")
    assert cal.event_day("anniversary", s) == date(2027, 2, 28)


# ------------------------------------------------------------------ exact splits


@given(total=st.integers(0, 10**10),
       weights=st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=1, max_size=400).filter(lambda w: sum(w) > 0))
@settings(max_examples=150, deadline=None)
def test_split_adds_up_to_the_total_exactly_and_stays_within_one_unit_of_the_exact_share(total, weights):
    parts = split_exact(total, weights)
    assert int(parts.sum()) == total
    assert (parts >= 0).all()
    exact = total * np.asarray(weights) / sum(weights)
    assert np.all(np.abs(parts - exact) < 1 + 1e-6 * max(total, 1))


@pytest.fixture(scope="module")
def model():
    return build_model(section(), Decimal(300000), CATALOGUE)


def test_monthly_targets_sum_to_the_annual_targets_to_the_unit(model):
    for goal, target in TARGETS.items():
        assert int(model.monthly[goal].sum()) == target
        assert model.monthly[goal].dtype.kind == "i"


def test_event_targets_are_the_sum_of_their_sale_days(model):
    daily = model.daily_targets.set_index("date")
    for e, row in zip(model.events, model.event_table.itertuples(), strict=True):
        in_year = [d for d in e.days() if d.year == model.year]
        assert row.target_sales == int(daily.loc[in_year, "sales"].sum())


def test_months_with_big_events_get_more_than_quiet_ones(model):
    by_month = model.monthly.set_index("month")["sales"]
    assert by_month[11] > by_month[4]  # Double 11 vs an April with only the weekly fixture


# ------------------------------------------------------------------ discount rules


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("premium", [False, True])
def test_no_two_discount_events_overlap_and_rest_days_are_kept(year, premium):
    s = section(year=year)
    events = schedule_events(s, premium)
    assert cal.overlapping(events, gap=s.min_days_between_discounts) == []
    assert cal.overlapping(events) == []


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("premium", [False, True])
def test_fatigue_caps_are_respected(year, premium):
    s = section(year=year)
    month_cap, year_cap = caps(s, premium)
    discounts = [e for e in schedule_events(s, premium) if e.discount]
    assert len(discounts) <= year_cap
    months = {(d.year, d.month) for e in discounts for d in e.days()}
    for m in months:
        assert sum(1 for e in discounts if m in e.months()) <= month_cap


def test_custom_caps_are_respected_and_trimmed_events_keep_a_warmup():
    s = section(max_discount_events_per_month=1, max_discount_events_per_year=3, warmup_days=5)
    events = schedule_events(s, premium=False)
    assert sum(e.discount for e in events) == 3
    assert all((e.sale_start - e.warmup_start).days == 5 for e in events)


def test_a_premium_shop_gets_fewer_discount_events_than_a_mass_market_one_with_the_same_targets():
    mass = build_model(section(premium=False), Decimal(300000), CATALOGUE)
    premium = build_model(section(premium=True), Decimal(300000), CATALOGUE)
    assert len(premium.discount_events) < len(mass.discount_events)
    assert premium.month_cap < mass.month_cap
    # the targets are the same and still add up
    assert int(premium.monthly["sales"].sum()) == int(mass.monthly["sales"].sum()) == TARGETS["sales"]


def test_premium_follows_the_average_order_value_when_not_set():
    assert build_model(section(average_order_value=450), Decimal(300000), CATALOGUE).premium
    assert not build_model(section(average_order_value=60), Decimal(300000), CATALOGUE).premium


def test_every_event_has_at_most_two_schemes_and_theme_events_have_none(model):
    for e in model.events:
        assert len(e.schemes) <= 2
        assert e.discount == bool(e.schemes)


def test_three_schemes_for_one_event_are_refused(write_params):
    path = write_params(f"""
        merchant: {{name: A, fans: 5000, monthly_sales: 100000}}
        playbooks: [rapid_growth_cadence]
        rapid_growth_cadence:
          year: 2027
          targets: {{sales: 100, traffic: 100, products: 100, members: 10}}
          catalogue: {CATALOGUE}
          event_settings:
            double_11: {{schemes: [coupon, bundle, flash_sale]}}
    """)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert "rapid_growth_cadence.event_settings.double_11.schemes" in str(err.value)
    assert "at most 2 items" in str(err.value)


def test_bad_seasonality_is_reported_with_the_field_and_value(write_params):
    path = write_params(f"""
        merchant: {{name: A, fans: 5000}}
        rapid_growth_cadence:
          year: 2027
          targets: {{sales: 100, traffic: 100, products: 100, members: 10}}
          catalogue: {CATALOGUE}
          seasonality: [1, 1, 1]
    """)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert "rapid_growth_cadence.seasonality = [1, 1, 1] must have 12 month weights, got 3" in str(err.value)


def test_a_theme_event_by_choice_never_discounts(model):
    s = section(event_settings={"double_11": {"discount": False}})
    d11 = next(e for e in schedule_events(s, premium=False) if e.key == "double_11")
    assert not d11.discount and d11.schemes == ()


def test_weekly_fixtures_pause_during_discount_sales(model):
    sale_days = {d for e in model.discount_events for d in e.days()}
    assert model.weekly and not {d for d, _ in model.weekly} & sale_days
    assert all(d.weekday() == 2 for d, _ in model.weekly)  # default: Wednesday


# ------------------------------------------------------------------ forecast


def test_ranges_are_ordered(model):
    for band in model.annual.values():
        assert band.p10 <= band.p50 <= band.p90
    assert (model.monthly["sales_p10"] <= model.monthly["sales_p50"]).all()
    assert (model.monthly["sales_p50"] <= model.monthly["sales_p90"]).all()
    t = model.event_table
    assert ((t["sales_p10"] <= t["sales_p50"]) & (t["sales_p50"] <= t["sales_p90"])).all()
    assert model.discount_cost.p10 <= model.discount_cost.p50 <= model.discount_cost.p90


def test_stock_covers_the_optimistic_case_of_each_ladder_product(model):
    for lad in model.ladders.values():
        assert (lad["stock_needed"] >= lad["units_p90"]).all()
        assert (lad["units_p90"] >= lad["units_p50"]).all()


def test_same_params_and_seed_give_the_same_plan_and_another_seed_does_not():
    params = load_params(PARAMS / "crunch-snacks.yaml").for_playbook("rapid_growth_cadence")
    a, b = build_plan(params).to_dict(), build_plan(params).to_dict()
    assert json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
    other = build_model(section(seed=6), Decimal(300000), CATALOGUE)
    same = build_model(section(seed=5), Decimal(300000), CATALOGUE)
    assert other.annual["sales"] != same.annual["sales"]
    assert (other.monthly["sales"] == same.monthly["sales"]).all()  # targets do not depend on the seed


# ------------------------------------------------------------------ products


def test_potential_score_rewards_good_signals_and_a_low_bounce_rate():
    df = read_catalogue(CATALOGUE)
    best = df.iloc[0].copy()
    for col, value in (("dwell_time", 999), ("click_through", 0.99), ("consultations", 9999), ("favourites", 99999),
                       ("sales_growth", 5.0), ("bounce_rate", 0.0)):
        df.loc[0, col] = value
    scored = score_products(df, {"dwell_time": 1, "click_through": 1, "consultations": 1, "favourites": 1,
                                 "sales_growth": 1, "bounce_rate": 1})
    assert scored["score"].idxmax() == 0 and scored.loc[0, "score"] == pytest.approx(1.0)
    only_bounce = score_products(df, {"bounce_rate": 1})
    assert only_bounce.loc[only_bounce["bounce_rate"].idxmin(), "score"] == only_bounce["score"].max()
    assert best["sku"] == df.loc[0, "sku"]


def test_price_ladders_have_three_steps_priced_by_their_rules(model):
    s = section()
    for e in model.discount_events:
        lad = model.ladders[e.key]
        assert list(lad["step"].value_counts().reindex(["draw", "value", "normal"])) == [3, 3, 3]
        assert lad["sku"].is_unique
        draw, value, normal = (lad[lad["step"] == k] for k in ("draw", "value", "normal"))
        assert (draw["event_price"] >= draw["cost"]).all() and (draw["event_price"] < draw["price"]).all()
        floor = value["cost"].map(lambda c: c * Decimal(str(1 + s.min_value_margin)))
        assert (value["event_price"] >= floor - Decimal("0.1")).all()
        assert (normal["event_price"] == normal["price"]).all()
        assert normal["price"].max() >= value["price"].max()  # a high-priced anchor among the normal items
        assert draw["price"].max() <= normal["price"].min() or draw["price"].mean() < normal["price"].mean()


def test_a_bad_catalogue_names_the_row_and_column(tmp_path):
    text = CATALOGUE.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = text[2].split(",")
    # row 3 of the file (the second product): an unreadable price
    fields = dict(zip(header, _split_csv(text[2]), strict=True))
    fields["price"] = "twelve"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([text[0], text[1], ",".join(_quote(fields[h]) for h in header), *text[3:]]),
                   encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_catalogue(bad)
    assert "row 3, column price: 'twelve' must be an amount above 0" in str(err.value)
    assert cells  # the sample has data rows
    with pytest.raises(DataFileError, match="missing column"):
        (tmp_path / "short.csv").write_text("sku,name\nA,B\n", encoding="utf-8")
        read_catalogue(tmp_path / "short.csv")
    with pytest.raises(DataFileError, match="file not found"):
        read_catalogue(tmp_path / "nope.csv")


def _split_csv(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def _quote(value: str) -> str:
    return f'"{value}"' if "," in value else value


def test_catalogue_path_is_relative_to_the_params_file():
    params = load_params(PARAMS / "crunch-snacks.yaml").for_playbook("rapid_growth_cadence")
    assert params.data_path(params.section.catalogue) == CATALOGUE.resolve()
    assert len(read_catalogue(CATALOGUE)) >= 40


# ------------------------------------------------------------------ plan, charts, messages


@pytest.fixture(scope="module")
def sample_plan():
    return build_plan(load_params(PARAMS / "crunch-snacks.yaml").for_playbook("rapid_growth_cadence"))


def test_plan_json_timeline_lists_every_event_with_iso_dates(sample_plan, tmp_path):
    json_path, xlsx_path = write_plan_files(sample_plan, tmp_path / "rg")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    keys = [row["key"] for row in data["timeline"]]
    assert set(keys) == {e.key for e in sample_plan.model.events} and len(keys) >= 12
    for row in data["timeline"]:
        assert {"date", "warmup_start", "key", "kind"} <= set(row)  # keys, not words: the view names them
        day, warm = date.fromisoformat(row["date"]), date.fromisoformat(row["warmup_start"])
        assert warm <= date.fromisoformat(row["sale_start"]) <= date.fromisoformat(row["sale_end"])
        assert row["kind"] in ("festival", "shopping", "school_holiday", "brand")
        assert day.year == data["year"]
    sf = next(r for r in data["timeline"] if r["key"] == "spring_festival")
    assert sf["date"] == solar(data["year"], 1, 1).isoformat()
    assert sum(m["sales"] for m in data["monthly_targets"]) == data["targets"]["sales"]
    assert xlsx_path.exists()


def test_plan_has_the_spine_and_event_briefs(sample_plan):
    for key in ("goal", "audience", "mechanics", "rewards", "channels", "timeline", "forecast", "decision", "kpis",
                "risks", "events"):
        assert key in sample_plan.sections, key
    assert sample_plan.model.discount_events
    assert all(f"ladder_{e.key}" in sample_plan.tables for e in sample_plan.model.events)


def test_a_chinese_merchant_gets_chinese_text_and_charts():
    s = yaml.safe_load((PARAMS / "crunch-snacks.yaml").read_text(encoding="utf-8"))
    merchant = {**s["merchant"], "language": "zh"}
    section_data = {**s["rapid_growth_cadence"], "anniversary": "2025-09-18"}
    params = params_from_notebook("rapid_growth_cadence", merchant, section_data, str(PARAMS / "crunch-snacks.yaml"))
    plan = build_plan(params)
    assert plan.sections["goal"].title == "阶段与目标"
    assert plan.timeline[0]["key"] in ("winter_holiday", "spring_festival")
    spec = json.dumps(charts.chart_year_calendar(plan).to_dict(), ensure_ascii=False)
    assert "每周固定活动" in spec and "品牌 1 周年庆" in spec  # lanes named in Chinese, the anniversary's age too
    assert plan.tables["calendar"]["event"].iloc[0] in ("winter_holiday", "spring_festival")


def test_charts_are_specs_over_the_plan_data(sample_plan):
    cal_spec = charts.chart_year_calendar(sample_plan).to_dict()
    assert len(cal_spec["layer"]) == 3
    monthly = charts.chart_monthly_targets(sample_plan).to_dict()
    assert len(monthly["layer"]) == 3
    events = charts.chart_event_forecast(sample_plan).to_dict()
    assert events["layer"][0]["mark"]["type"] == "bar"
    _spans, days, weekly = charts.calendar_data(sample_plan)
    assert len(days) == len(sample_plan.timeline) and len(weekly) == len(sample_plan.data["weekly_activities"])


def _keys(path):
    def flat(d, prefix=""):
        for k, v in d.items():
            yield from flat(v, f"{prefix}{k}.") if isinstance(v, dict) else [f"{prefix}{k}"]

    return set(flat(yaml.safe_load(path.read_text(encoding="utf-8"))))


def test_english_and_chinese_catalogues_have_the_same_keys():
    base = ROOT / "lib" / "merchant_playbooks" / "messages"
    assert _keys(base / "en" / "rapid_growth_cadence.yaml") == _keys(base / "zh" / "rapid_growth_cadence.yaml")


def test_the_sample_merchant_runs_this_playbook():
    mp = load_params(PARAMS / "crunch-snacks.yaml")
    assert "rapid_growth_cadence" in mp.playbooks and "first_event_bargaining" in mp.playbooks
    assert mp.sections["rapid_growth_cadence"].year == 2026  # the year under way, its first quarter reviewed


def test_warmups_default_to_seven_days(model):
    assert all(e.sale_start - e.warmup_start == timedelta(days=7) for e in model.events)


def test_a_tiny_catalogue_still_gives_a_plan_with_shorter_ladders(tmp_path):
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    small = tmp_path / "small.csv"
    small.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    m = build_model(section(catalogue=str(small)), Decimal(300000), small)
    assert int(m.monthly["members"].sum()) == TARGETS["members"]
    assert all(len(lad) <= 4 for lad in m.ladders.values())
    assert any(len(lad) for lad in m.ladders.values())


def test_cost_above_price_is_named_by_row(tmp_path):
    header = "sku,name,category,price,cost,monthly_sales,dwell_time,click_through,consultations,favourites," \
             "sales_growth,bounce_rate"
    bad = tmp_path / "c.csv"
    bad.write_text(f"{header}\nA,Nuts,nuts,10,12,5,30,0.03,2,4,0.1,0.4\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"row 2, column cost: 12.00 must not exceed price \(10.00\)"):
        read_catalogue(bad)


# ------------------------------------------------------------------ the live panel and its caches


@pytest.fixture()
def explorer():
    from merchant_playbooks.panel import Explorer, load_spec

    path = PARAMS / "crunch-snacks.yaml"
    return Explorer(load_params(path).for_playbook("rapid_growth_cadence"), load_spec("rapid_growth_cadence"), path)


def _kpi(update, key):
    return update.plan.kpis[key].band.p50


def test_more_visits_converting_means_fewer_visits_needed_and_the_cards_say_so(explorer):
    from merchant_playbooks.schema import RateRange

    before = explorer.update()
    after = explorer.set("conversion_rate", RateRange(low=0.06, high=0.12))  # double the sample's range
    assert after.ok
    # visits are orders / conversion rate: the same sales need fewer visits; sales do not move
    assert _kpi(after, "traffic") < _kpi(before, "traffic") * 0.6
    assert _kpi(after, "sales") == _kpi(before, "sales")
    assert after.kpis_html != before.kpis_html
    assert i18n_count(after.plan.kpis["traffic"].band.p50) in after.kpis_html


def i18n_count(value: float) -> str:
    from merchant_playbooks import i18n

    return i18n.number(round(value))


def test_more_rest_days_between_sales_shows_in_the_published_rules(explorer):
    before = explorer.update()
    after = explorer.set("min_days_between_discounts", 14)
    assert after.ok and after.rules_html != before.rules_html
    assert "14" in after.rules_html
    # more rest between sales never makes room for more discount events
    assert _kpi(after, "discount_events") <= _kpi(before, "discount_events")


def test_a_deeper_draw_item_cut_costs_more_in_price_cuts(explorer):
    before = explorer.update()
    after = explorer.set("draw_discount", 0.6)
    assert after.ok
    assert after.plan.kpis["discount_cost"].band.p50 > before.plan.kpis["discount_cost"].band.p50
    assert any("Rewards" in title or "reward" in title.lower() for title in after.changed)


def test_a_value_the_schema_rejects_gives_its_message_and_keeps_the_plan(explorer):
    from merchant_playbooks.loading import validate_section

    good = explorer.update()
    bad = explorer.set("warmup_days", 45)  # the schema allows at most 30
    assert not bad.ok and bad.plan is None and explorer.last is bad
    data = explorer.params.section.model_dump(mode="json") | {"warmup_days": 45}
    _, problems = validate_section(Section, data, "rapid_growth_cadence")
    assert bad.problems == [p.format("")[2:] for p in problems] == [
        "rapid_growth_cadence.warmup_days = 45 must be at most 30"]
    explorer.set("warmup_days", 7)
    again = explorer.update()
    assert again.ok and again.kpis_html == good.kpis_html and again.rules_html == good.rules_html


def test_the_panels_plan_is_the_batch_plan_on_the_preview_params(explorer):
    from merchant_playbooks.schema import Range

    update = explorer.set("baseline_growth", Range(low=0.2, high=0.5))
    params, problems = explorer.validated()
    assert not problems
    preview = explorer.preview(params)
    assert preview.section.simulations == explorer.spec.preview_simulations and preview.section.actuals is None
    fresh = build_plan(preview)
    assert _plan_json(update.plan) == _plan_json(fresh)
    # the live chart is the notebook's chart, only made faster
    assert update.chart_spec == charts.chart_monthly_targets(fresh).to_dict(validate=False)


def _plan_json(plan) -> str:
    return json.dumps(plan.to_dict(), sort_keys=True, default=str)


def test_the_full_plan_is_the_same_with_warm_caches_as_with_cold_ones():
    from merchant_playbooks.rapid_growth_cadence import calendar as calendar_module
    from merchant_playbooks.rapid_growth_cadence import figures as figures_module
    from merchant_playbooks.rapid_growth_cadence import model as model_module
    from merchant_playbooks.rapid_growth_cadence import products as products_module
    from merchant_playbooks.rapid_growth_cadence import simulation as simulation_module
    from merchant_playbooks.rapid_growth_cadence import stock as stock_module
    from merchant_playbooks.rapid_growth_cadence import targets as targets_module

    params = load_params(PARAMS / "crunch-snacks.yaml").for_playbook("rapid_growth_cadence")
    warm = _plan_json(build_plan(params))
    for cached in (products_module._read_cached, products_module._scored_cached, simulation_module._stream,
                   targets_module._year_days, targets_module._season_weights, targets_module.month_slices,
                   calendar_module.spring_festival, calendar_module.qixi, calendar_module._public_holidays,
                   calendar_module._months, products_module._event_price):
        cached.cache_clear()
    for kept in (simulation_module._RAMPS, model_module._SCHEDULES, stock_module._PICKS, figures_module._TABLES):
        kept.clear()
    assert _plan_json(build_plan(params)) == warm


def test_catalogue_cache_gives_equal_copies_and_rereads_a_changed_file(tmp_path):
    import os

    from merchant_playbooks.rapid_growth_cadence.products import scored_catalogue

    path = tmp_path / "products.csv"
    path.write_text(CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    first, second = read_catalogue(path), read_catalogue(path)
    assert first.equals(second) and first is not second
    first.loc[0, "name"] = "changed by a caller"  # a caller's copy: the cache keeps the file's rows
    assert read_catalogue(path).loc[0, "name"] == second.loc[0, "name"]
    weights = {"sales_growth": 1.5, "bounce_rate": 1.0}
    scored = scored_catalogue(path, None, weights)
    assert scored is scored_catalogue(path, None, dict(reversed(weights.items())))
    with pytest.raises(TypeError):
        scored.ranked[0]["name"] = "x"  # rows handed out are read-only
    # the file changes (a new price, a new modification time): read again
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = _split_csv(lines[1])
    fields[header.index("price")] = "99.90"
    lines[1] = ",".join(_quote(f) for f in fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert read_catalogue(path).loc[0, "price"] == Decimal("99.90")
    rescored = scored_catalogue(path, None, weights)
    assert rescored is not scored
    assert rescored.frame().loc[0, "price"] == Decimal("99.90") and scored.frame().loc[0, "price"] != Decimal("99.90")


def test_festival_dates_and_the_monte_carlo_stream_are_cached_read_only():
    assert cal.spring_festival(2027) is cal.spring_festival(2027)
    holidays = cal.public_holidays(2027)
    holidays.clear()  # the caller's own dict
    assert cal.public_holidays(2027)
    from merchant_playbooks.rapid_growth_cadence.simulation import _Replay

    a, b = _Replay(5, 100), _Replay(5, 100)
    first = a.beta(3.0, 3.0, size=100)
    assert np.array_equal(first, b.beta(3.0, 3.0, size=100))
    assert np.array_equal(first, np.random.default_rng(5).beta(3.0, 3.0, size=100))
    with pytest.raises(ValueError):
        first[0] = 0.5


# ------------------------------------------------------------------ the seam: declaration, figures, words


def test_the_declaration_is_complete_and_light_to_import():
    import subprocess
    import sys

    from merchant_playbooks.rapid_growth_cadence import PLAYBOOK
    from merchant_playbooks.rapid_growth_cadence import review as review_module
    from merchant_playbooks.rapid_growth_cadence.panel import PANEL

    assert PLAYBOOK.name == "rapid_growth_cadence" and PLAYBOOK.stage == "growing"
    assert PLAYBOOK.section() is Section and PLAYBOOK.panel() is PANEL and PLAYBOOK.review() is review_module.spec
    assert PLAYBOOK.charts() is charts and PLAYBOOK.data_files == ("catalogue", "actuals")
    assert PLAYBOOK.notebook == ROOT / "playbooks" / "rapid_growth_cadence.ipynb" and PLAYBOOK.notebook.exists()
    code = ("import sys, merchant_playbooks.rapid_growth_cadence; "
            "print(sorted(m for m in ('numpy', 'pandas', 'altair') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_figures_are_the_same_in_every_language_and_only_the_words_differ():
    from merchant_playbooks.rapid_growth_cadence.figures import plan_figures

    s = yaml.safe_load((PARAMS / "crunch-snacks.yaml").read_text(encoding="utf-8"))
    source = str(PARAMS / "crunch-snacks.yaml")
    section_data = {**s["rapid_growth_cadence"], "actuals": None, "simulations": 300}
    en, zh = (plan_figures(params_from_notebook("rapid_growth_cadence", {**s["merchant"], "language": lang},
                                                section_data, source)) for lang in ("en", "zh"))
    assert en.tables.keys() == zh.tables.keys() and en.data == zh.data and en.timeline == zh.timeline
    for name, table in en.tables.items():
        assert table.equals(zh.tables[name]), name
    assert set(en.tables["calendar"]["event"]) == {e.key for e in en.model.events}  # keys, named by the view


def test_the_handout_names_the_tables_keys_with_their_rows_cells(sample_plan):
    from merchant_playbooks import i18n
    from merchant_playbooks.render import section_html

    html = {key: section_html(sample_plan, sec) for key, sec in sample_plan.sections.items()}
    assert "Brand anniversary (year 1)" in html["timeline"]  # the anniversary's age: its row's brand_years
    courier = sample_plan.tables["risks"].set_index("risk").loc["courier"]
    assert (f"({i18n.short_day(courier['start'], 'en')} – {i18n.short_day(courier['end'], 'en')})"
            in html["risks"])
    per_month = i18n.money(sample_plan.data["targets"]["sales"] / 12, "CNY", "en")
    assert f"{per_month} a month on average" in html["kpis"]
    assert "{" not in "".join(html.values())  # every placeholder filled


# ------------------------------------------------------------------ issue 17: plans that hold together


def _handout(plan) -> str:
    from merchant_playbooks.render import cover_html, section_html

    return cover_html(plan) + "".join(section_html(plan, sec) for sec in plan.ordered_sections())


def test_the_p_and_l_is_the_calendars_extra_business_from_the_same_draws(sample_plan):
    import pandas as pd
    from merchant_playbooks.rapid_growth_cadence.money import ledger

    model, econ = sample_plan.model, sample_plan.data["economics"]
    a = ledger(model).arrays()
    extra = model.draws["sales"] - model.draws["baseline"]
    assert (extra > 0).all()  # fixtures and events only add to the everyday sales
    assert np.allclose(a["net_sales"], extra) and np.array_equal(a["discounts"], model.draws["markdown"])
    assert np.allclose(a["net"], a["revenue"] - a["discounts"] - a["cogs"] - a["rewards"] - a["fixed"])
    # cogs at the catalogue's own costs: cost over price, weighted by monthly sales (read here from the file)
    cat = pd.read_csv(CATALOGUE)
    share = (cat["cost"] * cat["monthly_sales"]).sum() / (cat["price"] * cat["monthly_sales"]).sum()
    assert np.allclose(a["cogs"], a["revenue"] * share)
    assert np.allclose(a["fixed"], 800 * len(model.discount_events))
    assert np.allclose(a["results"], extra / 62.0)  # extra orders at the file's average order value
    # the cover's price cuts and the P&L's discounts are the same draws
    assert econ["discounts"]["p50"] == pytest.approx(sample_plan.kpis["discount_cost"].band.p50, abs=0.01)
    assert econ["result"] == "order" and econ["verdict"]["key"] in (
        "pays_back", "may_pay_back", "does_not_pay_back")
    assert "economics" in sample_plan.sections


def test_a_calendar_that_lifts_nothing_earns_nothing():
    s = section(events=["double_11"], weekly_activities=[],
                event_settings={"double_11": {"discount": False, "lift": [0, 0]}})
    m = build_model(s, Decimal(300000), CATALOGUE)
    assert np.allclose(m.draws["sales"], m.draws["baseline"]) and not m.draws["markdown"].any()


def test_every_number_in_the_playbooks_words_is_a_figure_reference(sample_plan):
    import re

    from merchant_playbooks.figref import TOKEN
    from merchant_playbooks.plan import Bullets, Callout, Para, Rules

    own = ("goal", "audience", "mechanics", "rewards", "channels", "timeline", "forecast", "decision", "kpis",
           "risks", "events")
    texts = []
    for key in own:
        for b in sample_plan.sections[key].blocks:
            if isinstance(b, Para | Callout):
                texts.append(b.text)
            elif isinstance(b, Bullets | Rules):
                texts += list(b.items)
    assert texts
    for text in texts:
        bare = TOKEN.sub("", text)
        assert not re.search(r"¥|%|\d,\d{3}|\d\.\d\d", bare), text  # money, shares, big counts, prices


def test_each_marked_figure_shows_one_value_read_from_plan_json(sample_plan):
    import html as htmllib
    import re

    from merchant_playbooks.figref import lookup
    from merchant_playbooks.render import data_html, plan_doc

    page = _handout(sample_plan)
    doc = plan_doc(sample_plan)
    shown: dict[str, set[str]] = {}
    for whole, key, text in re.findall(r'(<data value="[^"]*" data-key="([^"]*)">([^<]*)</data>)', page):
        key = htmllib.unescape(key)
        shown.setdefault(key, set()).add(text)
        assert whole == data_html(key, lookup(doc, key), htmllib.unescape(text))  # the value is plan.json's
    assert any(k.startswith("economics.") for k in shown) and any(k.startswith("tables.event_forecast.") for k in shown)
    assert {k: v for k, v in shown.items() if len(v) > 1} == {}
    flat = re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", "", page)))
    assert not re.search(r"(?<![\d,.])(¥?[\d,.]+%?) – \1(?![\d,.])", flat)  # a one-number range prints once
    assert "source 0" not in flat and "(source" not in flat


def test_the_months_expected_sales_are_explained_beside_the_years(sample_plan):
    months = sample_plan.model.monthly_rows
    assert sample_plan.data["monthly_sales_p50_sum"] == pytest.approx(sum(r["sales_p50"] for r in months), abs=0.01)
    text = " ".join(b.text for b in sample_plan.sections["forecast"].blocks if hasattr(b, "text"))
    assert "monthly_sales_p50_sum|money" in text and "kpis.sales.p50|money" in text


def test_the_events_share_through_the_mini_program_not_external_links(sample_plan):
    from merchant_playbooks.rapid_growth_cadence.compliance import uses

    s = load_params(PARAMS / "crunch-snacks.yaml").for_playbook("rapid_growth_cadence").section
    for pairs in (uses(s), uses(s, type("F", (), {"model": sample_plan.model})())):
        assert pairs and all(channel != "external_link" for _, channel in pairs)
    assert not [r for r in sample_plan.data["compliance"] if r["status"] == "forbidden"]
    assert not [w for w in sample_plan.warnings if "forbidden" in w["code"]]


def test_fixed_costs_over_the_budget_are_warned_on_the_cover():
    s = yaml.safe_load((PARAMS / "crunch-snacks.yaml").read_text(encoding="utf-8"))
    merchant = {**s["merchant"], "budget": 5000}
    section_data = {k: v for k, v in s["rapid_growth_cadence"].items() if k != "actuals"}
    params = params_from_notebook("rapid_growth_cadence", merchant, {**section_data, "simulations": 200},
                                  str(PARAMS / "crunch-snacks.yaml"))
    plan = build_plan(params)
    (w,) = [w for w in plan.warnings if w["code"] == "rapid_growth_cadence.over_budget"]
    from merchant_playbooks import i18n

    discount_events = [e for e in plan.model.events if e.discount]
    fixed = params.section.fixed_cost_per_event * len(discount_events)  # each discount event's posters and tools
    assert fixed > 5000 and f"The {len(discount_events)} discount events'" in w["message"]
    assert f"({i18n.money(fixed, 'CNY', 'en', decimals=0)})" in w["message"] and "(¥5,000)" in w["message"]
    assert 'data-warning="rapid_growth_cadence.over_budget"' in _handout(plan)
