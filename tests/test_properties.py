"""Property tests over the four playbooks' params and models (hypothesis).

- Any params the schema accepts give a plan: every number finite (plan.json has
  no NaN or infinity), every KPI range ordered P10 <= P50 <= P90, counts and
  money that cannot be negative (costs, liabilities, budgets) never are.
- Anything else (mutated or arbitrary params, arbitrary YAML text) gives a
  `ParamsError` naming the file, never another exception.

Valid params are generated from each Section's own field declarations (bounds,
literals, ranges), with the cross-field rules built in by hand, so a new field
is covered as soon as it is declared. Simulations stay small (100-300).
"""

from __future__ import annotations

import json
import math
import tempfile
import types
import typing
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from merchant_playbooks import registry
from merchant_playbooks.errors import ParamsError
from merchant_playbooks.loading import TOP_LEVEL_KEYS, load_params, validate_data
from merchant_playbooks.schema import MerchantSection, Range, StrictModel

# Each plan takes 0.1-1 s to build: a dozen examples per playbook keeps the file under a minute.
BUILD = settings(max_examples=12, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
SLOW_BUILD = settings(BUILD, max_examples=6)  # a year calendar, or an order history with CLV fits
FUZZ = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2035, 12, 31)
# Text a consultant could type: any letters, digits, punctuation, spaces and emoji, no control characters.
TEXT = st.characters(blacklist_categories=("Cc", "Cs"))


# ------------------------------------------------------------------ valid params from the schema


def _bounds(metadata: list) -> dict:
    found: dict = {}
    for m in metadata:
        for key in ("ge", "gt", "le", "lt", "min_length", "max_length", "max_digits", "decimal_places"):
            if getattr(m, key, None) is not None:
                found[key] = getattr(m, key)
    return found


def _metadata(extra: tuple) -> list:
    out = []
    for e in extra:
        out += getattr(e, "metadata", None) or [e]
    return out


def _number(kind: type, b: dict) -> st.SearchStrategy:
    if kind is int:
        lo = b.get("ge", b["gt"] + 1 if "gt" in b else -10**6)
        hi = b.get("le", b["lt"] - 1 if "lt" in b else 10**6)
        return st.integers(lo, hi)
    if kind is Decimal:  # money: whole cents, as YAML gives it (a float)
        top = 10 ** (b.get("max_digits", 12) - b.get("decimal_places", 2))
        lo = int(b.get("ge", b.get("gt", 0)) * 100) + (1 if "gt" in b else 0)
        return st.integers(lo, top * 100 - 1).map(lambda c: float(Decimal(c) / 100))
    lo, hi = b.get("ge", b.get("gt", -1e6)), b.get("le", b.get("lt", 1e6))
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, exclude_min="gt" in b, exclude_max="lt" in b)


def value_strategy(ann: typing.Any, metadata: list | None = None) -> st.SearchStrategy:
    """A strategy of raw (YAML-like) values the annotation accepts: dates as text, sections as dicts."""
    metadata = metadata or []
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Annotated:
        return value_strategy(args[0], metadata + _metadata(args[1:]))
    if origin in (typing.Union, types.UnionType):
        return st.one_of([value_strategy(a, metadata) for a in args])
    if ann is type(None):
        return st.none()
    if origin is typing.Literal:
        return st.sampled_from(args)
    b = _bounds(metadata)
    if ann is bool:
        return st.booleans()
    if ann in (int, float, Decimal):
        return _number(ann, b)
    if ann is date:
        return st.dates(FIRST_DAY, LAST_DAY).map(date.isoformat)
    if ann is str:
        return st.text(TEXT, min_size=max(1, b.get("min_length", 0)), max_size=min(b.get("max_length", 40), 40))
    if isinstance(ann, type) and issubclass(ann, Range):
        lo, hi = ann.bounds()
        point = st.floats(lo if lo is not None else -1e6, hi if hi is not None else 1e6, allow_nan=False)
        return st.tuples(point, point).map(lambda p: sorted(p))
    if isinstance(ann, type) and issubclass(ann, StrictModel):
        return section_strategy(ann)
    if origin in (tuple, list):
        if origin is tuple and args and args[-1] is not Ellipsis:
            return st.tuples(*[value_strategy(a) for a in args]).map(list)
        return st.lists(value_strategy(args[0]), min_size=b.get("min_length", 0),
                        max_size=min(b.get("max_length", 4), 4))
    if origin is dict:
        return st.dictionaries(value_strategy(args[0]), value_strategy(args[1]), max_size=3)
    raise TypeError(f"no strategy for {ann!r}")


