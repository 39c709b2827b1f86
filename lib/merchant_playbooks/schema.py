"""Typed params: the building blocks every playbook section uses, and the merchant block.

Each playbook declares its own section model in `<playbook>/schema.py` from
these pieces. Field descriptions double as documentation (README's params
reference is generated from them by `playbooks params-doc`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import Problem


class StrictModel(BaseModel):
    """A params section: unknown keys are errors, NaN/inf are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_are_written_as_dates(cls, value: Any, info: ValidationInfo) -> Any:
        """Pydantic reads a number (or digits in quotes) as seconds since 1970: `start_date: 0`
        would silently be 1 Jan 1970 and `start_date: 20261201` a date "with a time".
        `today+14` (days from the run date) is resolved here, so the plan sees a plain date."""
        numeric, relative = (f(value) or (isinstance(value, list | tuple) and any(map(f, value)))
                             for f in (_numeric, _relative))
        if not (numeric or relative):
            return value
        field = cls.model_fields.get(info.field_name or "")
        if field is None or not _mentions_date(field.annotation):
            return value
        if numeric:
            raise ValueError("must be a date written YYYY-MM-DD")
        return [resolve_date(v) for v in value] if isinstance(value, list | tuple) else resolve_date(value)

    def check(self) -> list[Problem]:
        """Cross-field rules; return problems with field names relative to this section."""
        return []


_DIGITS = re.compile(r"\s*[-+]?\d+(\.\d*)?\s*")


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float | Decimal) or (isinstance(value, str) and bool(_DIGITS.fullmatch(value)))


_TODAY = re.compile(r"today\s*(?:([-+])\s*(\d{1,5}))?")  # fullmatch: today, today+14, today-30


def _relative(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith("today")


def resolve_date(value: Any) -> Any:
    """`today`, `today+14`, `today-30`: that many days from the run date (`clock.run_date()`).

    Any other value is left to the field's own parsing; text starting with "today" that is
    not one of these forms is refused with the forms it may take.
    """
    if not _relative(value):
        return value
    found = _TODAY.fullmatch(value.strip().lower())
    if found is None:
        raise ValueError("must be a date written YYYY-MM-DD, or days from the run date: today, today+14, today-30")
    from .clock import run_date

    sign, days = found.groups()
    return run_date() + timedelta(days=int(days or 0) * (-1 if sign == "-" else 1))


def _mentions_date(annotation: Any) -> bool:
    return annotation is date or any(_mentions_date(a) for a in getattr(annotation, "__args__", ()))


def _no_control_characters(value: str) -> str:
    """Text a consultant types: any language, tabs and line breaks, but no other control character.

    A control character cannot be drawn by the chart renderer or stored in a workbook cell,
    and only ever gets into a params file by accident.
    """
    if any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in value):
        raise ValueError("must not contain control characters (such as NUL)")
    return value


# Every free-text field of every schema is Text, so all of them refuse control characters alike.
Text = Annotated[str, AfterValidator(_no_control_characters)]

# Money a merchant adds up: exact, two decimals, never negative.
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Share = Annotated[float, Field(ge=0, le=1)]
Seed = Annotated[int, Field(ge=0, le=2**32 - 1, description="random seed: same params and seed, same numbers")]
Simulations = Annotated[
    int, Field(ge=100, le=200_000, description="Monte Carlo draws behind each P10/P50/P90 range")
]


