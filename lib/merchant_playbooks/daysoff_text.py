"""Words about official days off: the provisional-year warning, and what weekly fixtures do around days off.

    flag_provisional(plan)   # the spine: a warning per year of plan.json `days_off` not yet in the data
    fixture_note(lang, year, weekdays)   # a playbook's sentence on its weekly fixtures
"""

from __future__ import annotations

from datetime import date, timedelta

from . import daysoff, i18n


def flag_provisional(plan) -> None:
    """Warn (plan.json `warnings`, the handout's cover) for each year whose days off are estimated."""
    record = plan.data.get("days_off")
    if not record:
        return
    for year in record.get("provisional_years", ()):
        plan.warn("days_off_provisional", i18n.t("common.days_off.provisional", plan.language, year=year),
                  level="warning", year=year)


def _days(days: list[date], lang: str) -> str:
    sep = i18n.t("common.table.list_separator", lang)
    return sep.join(i18n.short_day(d, lang) for d in days)


def fixture_note(lang: str, year: int, weekdays: list[int]) -> str:
    """What the weekly fixtures (on `weekdays`, Monday = 0) do on the year's days off and make-up working days."""
    t = lambda key, **kw: i18n.t(f"common.days_off.{key}", lang, **kw)
    first = date(year, 1, 1)
    dates = [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]
    fixture_dates = [d for d in dates if d.weekday() in weekdays]
    _, skipped = daysoff.skip_days_off(fixture_dates)
    parts = [t("fixtures_skip", count=len(skipped), days=_days(skipped, lang)) if skipped else t("fixtures_none")]
    worked = daysoff.working_days(first, date(year, 12, 31))
    if not daysoff.schedule(year).official:
        parts.append(t("working_unknown", year=year))
    elif worked:
        parts.append(t("working_days", days=_days(worked, lang)))
    return " ".join(parts)


def presale_note(lang: str) -> str:
    """Where the Double 11 and 618 sale windows come from (the platforms' pre-sale starts)."""
    p = daysoff.presales()
    day = lambda md: i18n.short_day(date(2000, *map(int, md.split("-"))), lang)
    return i18n.t("common.days_off.presales", lang, double_11=day(p["double_11"]), mid_year_618=day(p["mid_year_618"]),
                  source=i18n.t("common.days_off.presales_source", lang), as_of=i18n.day(date.fromisoformat(p["as_of"]), lang))