def section_strategy(model: type[StrictModel], **overrides: st.SearchStrategy) -> st.SearchStrategy:
    """Raw dicts for a section: required fields always, optional ones sometimes, `overrides` always.

    Data files are named by the playbook's strategy; actuals (the review) are a data file too, left out.
    """
    if "actuals" in model.model_fields:
        overrides = {"actuals": st.none(), **overrides}
    required, optional = {}, {}
    for name, info in model.model_fields.items():
        if name in overrides:
            continue
        strategy = value_strategy(info.annotation, list(info.metadata))
        (required if info.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries({**required, **overrides}, optional=optional)


def cents(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda c: Decimal(c) / 100)


MERCHANT = section_strategy(
    MerchantSection,
    name=st.text(TEXT, min_size=1, max_size=40).filter(str.strip),
    language=st.sampled_from(["en", "zh"]),
    id=st.none(),
    currency=st.just("CNY"),
)
SMALL_RUN = {"simulations": st.integers(100, 300), "seed": st.integers(0, 2**32 - 1)}


@st.composite
def bargaining(draw: st.DrawFn) -> dict:
    from merchant_playbooks.first_event_bargaining.schema import Section

    original = draw(cents(1, 10**8))
    floor = original - draw(cents(1, int(original * 100)))
    gap_cents = int((original - floor) * 100)
    lo = draw(st.integers(1, 500))
    group = draw(section_strategy(Section.model_fields["group_buy"].annotation,
                                  price=st.none() | cents(0, int(original * 100) - 1).map(float)))
    return draw(section_strategy(
        Section, original_price=st.just(float(original)), floor_price=st.just(float(floor)),
        helpers_needed=st.integers(1, min(500, gap_cents)), helpers_options=st.integers(lo, 500).map(lambda hi: [lo, hi]),
        group_buy=st.just(group), **SMALL_RUN))


@st.composite
def zero_fan(draw: st.DrawFn) -> dict:
    from merchant_playbooks.zero_fan_launch.schema import Partner, Section

    duration = draw(st.integers(1, 60))
    partner = section_strategy(Partner, day=st.none() | st.integers(1, duration))
    edges = sorted(draw(st.sets(st.integers(1, 100_000), max_size=6)))
    prizes = [{"ranks": [a, max(b - 1, a)], "prize": "Prize", "value": draw(cents(0, 10**6).map(float))}
              for a, b in zip(edges[::2], [*edges[1::2], edges[-1] + 1] if edges else [], strict=False)]
    return draw(section_strategy(
        Section, duration_days=st.just(duration), partners=st.lists(partner, max_size=3),
        ranking_prizes=st.just(prizes), threshold_options=st.lists(st.integers(1, 100_000), min_size=1, max_size=6),
        **SMALL_RUN))


def _catalogue(draw: st.DrawFn, folder: Path) -> str:
    """A small product catalogue: every row valid, prices above costs, unique SKUs."""
    n = draw(st.integers(1, 12))
    lines = ["sku,name,category,season,price,cost,stock,monthly_sales,dwell_time,click_through,consultations,"
             + "favourites,sales_growth,bounce_rate"]
    for i in range(n):
        price = draw(cents(1, 10**6))
        cost = draw(cents(0, int(price * 100)))
        share = st.floats(0, 1, allow_nan=False)
        row = [f"SKU-{i}", f"Product {i}", draw(st.sampled_from(["snacks", "tea", "gifts"])),
               draw(st.sampled_from(["all", "spring", "summer", "autumn", "winter", ""])), str(price), str(cost),
               str(draw(st.integers(0, 10**6))) if draw(st.booleans()) else "",
               repr(draw(st.floats(0, 1e6, allow_nan=False))), repr(draw(st.floats(0, 600, allow_nan=False))),
               repr(draw(share)), str(draw(st.integers(0, 10**5))), str(draw(st.integers(0, 10**5))),
               repr(draw(st.floats(-1, 10, allow_nan=False))), repr(draw(share))]
        lines.append(",".join(row))
    path = folder / "catalogue.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.name


@st.composite
def cadence(draw: st.DrawFn, folder: Path) -> dict:
    from merchant_playbooks.rapid_growth_cadence.schema import (
        EVENT_KEYS,
        WEEKDAYS,
        EventSettings,
        Section,
        Targets,
        WeeklyActivity,
    )

    year = draw(st.integers(2000, 2099))
    events = draw(st.lists(st.sampled_from(EVENT_KEYS), unique=True, min_size=1, max_size=4))
    lift = st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)).map(sorted)
    days = draw(st.lists(st.sampled_from(WEEKDAYS), unique=True, max_size=3))
    weekly = [draw(section_strategy(WeeklyActivity, weekday=st.just(d))) for d in days]
    span = st.tuples(st.dates(date(year - 1, 1, 1), date(year + 1, 12, 31)), st.integers(0, 90)).map(
        lambda t: [t[0].isoformat(), (t[0] + timedelta(days=t[1])).isoformat()])
    weights = st.lists(st.floats(0, 100, allow_nan=False), min_size=12, max_size=12).filter(lambda w: sum(w) > 0)
    signals = ["dwell_time", "click_through", "consultations", "favourites", "sales_growth", "bounce_rate"]
    return draw(section_strategy(
        Section, year=st.just(year), targets=section_strategy(Targets, sales=st.integers(1, 10**9)),
        # the file is the project's own catalogue: read as it is (auto) or said to be (project)
        catalogue=st.just(_catalogue(draw, folder)), catalogue_format=st.sampled_from(["auto", "project"]),
        events=st.just(events), weekly_activities=st.just(weekly),
        monthly_themes=st.dictionaries(st.integers(1, 12), st.text(TEXT, min_size=1, max_size=30), max_size=3),
        event_settings=st.dictionaries(st.sampled_from(events), section_strategy(EventSettings, lift=st.none() | lift),
                                       max_size=2),
        anniversary=st.dates(date(1990, 1, 1), date(year, 12, 31)).map(date.isoformat) if "anniversary" in events
        else st.none(),
        baseline_growth=st.tuples(st.floats(-0.99, 10), st.floats(-0.99, 10)).map(sorted),
        weekly_lift=lift, execution=lift,
        conversion_rate=st.tuples(st.floats(1e-6, 1), st.floats(1e-6, 1)).map(sorted),
        winter_holiday=st.none() | span, summer_holiday=st.none() | span,
        seasonality=st.sampled_from(["flat", "snacks", "apparel", "beauty", "home"]) | weights,
        potential_weights=st.fixed_dictionaries({s: st.floats(0.1, 100, allow_nan=False) for s in signals}),
        **SMALL_RUN))


