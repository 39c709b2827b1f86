"""Message catalogues and the merchant's number, money and date formats.

Every text the library shows a merchant comes from `messages/<lang>/<namespace>.yaml`;
a key is `<namespace>.<name>`, e.g. `common.kpi.new_followers`. Each playbook has
its own namespace (its name): the shared file `messages/<lang>/<playbook>.yaml` and/or its
own folder `<playbook>/messages/<lang>.yaml` (declared as `Playbook.messages`), so playbooks
never edit each other's catalogues.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

LANGUAGES = ("en", "zh")

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥"}


#: namespace -> a playbook's own `messages/` folder (`<lang>.yaml`); the registry fills it from
#: each declaration's `messages`, so a playbook outside this package brings its words along
OWN_MESSAGES: dict[str, Path] = {}


def add_messages(namespace: str, folder: str | Path) -> None:
    """Read `folder/<lang>.yaml` as (part of) `namespace`'s catalogue, beside the shared one."""
    folder = Path(folder)
    if OWN_MESSAGES.get(namespace) != folder:
        OWN_MESSAGES[namespace] = folder
        catalogue.cache_clear()


@cache
def catalogue(lang: str, namespace: str) -> dict[str, str]:
    """`namespace`'s messages in `lang`: the shared `messages/<lang>/<namespace>.yaml` and the
    playbook's own `<lang>.yaml`, either or both (its own win); FileNotFoundError with neither."""
    paths = [resources.files("merchant_playbooks") / "messages" / lang / f"{namespace}.yaml"]
    if namespace in OWN_MESSAGES:
        paths.append(OWN_MESSAGES[namespace] / f"{lang}.yaml")
    flat: dict[str, str] = {}
    found = False
    for path in paths:
        if not path.is_file():
            continue
        found = True
        with path.open(encoding="utf-8") as f:
            flat.update(_flatten(yaml.load(f, Loader=_LOADER) or {}))
    if not found:
        raise FileNotFoundError(f"no {lang!r} catalogue for {namespace!r} ({', '.join(map(str, paths))})")
    return flat


# libyaml's safe loader where PyYAML has it (the same documents, several times faster), else PyYAML's own
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalogues() -> None:
    """Read every catalogue there is, in every language, now (a batch kernel does it before its first
    notebook, once for all the kernels made from it)."""
    shared = resources.files("merchant_playbooks") / "messages"
    for lang in LANGUAGES:
        names = {p.name.removesuffix(".yaml") for p in (shared / lang).iterdir() if p.name.endswith(".yaml")}
        names |= {ns for ns, folder in OWN_MESSAGES.items() if (folder / f"{lang}.yaml").is_file()}
        for namespace in sorted(names):
            catalogue(lang, namespace)


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


def counted(key: str, count: float) -> str:
    """The key of `key`'s form for `count` things: `key.one` or `key.other` (1 day, 3 days).

    A message about a number of things has both forms in every language's catalogue (Chinese
    writes the same words in each), so a sentence never reads "day(s)".
    """
    return f"{key}.{'one' if count == 1 else 'other'}"


def has(key: str, lang: str) -> bool:
    namespace, _, name = key.partition(".")
    try:
        return name in catalogue(lang, namespace)
    except FileNotFoundError:
        return False


def money(amount: Decimal | float, currency: str = "CNY", lang: str = "en", *, wan: bool = False,
          decimals: int | None = None) -> str:
    """¥1,234.50 — or, with `wan` in Chinese, ¥15.3万 for amounts from ¥100,000 up.

    Exact money (Decimal, int) shows the cents. A float is a forecast (see STYLE.md:
    forecasts are floats with ranges), shown to the cent below 1,000 and in whole
    units above, where cents would claim a precision a forecast does not have.
    """
    if isinstance(amount, float) and not math.isfinite(amount):
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    if decimals is None:
        decimals = 0 if isinstance(amount, float) and abs(amount) >= 1000 else 2
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    sign = "-" if value < 0 else ""
    value = abs(value)
    with localcontext() as ctx:  # quantize needs every digit: a huge forecast can pass the default 28
        ctx.prec = max(ctx.prec, value.adjusted() + decimals + 2)
        if wan and lang == "zh" and value >= 100_000:
            return f"{sign}{symbol}{(value / 10_000).quantize(Decimal('0.1'), ROUND_HALF_UP):,}万"
        q = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
        return f"{sign}{symbol}{value.quantize(q, ROUND_HALF_UP):,}"


def number(value: float, decimals: int = 0) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    return f"{value:,.{decimals}f}"


def percent(value: float, decimals: int = 1) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{value * 100:.{decimals}f}%"


def month(d: date, lang: str) -> str:
    """The month's short name from the catalogue (not the process locale): Dec / 12月."""
    return t(f"common.month.{d.month}", lang)


def day(d: date, lang: str) -> str:
    """A date in the language's usual form: 1 Dec 2026 / 2026年12月1日."""
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {month(d, lang)} {d.year}"


def short_day(d: date, lang: str) -> str:
    """A date within the plan's year: 1 Dec / 12月1日."""
    if lang == "zh":
        return f"{d.month}月{d.day}日"
    return f"{d.day} {month(d, lang)}"


def day_range(start: date, end: date, lang: str) -> str:
    """A span of days as people write it: 1–15 Dec 2026, 28 Nov – 5 Dec 2026 / 2026年12月1日至15日."""
    if start == end:
        return day(start, lang)
    if lang == "zh":
        if start.year != end.year:
            tail = day(end, lang)
        elif start.month != end.month:
            tail = f"{end.month}月{end.day}日"
        else:
            tail = f"{end.day}日"
        return f"{day(start, lang)}至{tail}"
    if start.year != end.year:
        return f"{day(start, lang)} – {day(end, lang)}"
    if start.month != end.month:
        return f"{short_day(start, lang)} – {day(end, lang)}"
    return f"{start.day}–{day(end, lang)}"


def weekday(d: date, lang: str) -> str:
    return t(f"common.weekday.{d.weekday()}", lang)
