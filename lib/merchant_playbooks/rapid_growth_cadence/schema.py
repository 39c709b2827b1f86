"""The `rapid_growth_cadence:` params section: the year's activity calendar.

Source 000 (rapid-growth stage): fixed weekly activities, monthly themes and the
year's holiday promotions keep customers coming back; annual targets come from
four sub-goals (sales, traffic, products, members). Source 003: warm up every
event, at most two discount schemes per event, discount less often when the
shop is premium, choose products from six "potential" signals, price in a ladder.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator

from ..errors import Problem
from ..schema import Money, PositiveMoney, GrowthRange, Range, RateRange, Seed, Simulations, StrictModel, Text
from ..shop_exports.formats import format_field

EventKey = Literal[
    "spring_festival", "lantern", "womens_day", "may_20", "mid_year_618", "dragon_boat", "qixi",
    "mid_autumn", "national_day", "double_11", "double_12", "winter_holiday", "summer_holiday",
    "anniversary",
]
EVENT_KEYS: tuple[str, ...] = EventKey.__args__  # type: ignore[attr-defined]

Scheme = Literal[
    "full_reduction", "coupon", "flash_sale", "ladder_price", "bundle", "group_buy",
    "gift_with_purchase", "member_price",
]
SCHEMES: tuple[str, ...] = Scheme.__args__  # type: ignore[attr-defined]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]

WeeklyKind = Literal["group_tasting", "hot_bargain", "flash_sale", "group_buy", "member_day", "live_stream",
                     "new_arrivals"]

# Month weights by category (January first): priors to replace with the merchant's own
# last-year monthly sales shares. Snacks peak with New Year goods and Mid-Autumn gifting
# and dip in the summer heat.
SEASONALITY_PRESETS: dict[str, tuple[float, ...]] = {
    "flat": (1,) * 12,
    "snacks": (1.45, 1.25, 0.9, 0.85, 0.85, 0.8, 0.7, 0.75, 1.05, 1.0, 1.15, 1.25),
    "apparel": (0.9, 0.7, 1.0, 1.0, 0.95, 0.9, 0.8, 0.8, 1.0, 1.1, 1.45, 1.3),
    "beauty": (0.9, 0.85, 1.05, 0.95, 1.05, 1.15, 0.9, 0.85, 0.9, 1.0, 1.4, 1.0),
    "home": (0.85, 0.7, 0.95, 1.0, 1.0, 1.05, 0.9, 0.9, 1.0, 1.15, 1.35, 1.15),
}


class Targets(StrictModel):
    """The year's four sub-goals (source 000); each is split into months and events to the unit."""

    sales: Annotated[int, Field(ge=1, le=10**12, description="sales over the year, whole currency units")]
    traffic: Annotated[int, Field(ge=0, le=10**12, description="visits to the shop over the year")]
    products: Annotated[int, Field(ge=0, le=10**12, description="units sold over the year")]
    members: Annotated[int, Field(ge=0, le=10**12, description="new members over the year")]


class WeeklyActivity(StrictModel):
    """A standing activity on the same weekday every week (source 000: the snack brand's group tasting)."""

    weekday: Annotated[Weekday, Field(description="mon | tue | wed | thu | fri | sat | sun")]
    activity: Annotated[
        WeeklyKind,
        Field(description="group_tasting | hot_bargain | flash_sale | group_buy | member_day | live_stream | "
                          "new_arrivals"),
    ]


class EventSettings(StrictModel):
    """Changes to one tentpole event's defaults; anything left out keeps the default."""

    discount: Annotated[
        bool | None, Field(description="false: a theme event without price cuts; true: a discount candidate")
    ] = None
    schemes: Annotated[
        tuple[Scheme, ...] | None,
        Field(max_length=2, description="discount schemes, at most two (source 003): "
                                        + " | ".join(SCHEMES)),
    ] = None
    lift: Annotated[
        Range | None, Field(description="extra sales on a sale day as a share of a normal day, e.g. [0.5, 1.2]")
    ] = None
    sale_days: Annotated[int | None, Field(ge=1, le=60, description="days the sale runs")] = None
    theme: Annotated[Text | None, Field(min_length=1, max_length=120, description="the event's theme, as shown")] = (
        None
    )


def _default_weekly() -> tuple[WeeklyActivity, ...]:
    return (WeeklyActivity(weekday="wed", activity="group_tasting"),)


