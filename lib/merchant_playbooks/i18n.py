"""Message catalogues and the merchant's number, money and date formats.

Every text the library shows a merchant comes from `messages/<lang>/<namespace>.yaml`;
a key is `<namespace>.<name>`, e.g. `common.kpi.new_followers`. Each playbook has
its own namespace file, so playbooks never edit each other's catalogues.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources

import yaml

LANGUAGES = ("en", "zh")

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥"}


@lru_cache(maxsize=None)
def catalogue(lang: str, namespace: str) -> dict[str, str]:
    path = resources.files("merchant_playbooks") / "messages" / lang / f"{namespace}.yaml"
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    return _flatten(data)


def _flatten(data: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


def t(key: str, lang: str, /, **values: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `values`."""
    namespace, _, name = key.partition(".")
    try:
        text = catalogue(lang, namespace)[name]
    except KeyError:
        raise KeyError(f"message {key!r} missing from the {lang!r} catalogue") from None
    return text.format(**values) if values else text


def has(key: str, lang: str) -> bool:
    namespace, _, name = key.partition(".")
    try:
        return name in catalogue(lang, namespace)
    except FileNotFoundError:
        return False


def money(amount: Decimal | float | int, currency: str = "CNY", lang: str = "en", *, wan: bool = False,
          decimals: int = 2) -> str:
    """¥1,234.50 — or, with `wan` in Chinese, ¥15.3万 for large amounts."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if isinstance(amount, float) and not math.isfinite(amount):
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if wan and lang == "zh" and value >= 100_000:
        return f"{sign}{symbol}{(value / 10_000).quantize(Decimal('0.1'), ROUND_HALF_UP):,}万"
    q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    return f"{sign}{symbol}{value.quantize(q, ROUND_HALF_UP):,}"


def number(value: float | int, decimals: int = 0) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    return f"{value:,.{decimals}f}"


def percent(value: float, decimals: int = 1) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{value * 100:.{decimals}f}%"


def day(d: date, lang: str) -> str:
    """A date in the language's usual form: 1 Dec 2026 / 2026年12月1日."""
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%b')} {d.year}"


def short_day(d: date, lang: str) -> str:
    if lang == "zh":
        return f"{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%b')}"


def weekday(d: date, lang: str) -> str:
    return t(f"common.weekday.{d.weekday()}", lang)