def _orders(draw: st.DrawFn, folder: Path) -> tuple[str, date]:
    """A short order history (customers buying on a few days) and its first order day."""
    start = draw(st.dates(date(2020, 1, 1), date(2030, 1, 1)))
    n = draw(st.integers(1, 60))
    days = [start + timedelta(days=draw(st.integers(0, 720))) for _ in range(n)]
    rows = ["customer_id,order_date,amount,channel"]
    for day in days:
        rows.append(",".join([f"C{draw(st.integers(1, 15))}", day.isoformat(), str(draw(cents(0, 10**6))),
                              draw(st.sampled_from(["online", "offline", ""]))]))
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return "orders.csv", min(days)


@st.composite
def membership(draw: st.DrawFn, folder: Path) -> dict:
    from merchant_playbooks.membership_community.schema import Camp, Section, Tier

    orders_file, first = _orders(draw, folder)
    start = draw(st.dates(first, first + timedelta(days=1200)))
    steps = draw(st.lists(cents(1, 10**6), max_size=4))
    tiers = [{"min_spend": 0.0}] + [{"min_spend": float(sum(steps[: i + 1]))} for i in range(len(steps))]
    tiers = [draw(section_strategy(Tier, min_spend=st.just(t["min_spend"]))) for t in tiers]
    shares = sorted(draw(st.sets(st.floats(0.001, 0.99, allow_nan=False), min_size=1, max_size=4)), reverse=True)
    camp_start = st.none() | st.integers(-60, 60).map(lambda d: (start + timedelta(days=d)).isoformat())
    return draw(section_strategy(
        Section, orders_file=st.just(orders_file), orders_format=st.sampled_from(["auto", "project"]),
        start_date=st.just(start.isoformat()),
        analysis_date=st.none() | st.dates(first, first + timedelta(days=1500)).map(date.isoformat),
        tiers=st.none() | st.just(tiers), tier_spend_shares=st.just(shares),
        camp=section_strategy(Camp, start_date=camp_start), **SMALL_RUN))


# ------------------------------------------------------------------ the properties of a plan

# KPIs whose kind is count or money and that can never be negative (a profit or an ROI could be).
MAY_BE_NEGATIVE = {("membership_community", "gift_cost"),  # the lottery nets its top-ups: it can earn
                   ("first_event_bargaining", "net")}  # the P&L net: an event can lose money