class Range(StrictModel):
    """An uncertain quantity: `[low, high]`, `{low: .., high: ..}` or one number (no uncertainty).

    The range is the quantity's P10–P90: Monte Carlo draws it from a symmetric PERT
    stretched so that 80% of the draws fall between low and high (see `montecarlo.draw`),
    and its centre, `(low + high) / 2`, is also its median.
    """

    low: float
    high: float

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, value: Any) -> Any:
        if value is None or isinstance(value, bool | str):
            raise ValueError("must be a number or [low, high]")
        if isinstance(value, int | float | Decimal):
            return {"low": value, "high": value}
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"must be [low, high] (two numbers), not {len(value)} values")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        lo, hi = type(self).bounds()
        for v in (self.low, self.high):
            if lo is not None and v < lo:
                raise ValueError(f"must not go below {lo:g}")
            if hi is not None and v > hi:
                raise ValueError(f"must not go above {hi:g}")
        if self.low > self.high:
            raise ValueError("must be [low, high] with low <= high")
        return self

    @classmethod
    def bounds(cls) -> tuple[float | None, float | None]:
        return (None, None)

    @classmethod
    def draw_limits(cls) -> tuple[float | None, float | None]:
        """Where Monte Carlo draws must stay (`montecarlo.limits`): the bounds, unless a type says more."""
        return cls.bounds()

    @property
    def centre(self) -> float:
        return (self.low + self.high) / 2

    def as_list(self) -> list[float]:
        return [self.low, self.high]


class RateRange(Range):
    """A share between 0 and 1, as a range."""

    @classmethod
    def bounds(cls) -> tuple[float | None, float | None]:
        return (0.0, 1.0)


class GrowthRange(Range):
    """A growth over a period (0.2 = +20%), as a range. Its section refuses a low end of -1 or less
    (a fall of 100%); the draws beyond the typed range stay above -0.99 as well."""

    @classmethod
    def draw_limits(cls) -> tuple[float | None, float | None]:
        return (-0.99, None)


class CountRange(Range):
    """A non-negative quantity (people, views per person), as a range."""

    @classmethod
    def bounds(cls) -> tuple[float | None, float | None]:
        return (0.0, 1e9)


class PositiveRange(Range):
    """A strictly positive quantity (a dispersion, a mean), as a range."""

    @classmethod
    def bounds(cls) -> tuple[float | None, float | None]:
        return (1e-6, 1e9)


Language = Literal["en", "zh"]
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # always fullmatch: "$" would let a final newline through


class MerchantSection(StrictModel):
    """Who the plan is for, and what stage diagnosis needs."""

    name: Annotated[Text, Field(min_length=1, max_length=200, description="shown in handouts; any text, any language")]
    id: Annotated[
        Text | None,
        Field(default=None, description="output folder name: lowercase letters, digits, '-'; slug of name if absent"),
    ] = None
    language: Annotated[Language, Field(description="the handout's language: en | zh")] = "en"
    # pydantic's patterns are Rust regexes: "$" is the end of the text there, a final newline is refused
    currency: Annotated[Text, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. CNY")] = "CNY"
    fans: Annotated[int, Field(ge=0, le=10**9, description="followers/members reachable today")] = 0
    budget: Annotated[Money, Field(description="campaign budget in currency units")] = Decimal("0")
    months_trading: Annotated[float, Field(ge=0, le=1200, description="months since the shop opened")] = 0
    monthly_sales: Annotated[Money, Field(description="average monthly sales, currency units")] = Decimal("0")
    growth_rate: Annotated[
        float, Field(ge=-1, le=10, description="month-on-month sales growth as a fraction (0.05 = 5%)")
    ] = 0
    repeat_rate: Annotated[
        Share, Field(description="share of last year's customers who bought more than once")
    ] = 0
    stores: Annotated[int, Field(ge=0, le=100_000, description="physical stores")] = 0

    def check(self) -> list[Problem]:
        if self.id is not None and not SLUG_RE.fullmatch(self.id):
            return [
                Problem(
                    "id",
                    "must be 1-63 lowercase letters, digits or '-', starting with a letter or digit",
                    self.id,
                    True,
                )
            ]
        return []


__all__ = [
    "CountRange",
    "Language",
    "MerchantSection",
    "Money",
    "PositiveMoney",
    "PositiveRange",
    "Range",
    "RateRange",
    "Seed",
    "Share",
    "Simulations",
    "StrictModel",
    "Text",
    "date",
]
