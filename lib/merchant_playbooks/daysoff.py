"""China's official days off and make-up working days (调休), from data, never guessed as fact.

`data/cn_days_off.yaml` holds the State Council's schedule for each year whose notice is out
(days off as runs, the weekend days worked instead, the notice and its date). A year not in
the data is *provisional*: its days off are estimated from the `holidays` package's rules
(the statutory days only; no make-up working days) and every plan that uses it says so
(`daysoff_text.flag_provisional`: a warning in plan.json and on the handout's cover).

Pure data, no words: models import it (weekly fixtures skip days off, the baseline knows them).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from types import MappingProxyType

import yaml

DATA = "cn_days_off.yaml"
#: the `holidays` package's English names → our holiday keys (for estimated years)
ESTIMATE_KEYS = (("new year's day", "new_year"), ("spring festival", "spring_festival"),
                 ("new year's eve", "spring_festival"), ("tomb-sweeping", "qingming"), ("labor", "labour_day"),
                 ("dragon boat", "dragon_boat"), ("mid-autumn", "mid_autumn"), ("national day", "national_day"))


@dataclass(frozen=True)
class YearSchedule:
    year: int
    official: bool  # False: not in the data, days off estimated
    days_off: Mapping[date, str]  # day → holiday key
    working_days: frozenset[date]  # weekend days worked instead (official years only)
    notice: str = ""
    published: date | None = None
    url: str = ""

    def to_dict(self) -> dict:
        """plan.json's record of the year: where its days off come from, and the runs."""
        return {"year": self.year, "official": self.official, "provisional": not self.official,
                "notice": self.notice or None, "published": self.published.isoformat() if self.published else None,
                "source": self.url or ("holidays package (estimated)" if not self.official else None),
                "days_off": [{"holiday": k, "from": a.isoformat(), "to": b.isoformat()} for k, a, b in runs(self)],
                "working_days": sorted(d.isoformat() for d in self.working_days)}


@functools.cache
def _data() -> dict:
    with (resources.files("merchant_playbooks") / "data" / DATA).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def known_years() -> tuple[int, ...]:
    return tuple(sorted(int(y) for y in _data()["years"]))


@functools.lru_cache(maxsize=16)
def schedule(year: int) -> YearSchedule:
    """The year's days off: the State Council's schedule when the data has it, else an estimate."""
    entry = _data()["years"].get(year)
    if entry is None:
        return _estimate(year)
    days: dict[date, str] = {}
    for run in entry["days_off"]:
        d = run["from"]
        while d <= run["to"]:
            days[d] = run["holiday"]
            d += timedelta(days=1)
    return YearSchedule(year, True, MappingProxyType(days), frozenset(entry.get("working_days") or ()),
                        entry.get("notice", ""), entry.get("published"), entry.get("url", ""))


def _estimate(year: int) -> YearSchedule:
    import holidays

    days = {}
    for d, name in sorted(holidays.China(years=year, language="en_US").items()):
        low = name.lower()
        days[d] = next((key for word, key in ESTIMATE_KEYS if word in low), "day_off")
    return YearSchedule(year, False, MappingProxyType(days), frozenset())


def runs(s: YearSchedule) -> list[tuple[str, date, date]]:
    """The year's days off as (holiday, first day, last day) runs of consecutive days."""
    out: list[list] = []
    for d in sorted(s.days_off):
        key = s.days_off[d]
        if out and out[-1][0] == key and out[-1][2] + timedelta(days=1) == d:
            out[-1][2] = d
        else:
            out.append([key, d, d])
    return [tuple(r) for r in out]  # type: ignore[misc]


def years(start: date, end: date) -> list[int]:
    return list(range(start.year, end.year + 1))


def days_off(start: date, end: date) -> dict[date, str]:
    """Every official (or estimated) day off from `start` to `end`, with its holiday key."""
    return {d: k for y in years(start, end) for d, k in schedule(y).days_off.items() if start <= d <= end}


def working_days(start: date, end: date) -> list[date]:
    """The make-up working days (weekend days worked) from `start` to `end`."""
    return sorted(d for y in years(start, end) for d in schedule(y).working_days if start <= d <= end)


def is_day_off(d: date) -> bool:
    return d in schedule(d.year).days_off


def provisional_years(start: date, end: date) -> list[int]:
    return [y for y in years(start, end) if not schedule(y).official]


def summary(start: date, end: date) -> dict:
    """plan.json `days_off`: each year the plan's dates touch, official or provisional, with its source."""
    return {"source": _data()["source"], "provisional_years": provisional_years(start, end),
            "years": [schedule(y).to_dict() for y in years(start, end)]}


def presale_start(key: str, year: int) -> date | None:
    """The day a platform festival's pre-sale opens in `year` (Double 11, 618), or None for other events."""
    entry = _data()["presales"].get(key)
    return date(year, entry["month"], entry["day"]) if isinstance(entry, dict) else None


def presales() -> dict:
    """plan.json's record of the pre-sale starts: each festival's month and day, the source and its date."""
    p = _data()["presales"]
    return {"source": p["source"], "as_of": p["as_of"].isoformat(),
            **{k: f"{v['month']:02d}-{v['day']:02d}" for k, v in p.items() if isinstance(v, dict)}}


#: an everyday (non-event) day's sales on a day off, against a normal day of its month. A *prior*: couriers
#: and most shops stop over the Spring Festival days off (why its sale ends three days before, see
#: rapid_growth_cadence.calendar); no published figure, so half a normal day. Other days off: no change.
BASELINE_ON_DAYS_OFF = {"spring_festival": 0.5}


def baseline_factor(d: date) -> float:
    return BASELINE_ON_DAYS_OFF.get(schedule(d.year).days_off.get(d, ""), 1.0)


def skip_days_off(dates: list[date]) -> tuple[list[date], list[date]]:
    """`dates` split into those kept and those that fall on a day off (skipped)."""
    kept = [d for d in dates if not is_day_off(d)]
    return kept, [d for d in dates if is_day_off(d)]