# Money columns in tables that are costs, liabilities or prices: never negative.
MONEY_COLUMNS = {
    "first_event_bargaining": {"cut_schedule": ("cut", "price_after"), "decision": ("cost_p50",),
                               "comparison": ("cost_p50",)},
    "zero_fan_launch": {"thresholds": ("liability_p50", "liability_p90"), "ranking_prizes": ("value",)},
    "rapid_growth_cadence": {"discount_costs": ("markdown_p50",), "event_forecast": ("markdown_p50",)},
    "membership_community": {"gifts": ("unit_cost",), "tiers": ("discount_cost", "benefit_cost")},
}


def check_plan(plan, playbook: str) -> None:
    json.dumps(plan.to_dict(), allow_nan=False)  # raises on NaN or infinity anywhere in plan.json
    assert plan.kpis, "a plan without KPIs"
    for key, kpi in plan.kpis.items():
        values = (kpi.band.p10, kpi.band.p50, kpi.band.p90)
        if all(math.isnan(v) for v in values):
            continue  # undefined (e.g. cost per fan with no fans): null in plan.json, never a number
        assert all(math.isfinite(v) for v in values), (key, values)
        tol = 1e-9 * max(1.0, *map(abs, values))
        assert values[0] <= values[1] + tol and values[1] <= values[2] + tol, (key, values)
        if kpi.kind in ("count", "money") and (playbook, key) not in MAY_BE_NEGATIVE:
            assert values[0] >= -tol, (key, values)
    for table, columns in MONEY_COLUMNS[playbook].items():
        if table not in plan.tables:
            continue
        df = plan.tables[table]
        for column in columns:
            if df.empty:
                continue  # e.g. no gifts and no lottery
            numbers = [float(v) for v in df[column] if v is not None and not (isinstance(v, float) and math.isnan(v))]
            assert all(v >= 0 for v in numbers), (table, column, numbers)
    assert plan.start <= plan.end
    for row in plan.timeline:
        date.fromisoformat(str(row["date"])[:10])


def build(raw: dict, folder: Path, playbook: str):
    mp = validate_data(raw, "<generated>", folder / "merchant.yaml")
    return registry.build_plan(playbook, mp.for_playbook(playbook))


@BUILD
@given(merchant=MERCHANT, section=bargaining())
def test_any_valid_bargaining_params_give_a_sound_plan(merchant, section):
    with tempfile.TemporaryDirectory() as tmp:
        plan = build({"merchant": merchant, "first_event_bargaining": section}, Path(tmp), "first_event_bargaining")
    check_plan(plan, "first_event_bargaining")
    cuts = plan.tables["cut_schedule"]["cut"]
    assert sum(Decimal(str(c)) for c in cuts) == Decimal(str(section["original_price"])) - Decimal(
        str(section["floor_price"]))


@BUILD
@given(merchant=MERCHANT, section=zero_fan())
def test_any_valid_zero_fan_params_give_a_sound_plan(merchant, section):
    with tempfile.TemporaryDirectory() as tmp:
        plan = build({"merchant": merchant, "zero_fan_launch": section}, Path(tmp), "zero_fan_launch")
    check_plan(plan, "zero_fan_launch")


@SLOW_BUILD
@given(merchant=MERCHANT, data=st.data())
def test_any_valid_cadence_params_give_a_sound_plan(merchant, data):
    with tempfile.TemporaryDirectory() as tmp:
        section = data.draw(cadence(Path(tmp)))
        plan = build({"merchant": merchant, "rapid_growth_cadence": section}, Path(tmp), "rapid_growth_cadence")
    check_plan(plan, "rapid_growth_cadence")


@SLOW_BUILD
@given(merchant=MERCHANT, data=st.data())
def test_any_valid_membership_params_give_a_sound_plan(merchant, data):
    with tempfile.TemporaryDirectory() as tmp:
        section = data.draw(membership(Path(tmp)))
        plan = build({"merchant": merchant, "membership_community": section}, Path(tmp), "membership_community")
    check_plan(plan, "membership_community")


# ------------------------------------------------------------------ invalid params: a ParamsError, nothing else

