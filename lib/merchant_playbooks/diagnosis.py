"""Stage diagnosis: which of the four operating stages a merchant is in, and why.

The four stages and what each one needs come from source 000 ("How to plan mall
activities at different operation stages"): zero budget and zero fans → traffic
first; a few fans → a first fission event; rapid growth → regular activities;
stable operation → membership and community. The source gives no numeric
thresholds; the ones below are ours, chosen so the sources' cases land in the
stage the article puts them in, and are named here so a consultant can see them.

Numbers only: a diagnosis is a stage, the playbook declared for it (`playbook_for`: the
loader passes `registry.for_stage`)
and its reasons as message keys with raw values; `diagnosis_text.py` says it in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .schema import MerchantSection

# Fewer followers than a shop's own staff and friends can bring in one day:
# the driving-school case (source 000) starts from "0 fans".
ZERO_FANS_MAX = 100
# Below this budget (currency units) a merchant cannot pay for rewards or ads:
# the "0 budget" of source 000's first stage.
ZERO_BUDGET_MAX = Decimal("1000")
# "A small number of fans": the household brand's launch (source 000) had an
# audience in the low thousands before its 15-day price-cut event.
FEW_FANS_MAX = 5000
# Stable operation (source 000, stage 4): trading two years or more, repeat
# buyers at least 30% of customers, and growth that has levelled off.
STABLE_MONTHS_MIN = 24
STABLE_REPEAT_MIN = 0.30
STABLE_GROWTH_MAX = 0.05

@dataclass(frozen=True)
class Reason:
    """A reason as a message key with its raw values (numbers), so it reads in either language."""

    key: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnosis:
    stage: str  # zero | few_fans | growing | stable
    playbook: str
    reasons: tuple[Reason, ...]


def diagnose(m: MerchantSection, playbook_for: Callable[[str], str]) -> Diagnosis:
    """Place a merchant in one of the four stages from its `merchant:` block; `playbook_for(stage)`
    names the playbook that serves it.

    Order matters: no audience first; then a settled business (long trading, many
    repeat buyers, flat growth) — even with a small online following, like the
    two-store shoe brand of source 001 — then a small audience; else growing.
    """
    fans, budget = m.fans, m.budget
    if fans < ZERO_FANS_MAX:
        reasons = [Reason("few_followers", {"fans": fans, "limit": ZERO_FANS_MAX})]
        if budget < ZERO_BUDGET_MAX:
            reasons.append(Reason("no_budget", {"budget": budget, "limit": ZERO_BUDGET_MAX}))
        reasons.append(Reason("traffic_first"))
        return Diagnosis("zero", playbook_for("zero"), tuple(reasons))
    stable = (
        m.months_trading >= STABLE_MONTHS_MIN
        and m.repeat_rate >= STABLE_REPEAT_MIN
        and m.growth_rate < STABLE_GROWTH_MAX
    )
    if stable:
        return Diagnosis(
            "stable",
            playbook_for("stable"),
            (
                Reason(
                    "settled",
                    {
                        "months": m.months_trading,
                        "repeat": m.repeat_rate,
                        "growth": m.growth_rate,
                    },
                ),
                Reason("keep_and_grow"),
            ),
        )
    if fans < FEW_FANS_MAX:
        return Diagnosis(
            "few_fans",
            playbook_for("few_fans"),
            (Reason("some_followers", {"fans": fans, "limit": FEW_FANS_MAX}), Reason("activate_and_pull")),
        )
    return Diagnosis(
        "growing",
        playbook_for("growing"),
        (
            Reason("growing_audience", {"fans": fans, "growth": m.growth_rate}),
            Reason("regular_cadence"),
        ),
    )