class Section(StrictModel):
    """A year of regular activities: weekly fixtures, monthly themes and tentpole events."""

    year: Annotated[int, Field(ge=2000, le=2099, description="the plan year")]
    targets: Targets
    catalogue: Annotated[
        Text, Field(min_length=1, description="product catalogue, relative to the params file: the project's CSV "
                                             "or a shop's product export as downloaded (CSV or xlsx)")
    ]
    catalogue_format: format_field("catalogue") = "auto"
    weekly_activities: Annotated[
        tuple[WeeklyActivity, ...],
        Field(max_length=3, description="standing weekly activities (weekday and activity), at most three"),
    ] = Field(default_factory=_default_weekly)
    monthly_themes: Annotated[
        dict[int, Text],
        Field(description="themes by month number (1-12) replacing the defaults, e.g. {7: Summer chill box}"),
    ] = Field(default_factory=dict)
    events: Annotated[
        tuple[EventKey, ...],
        Field(description="tentpole events to plan (default: all; anniversary only when `anniversary` is set)"),
    ] = EVENT_KEYS
    event_settings: Annotated[
        dict[EventKey, EventSettings], Field(description="per-event changes: discount, schemes, lift, sale_days, theme")
    ] = Field(default_factory=dict)
    anniversary: Annotated[
        date | None, Field(description="the day the brand or shop opened (YYYY-MM-DD); its anniversary is an event")
    ] = None
    winter_holiday: Annotated[
        tuple[date, date] | None,
        Field(description="school winter holiday [first, last day]; default: around Spring Festival"),
    ] = None
    summer_holiday: Annotated[
        tuple[date, date] | None, Field(description="school summer holiday [first, last day]; default: 10 Jul - 31 Aug")
    ] = None
    warmup_days: Annotated[int, Field(ge=0, le=30, description="warm-up days before each sale (source 003)")] = 7

    premium: Annotated[
        bool | None, Field(description="a premium shop discounts less often; default: average_order_value >= "
                                       "premium_threshold")
    ] = None
    average_order_value: Annotated[
        PositiveMoney | None,
        Field(description="average order value; default: catalogue's sales-weighted price x items_per_order"),
    ] = None
    items_per_order: Annotated[float, Field(gt=0, le=50, description="items in an average order")] = 2.0
    premium_threshold: Annotated[
        PositiveMoney, Field(description="average order value from which a shop counts as premium")
    ] = Decimal(300)
    max_discount_events_per_month: Annotated[
        int | None, Field(ge=0, le=10, description="fatigue cap; default 2 (premium: 1)")
    ] = None
    max_discount_events_per_year: Annotated[
        int | None, Field(ge=0, le=40, description="fatigue cap; default 10 (premium: 5)")
    ] = None
    min_days_between_discounts: Annotated[
        int, Field(ge=0, le=60, description="rest days between two discount sales")
    ] = 3

    seasonality: Annotated[
        Literal["flat", "snacks", "apparel", "beauty", "home"] | tuple[float, ...],
        Field(description="month weights January first: a preset (flat, snacks, apparel, beauty, home) or 12 numbers"),
    ] = "flat"

    potential_weights: Annotated[
        dict[Literal["dwell_time", "click_through", "consultations", "favourites", "sales_growth", "bounce_rate"],
             Annotated[float, Field(ge=0, le=100)]],
        Field(description="weights of the six signals that find 'potential' products (source 003)"),
    ] = Field(default_factory=lambda: {"dwell_time": 1.0, "click_through": 1.0, "consultations": 1.0,
                                       "favourites": 1.0, "sales_growth": 1.5, "bounce_rate": 1.0})
    ladder_size: Annotated[
        int, Field(ge=1, le=5, description="products per price step: draw, value, normal price (source 003: 3)")
    ] = 3
    draw_discount: Annotated[float, Field(ge=0, le=0.9, description="price cut on draw items (0.35 = 35% off)")] = 0.35
    value_discount: Annotated[float, Field(ge=0, le=0.9, description="price cut on value items")] = 0.15
    min_value_margin: Annotated[
        float, Field(ge=0, le=5, description="value items keep at least this margin over cost (0.1 = 10%)")
    ] = 0.10
    ladder_share: Annotated[
        RateRange, Field(description="share of an event's sales that its price-ladder products make")
    ] = RateRange(low=0.25, high=0.4)

    baseline_growth: Annotated[
        GrowthRange, Field(description="growth of everyday sales from the first to the last day of the year, e.g. [0.1, 0.3]")
    ] = GrowthRange(low=0.05, high=0.30)
    weekly_lift: Annotated[
        Range, Field(description="extra sales on a weekly activity day, as a share of a normal day")
    ] = Range(low=0.05, high=0.20)
    theme_lift_share: Annotated[
        float, Field(ge=0, le=1, description="a theme event (no discount) lifts sales by this share of the discount lift")
    ] = 0.35
    execution: Annotated[
        Range, Field(description="how fully each event delivers its lift (1 = as planned)")
    ] = Range(low=0.7, high=1.15)
    conversion_rate: Annotated[RateRange, Field(description="visits that end in an order")] = RateRange(
        low=0.03, high=0.06
    )
    new_member_rate: Annotated[RateRange, Field(description="orders that bring a new member")] = RateRange(
        low=0.08, high=0.18
    )
    fixed_cost_per_event: Annotated[
        Money, Field(description="posters, ads and tools for one discount event")
    ] = Decimal(800)
    actuals: Annotated[
        Text | None,
        Field(description="after (part of) the year: daily actuals CSV (date, traffic, orders, sales, "
              "new_members; any subset, any days), relative to this file; adds the Review section"),
    ] = None
    seed: Seed = 17
    simulations: Simulations = 2000

    def check(self) -> list[Problem]:
        problems = []
        for month in self.monthly_themes:
            if not 1 <= month <= 12:
                problems.append(Problem(f"monthly_themes.{month}", "must be a month number 1-12", month, True))
        if sum(self.potential_weights.values()) <= 0:
            problems.append(Problem("potential_weights", "must give at least one signal a weight above 0",
                                    dict(self.potential_weights), True))
        days = [a.weekday for a in self.weekly_activities]
        if len(set(days)) != len(days):
            problems.append(Problem("weekly_activities", "must use each weekday at most once", days, True))
        for name in ("winter_holiday", "summer_holiday"):
            span = getattr(self, name)
            if span is not None and span[1] < span[0]:
                problems.append(Problem(name, "must be [first day, last day] with first <= last",
                                        [d.isoformat() for d in span], True))
        if len(set(self.events)) != len(self.events):
            problems.append(Problem("events", "must list each event once", list(self.events), True))
        if not self.events:
            problems.append(Problem("events", "must list at least one event", [], True))
        elif "anniversary" in self.events and self.anniversary is None and "events" in self.model_fields_set:
            problems.append(Problem("events", "lists anniversary, so anniversary (the day the shop opened, "
                                              "YYYY-MM-DD) must be set", list(self.events), True))
        # ranges the model multiplies sales by: below these, a day's sales (or visits) would not be a number
        if self.baseline_growth.low <= -1:
            problems.append(Problem("baseline_growth", "must stay above -1 (a fall of 100%)",
                                    self.baseline_growth.as_list(), True))
        lifts = {"weekly_lift": self.weekly_lift, "execution": self.execution,
                 **{f"event_settings.{k}.lift": e.lift for k, e in self.event_settings.items() if e.lift}}
        problems += [Problem(name, "must not go below 0", r.as_list(), True) for name, r in lifts.items() if r.low < 0]
        if self.conversion_rate.low <= 0:
            problems.append(Problem("conversion_rate", "must be above 0: visits are orders / conversion_rate",
                                    self.conversion_rate.as_list(), True))
        return problems

    @field_validator("seasonality")
    @classmethod
    def _twelve_months(cls, value: object) -> object:
        if not isinstance(value, str):
            if len(value) != 12:
                raise ValueError(f"must have 12 month weights, got {len(value)}")
            if any(w < 0 for w in value) or sum(value) <= 0:
                raise ValueError("must be 12 weights >= 0, not all zero")
        return value

    @property
    def month_weights(self) -> tuple[float, ...]:
        if isinstance(self.seasonality, str):
            return SEASONALITY_PRESETS[self.seasonality]
        return tuple(self.seasonality)


__all__ = ["EVENT_KEYS", "SCHEMES", "WEEKDAYS", "EventSettings", "Section", "Targets", "WeeklyActivity"]