SAMPLE_RAW = {
    "merchant": {"name": "Bloom", "fans": 1200, "budget": 8000},
    "first_event_bargaining": {"start_date": "2026-12-01", "original_price": 199.0, "floor_price": 99.0,
                               "stock": 300, "attempt_rate": [0.02, 0.05], "group_buy": {"team_size": 3}},
    "zero_fan_launch": {"start_date": "2026-07-01", "partners": [{"name": "Car wash", "audience": 1500}],
                        "ranking_prizes": [{"ranks": [1, 1], "prize": "Free hour", "value": 380}]},
    "rapid_growth_cadence": {"year": 2027, "targets": {"sales": 100, "traffic": 10, "products": 5, "members": 1},
                             "catalogue": "products.csv", "event_settings": {"lantern": {"discount": False}},
                             "monthly_themes": {7: "Summer"}, "winter_holiday": ["2027-01-20", "2027-02-20"]},
    "membership_community": {"orders_file": "orders.csv", "start_date": "2026-11-20",
                             "tiers": [{"name": "Member", "min_spend": 0}, {"name": "Gold", "min_spend": 1000}],
                             "community": {"gifts": [{"kind": "pull_new", "item": "Sachet", "unit_cost": 2.5}]}},
}

SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(-10**40, 10**40)
           | st.floats() | st.decimals(allow_nan=True) | st.text(max_size=20)
           | st.sampled_from(["2026-13-01", "2026-02-30", "01/12/2026", "20261201", "0", ".nan", "1e400", "", " ",
                              "\x00", "../../etc/passwd", "<script>alert(1)</script>"])
           | st.dates().map(date.isoformat))
ANY = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=12) | st.integers(-3, 13), inner, max_size=4), max_leaves=12)


def _paths(node: typing.Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _copy(node: typing.Any) -> typing.Any:
    return json.loads(json.dumps(node)) if not isinstance(node, dict) else {k: _copy(v) for k, v in node.items()}


def assert_only_params_errors(raw: typing.Any) -> None:
    try:
        validate_data(raw, "params/x.yaml", Path("/nonexistent/params/x.yaml"))
    except ParamsError as exc:
        lines = exc.lines()
        assert lines and all(line.startswith("params/x.yaml") for line in lines), lines
        assert all(p.field or p.message for p in exc.problems)


@FUZZ
@given(data=st.data(), action=st.sampled_from(["replace", "delete", "add"]))
def test_a_mutated_params_file_gives_a_params_error_or_passes_never_a_crash(data, action):
    raw = _copy(SAMPLE_RAW)
    path = data.draw(st.sampled_from(_paths(raw)))
    parent = raw
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "replace":
        parent[key] = data.draw(ANY)
    elif action == "delete":
        parent.pop(key)
    elif isinstance(parent, dict):
        parent[data.draw(st.text(max_size=12))] = data.draw(ANY)
    assert_only_params_errors(raw)


@FUZZ
@given(raw=st.dictionaries(st.sampled_from(TOP_LEVEL_KEYS) | st.text(max_size=10), ANY, max_size=5) | ANY)
def test_arbitrary_data_gives_a_params_error_never_a_crash(raw):
    assert_only_params_errors(raw)


@FUZZ
@given(raw=st.dictionaries(st.sampled_from(registry.names()), st.dictionaries(st.text(max_size=10), ANY, max_size=4),
                           min_size=1, max_size=2).map(lambda d: {"merchant": {"name": "X"}, **d}))
def test_arbitrary_sections_give_a_params_error_never_a_crash(raw):
    assert_only_params_errors(raw)


YAML_PIECES = st.sampled_from([
    "merchant:", "  name: Bloom", "  fans: ", "playbooks: [", "]", "first_event_bargaining:", "  start_date: ",
    "2026-12-01", "- ", "&a ", "*a", "!!python/object:os.system", "!!binary aGk=", "? ", ": ", "{", "}", "'", '"',
    "\t", "#", "<<: *a", "%YAML 1.1", "---", "...", "|", ">", "1e400", ".nan", "~", "9" * 60, "\\x00", "\ufeff",
])


@FUZZ
@given(text=st.lists(YAML_PIECES | st.text(max_size=15), max_size=12).map("\n".join) | st.text(max_size=200),
       raw_bytes=st.none() | st.binary(max_size=60))
def test_arbitrary_yaml_text_gives_a_params_error_never_a_crash(text, raw_bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(raw_bytes if raw_bytes is not None else text.encode("utf-8", "surrogatepass"))
        try:
            load_params(path, source="x.yaml")
        except ParamsError as exc:
            assert all(line.startswith("x.yaml") for line in exc.lines())


@pytest.mark.parametrize("playbook", registry.names())
def test_every_playbook_has_a_generator_and_a_valid_starting_point_for_mutations(playbook):
    # a playbook added to the registry needs its build test above and its money columns here
    assert MONEY_COLUMNS[playbook]
    raw = {"merchant": SAMPLE_RAW["merchant"], playbook: SAMPLE_RAW[playbook]}
    assert validate_data(raw, "x").sections[playbook] is not None
