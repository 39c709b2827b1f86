"""The year's dates: Chinese festivals, shopping festivals, school holidays, the brand's anniversary.

Lunar festivals come from maintained libraries, never from a hand-typed list:
`holidays` (its Chinese lunisolar tables) gives Spring Festival, Dragon Boat and
Mid-Autumn; Lantern is always 14 days after Spring Festival (the 15th day of the
first lunar month); `holidays` has no table for Qixi (7th day of the 7th lunar
month), so it comes from `lunar_python`'s lunar → solar conversion.

Each event then gets a sale window, a 7-day warm-up, a theme and at most two
discount schemes; `schedule` decides which events may discount so that no two
discount sales overlap and the fatigue caps (per month, per year) hold.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .. import daysoff
from .schema import EVENT_KEYS, Section

# --------------------------------------------------------------------- festival dates


# Festival dates depend on the year alone and the libraries take a millisecond or more to
# give them (the live panel asks on every lever move), so each is cached per year; a
# date and a read-only mapping cannot be changed by a caller.


@functools.lru_cache(maxsize=1)
def _lunisolar():
    from holidays.calendars.chinese import _ChineseLunisolar

    return _ChineseLunisolar()


@functools.lru_cache(maxsize=64)
def spring_festival(year: int) -> date:
    """Chinese New Year (lunar 1/1) in `year`."""
    d, _ = _lunisolar().lunar_new_year_date(year)
    if d is None:
        raise ValueError(f"no Spring Festival date for {year}")
    return d


def lantern_festival(year: int) -> date:
    """Lunar 1/15: a lunar month has at least 29 days, so it is always New Year + 14 days."""
    return spring_festival(year) + timedelta(days=14)


@functools.lru_cache(maxsize=64)
def dragon_boat(year: int) -> date:
    """Lunar 5/5."""
    d, _ = _lunisolar().dragon_boat_date(year)
    if d is None:
        raise ValueError(f"no Dragon Boat date for {year}")
    return d


@functools.lru_cache(maxsize=64)
def mid_autumn(year: int) -> date:
    """Lunar 8/15."""
    d, _ = _lunisolar().mid_autumn_date(year)
    if d is None:
        raise ValueError(f"no Mid-Autumn date for {year}")
    return d


@functools.lru_cache(maxsize=64)
def qixi(year: int) -> date:
    """Lunar 7/7 (the regular 7th month, not a leap one)."""
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, 7, 7).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def public_holidays(year: int) -> dict[date, str]:
    """China's official days off in `year` (the State Council's schedule from data; estimated for a year
    not in the data yet, which the plan marks provisional — see merchant_playbooks.daysoff)."""
    return dict(_public_holidays(year))


@functools.lru_cache(maxsize=16)
def _public_holidays(year: int) -> tuple[tuple[date, str], ...]:
    return tuple(daysoff.schedule(year).days_off.items())


# --------------------------------------------------------------------- event templates


@dataclass(frozen=True)
class Template:
    """How an event sits around its day: the sale runs from day + start to day + end (inclusive)."""

    kind: str  # festival | shopping | school_holiday | brand
    start: int
    end: int
    discount: bool  # a discount candidate by default
    lift: tuple[float, float]  # extra sales per sale day when discounting, share of a normal day (prior)
    schemes: tuple[str, ...]


# Sale windows and lifts are practitioners' habits, kept as defaults a consultant overrides
# per event (`event_settings`). Spring Festival sales end 3 days before the festival because
# couriers stop over the holiday.
TEMPLATES: dict[str, Template] = {
    "spring_festival": Template("festival", -20, -3, True, (0.6, 1.4), ("full_reduction", "gift_with_purchase")),
    "lantern": Template("festival", -2, 0, True, (0.2, 0.5), ("flash_sale",)),
    "womens_day": Template("shopping", -2, 0, True, (0.3, 0.8), ("coupon", "bundle")),
    "may_20": Template("shopping", -2, 0, True, (0.3, 0.8), ("bundle", "gift_with_purchase")),
    "mid_year_618": Template("shopping", -8, 0, True, (0.6, 1.5), ("full_reduction", "ladder_price")),
    "dragon_boat": Template("festival", -5, 0, True, (0.3, 0.7), ("bundle",)),
    "qixi": Template("festival", -3, 0, True, (0.3, 0.8), ("bundle", "coupon")),
    "mid_autumn": Template("festival", -14, 0, True, (0.6, 1.4), ("ladder_price", "full_reduction")),
    "national_day": Template("festival", 0, 6, True, (0.3, 0.8), ("group_buy", "coupon")),
    "double_11": Template("shopping", -10, 0, True, (1.0, 2.5), ("ladder_price", "full_reduction")),
    "double_12": Template("shopping", -2, 0, True, (0.4, 1.0), ("coupon", "flash_sale")),
    "winter_holiday": Template("school_holiday", 0, 0, False, (0.1, 0.3), ()),
    "summer_holiday": Template("school_holiday", 0, 0, False, (0.1, 0.3), ()),
    "anniversary": Template("brand", -4, 0, True, (0.5, 1.2), ("member_price", "gift_with_purchase")),
}

# Premium shops show value rather than price cuts (source 003): schemes are swapped for these.
PREMIUM_SWAP = {"full_reduction": "gift_with_purchase", "coupon": "member_price", "flash_sale": "member_price",
                "group_buy": "gift_with_purchase"}


def event_day(key: str, s: Section) -> date | None:
    """The day an event is named after, in the plan year (None when it has no date)."""
    y = s.year
    fixed = {"womens_day": (3, 8), "may_20": (5, 20), "mid_year_618": (6, 18), "national_day": (10, 1),
             "double_11": (11, 11), "double_12": (12, 12)}
    if key in fixed:
        return date(y, *fixed[key])
    if key == "spring_festival":
        return spring_festival(y)
    if key == "lantern":
        return lantern_festival(y)
    if key == "dragon_boat":
        return dragon_boat(y)
    if key == "qixi":
        return qixi(y)
    if key == "mid_autumn":
        return mid_autumn(y)
    if key == "winter_holiday":
        return s.winter_holiday[0] if s.winter_holiday else spring_festival(y) - timedelta(days=14)
    if key == "summer_holiday":
        return s.summer_holiday[0] if s.summer_holiday else date(y, 7, 10)
    if key == "anniversary":
        if s.anniversary is None:
            return None
        a = s.anniversary
        return date(y, a.month, 28) if (a.month, a.day) == (2, 29) and not _leap(y) else date(y, a.month, a.day)
    raise KeyError(key)


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


# --------------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    key: str
    kind: str
    day: date  # the festival day itself
    sale_start: date
    sale_end: date
    warmup_start: date
    discount: bool
    schemes: tuple[str, ...]
    lift: tuple[float, float]
    theme: str | None  # the consultant's own theme; None: the catalogue's default
    priority: float = 0.0
    note: str = ""  # why the plan changed it: "" | overlap | month_cap | year_cap | trimmed | chosen
    note_other: str = ""  # the event it clashed with

    @property
    def sale_days(self) -> int:
        return (self.sale_end - self.sale_start).days + 1

    def days(self) -> list[date]:
        return [self.sale_start + timedelta(days=i) for i in range(self.sale_days)]

    def months(self) -> set[tuple[int, int]]:
        return set(_months(self.sale_start, self.sale_end))


@functools.lru_cache(maxsize=1024)
def _months(start: date, end: date) -> frozenset[tuple[int, int]]:
    """The (year, month) pairs a span of days touches (asked again and again while scheduling)."""
    return frozenset((d.year, d.month) for d in (start + timedelta(days=i) for i in range((end - start).days + 1)))


def candidate_events(s: Section, premium: bool) -> list[Event]:
    """Every chosen event with its default (or overridden) window, schemes and lift, by date."""
    events = []
    for key in EVENT_KEYS:
        if key not in s.events:
            continue
        day = event_day(key, s)
        if day is None:
            continue
        tpl = TEMPLATES[key]
        opt = s.event_settings.get(key)
        if key in ("winter_holiday", "summer_holiday"):
            span = getattr(s, key)
            if span is not None:
                start, end = span
            elif key == "winter_holiday":
                start, end = day, day + timedelta(days=30)
            else:
                start, end = day, date(s.year, 8, 31)
        else:
            start, end = day + timedelta(days=tpl.start), day + timedelta(days=tpl.end)
            start = daysoff.presale_start(key, s.year) or start  # Double 11, 618: from the platforms' pre-sale
        if opt and opt.sale_days:
            start = end - timedelta(days=opt.sale_days - 1)
        discount = tpl.discount if not opt or opt.discount is None else opt.discount
        schemes = tpl.schemes if not opt or opt.schemes is None else tuple(opt.schemes)
        if premium and (not opt or opt.schemes is None):
            schemes = tuple(dict.fromkeys(PREMIUM_SWAP.get(x, x) for x in schemes))
        lift = tpl.lift if not opt or opt.lift is None else (opt.lift.low, opt.lift.high)
        events.append(Event(key, tpl.kind, day, start, end, start - timedelta(days=s.warmup_days),
                            discount and bool(schemes), schemes if discount else (), lift,
                            opt.theme if opt else None))
    return sorted(events, key=lambda e: (e.day, e.key))


def schedule(events: list[Event], weight_of, month_cap: int, year_cap: int, gap: int,
             min_days: int = 3) -> list[Event]:
    """Decide which events discount: the most valuable first, none overlapping, within the caps.

    `weight_of(day) -> float` is a normal day's expected sales weight; an event's
    priority is the extra sales its lift brings over its window. A lower-priority
    event that clashes with a chosen one is first trimmed away from it (keeping at
    least `min_days` sale days), else it runs as a theme event without discounts.
    Discount events count in every month their sale touches.
    """
    scored = [replace(e, priority=sum(weight_of(d) for d in e.days()) * sum(e.lift) / 2) for e in events]
    chosen: list[Event] = []
    result: dict[str, Event] = {}
    for e in sorted(scored, key=lambda e: (-e.priority, e.day, e.key)):
        if not e.discount:
            result[e.key] = e
            continue
        fitted, clash = _fit(e, chosen, gap, min_days)
        if clash is not None:
            result[e.key] = _as_theme(e, "overlap", clash.key)
            continue
        per_month = {m: sum(1 for c in chosen if m in c.months()) for m in fitted.months()}
        if any(n >= month_cap for n in per_month.values()):
            result[e.key] = _as_theme(e, "month_cap")
        elif len(chosen) >= year_cap:
            result[e.key] = _as_theme(e, "year_cap")
        else:
            chosen.append(fitted)
            result[e.key] = fitted
    return sorted(result.values(), key=lambda e: (e.day, e.key))


def _as_theme(e: Event, note: str, other: str = "") -> Event:
    return replace(e, discount=False, schemes=(), note=note, note_other=other)


def _fit(e: Event, chosen: list[Event], gap: int, min_days: int) -> tuple[Event, Event | None]:
    """Trim `e` clear of every chosen discount sale (plus `gap` rest days), or name the one it clashes with."""
    start, end, near = e.sale_start, e.sale_end, ""
    for c in sorted(chosen, key=lambda c: c.sale_start):
        lo, hi = c.sale_start - timedelta(days=gap), c.sale_end + timedelta(days=gap)
        if end < lo or start > hi:
            continue
        before = (start, min(end, lo - timedelta(days=1)))
        after = (max(start, hi + timedelta(days=1)), end)
        # keep the part nearer the festival day when both are long enough
        options = [p for p in (before, after) if (p[1] - p[0]).days + 1 >= min_days]
        if not options:
            return e, c
        start, end = min(options, key=lambda p: (_distance(p, e.day), p[0]))
        near = c.key
    if (start, end) == (e.sale_start, e.sale_end):
        return e, None
    trimmed = replace(e, sale_start=start, sale_end=end, warmup_start=start - (e.sale_start - e.warmup_start),
                      note="trimmed", note_other=near)
    # trimming one side can run into another chosen sale: check again
    for c in chosen:
        if not (end < c.sale_start - timedelta(days=gap) or start > c.sale_end + timedelta(days=gap)):
            return e, c
    return trimmed, None


def _distance(span: tuple[date, date], day: date) -> int:
    lo, hi = span
    if lo <= day <= hi:
        return 0
    return min(abs((lo - day).days), abs((hi - day).days))


def overlapping(events: list[Event], gap: int = 0) -> list[tuple[str, str]]:
    """Pairs of discount events whose sales overlap or sit closer than `gap` days (should be none)."""
    disc = sorted((e for e in events if e.discount), key=lambda e: e.sale_start)
    pairs = []
    for i, a in enumerate(disc):
        for b in disc[i + 1:]:
            if b.sale_start <= a.sale_end + timedelta(days=gap):
                pairs.append((a.key, b.key))
    return pairs


def weekly_days(s: Section, events: list[Event]) -> list[tuple[date, str]]:
    """Each weekly activity's dates in the plan year, paused during discount sales (one offer at a time)
    and skipped on official days off."""
    from .schema import WEEKDAYS

    busy = {d for e in events if e.discount for d in e.days()} | set(daysoff.schedule(s.year).days_off)
    fixtures = [(WEEKDAYS.index(a.weekday), a.activity) for a in s.weekly_activities]
    return [(d, activity) for d, weekday in _year_weekdays(s.year) for day, activity in fixtures
            if day == weekday and d not in busy]


@functools.lru_cache(maxsize=8)
def _year_weekdays(year: int) -> tuple[tuple[date, int], ...]:
    first = date(year, 1, 1)
    n = (date(year + 1, 1, 1) - first).days
    return tuple((d, d.weekday()) for d in (first + timedelta(days=i) for i in range(n)))
