"""The zero-fan launch's decision section in words: which mechanic, which threshold, what to test first.

Reads the choice made in `figures.decision_data` (plan.json's `decision`) and the
mechanics, thresholds and sensitivity tables; formats, never works a number out.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..figref import fig
from ..figures import Figures
from ..plan import Bullets, Callout, Para, Table
from .schema import CRITERIA
from .text import columns


def rate_name(rate: str, partners: list[str], lang: str) -> str:
    """A tornado rate's name; a partner's join rate (`partner_<i>`) names the partner."""
    if rate.startswith("partner_"):
        return i18n.t("zero_fan_launch.rate.partner", lang, name=partners[int(rate.split("_")[1])])
    return i18n.t(f"zero_fan_launch.rate.{rate}", lang)


# the rates that are shares of people (shown as percentages); the others are counts per person or day
SHARE_RATES = ("fan_join_rate", "join_rate", "help_rate", "fatigue", "participant_follow_rate", "helper_follow_rate",
               "add_service_rate")


def decision_blocks(say: Any, figures: Figures, s: Any) -> list:
    d = figures.data["decision"]
    chosen = d["chosen"]
    name = {k: say(f"mechanic.{k}") for k in (d["best"], d["runner_up"], chosen)}
    reasons = [say("decision.tie" if d["tie"] else "decision.scores", best=name[d["best"]],
                   score=fig("decision.best_score", "number"), runner=name[d["runner_up"]],
                   runner_score=fig("decision.runner_up_score", "number"))]
    if d["strengths"]:
        reasons.append(say("decision.strengths",
                           strengths=", ".join(say(f"decision.strength_{c}") for c in d["strengths"])))
    reasons += [say(f"decision.why_{why}") for why in d["reasons"]]
    blocks: list[object] = [Callout(say("decision.recommend", mechanic=name[d["best"]])), Bullets(tuple(reasons))]
    blocks += choice_blocks(say, d, name)
    blocks.append(mechanics_table(say, figures, s))
    blocks.append(Para(say("decision.threshold")))
    blocks.append(Table("thresholds", say("decision.threshold_caption"), labels=(
        ("threshold", say("decision.threshold_col")), ("share_p50", say("decision.share_p50")),
        ("qualifiers_p50", say("decision.qualifiers_p50")), ("qualifiers_p90", say("decision.qualifiers_p90")),
        ("liability_p50", say("decision.liability_p50")), ("liability_p90", say("decision.liability_p90")),
        ("chosen", say("decision.chosen"))),
        formats=(("threshold", "count"), ("share_p50", "share"), ("qualifiers_p50", "count"),
                 ("qualifiers_p90", "count"), ("liability_p50", "money"), ("liability_p90", "money"),
                 ("chosen", "yesno"))))
    return blocks + sensitivity_blocks(say, figures, s)


def choice_blocks(say: Any, d: dict, name: dict[str, str]) -> list:
    """What the plan runs, and why when it is not the best option within budget (the override's reason)."""
    chosen = d["chosen"]
    i = next(i for i, o in enumerate(d["options"]) if o["chosen"])
    cash = fig(f"decision.options.{i}.cash", "money")
    out: list[object] = []
    budget = fig("budget", "money")
    if d["override"] is None:
        out.append(Para(say("decision.runs_best", chosen=name[chosen], cash=cash, budget=budget)))
    if d["best_within_budget"] is None:
        out.append(Callout(say("decision.none_within_budget", cash=cash, budget=budget), "warning"))
    if d["override"] == "params":
        best = say(f"mechanic.{d['best_within_budget'] or d['best_runnable']}")
        out.append(Callout(say("decision.override", chosen=name[chosen], best=best), "warning"))
    elif d["override"] == "none_within_budget":
        out.append(Para(say("decision.runs_top", chosen=name[chosen])))
    if d["override"] is not None and d["override_reason"] not in (None, d["override"]):
        out.append(Para(say("decision.override_reason", reason=fig("decision.override_reason", "text"))))
    if d["best"] != chosen and d["best"] != d["best_within_budget"]:
        out.append(Para(say("decision.differs", chosen=name[chosen], best=name[d["best"]])))
    return out


def mechanics_table(say: Any, figures: Figures, s: Any) -> Table:
    """The mechanics scored 1–5, the weighted score and what the merchant's situation moved."""
    weights = s.weights.as_dict()
    rows = tuple(
        (fig(f"tables.mechanics.{i}.rank"), say(f"mechanic.{mechanic}"),
         *(fig(f"tables.mechanics.{i}.{c}") for c in CRITERIA),
         fig(f"tables.mechanics.{i}.score", "number"), "; ".join(say(f"decision.short_{w}") for w in why) or "—")
        for i, (mechanic, why) in enumerate(columns(figures.tables["mechanics"], "mechanic", "adjusted_by")))
    return Table("mechanics", say("decision.mechanics_caption", weights=", ".join(
        f"{say(f'decision.{c}')} {weights[c]:g}" for c in CRITERIA)), labels=(
        ("rank", "#"), ("mechanic", say("decision.mechanic")),
        *((c, say(f"decision.{c}")) for c in CRITERIA), ("score", say("decision.score")),
        ("situation", say("decision.situation"))),
        formats=(("rank", "count"), *((c, "count") for c in CRITERIA), ("score", "number")), rows=rows)


def sensitivity_blocks(say: Any, figures: Figures, s: Any) -> list:
    """Which rate to A/B test first, and the tornado as a table."""
    partners = [p.name for p in s.partners]
    top = figures.data["decision"]["test_first"]
    if top is not None:
        first = Para(say("decision.test_first", rate=rate_name(top["rate"], partners, say.lang),
                         low=fig("decision.test_first.low"), high=fig("decision.test_first.high")))
    else:
        first = Para(say("decision.no_seeds"))

    def span(i: int, rate: str) -> str:
        kind = ("share" if rate in SHARE_RATES or rate.startswith("partner_") else "count" if rate == "reachable_pool"
                else "number")
        return f"{fig(f'tables.sensitivity.{i}.low', kind)} – {fig(f'tables.sensitivity.{i}.high', kind)}"

    rows = tuple((rate_name(rate, partners, say.lang), span(i, rate),
                  *(fig(f"tables.sensitivity.{i}.{c}") for c in ("fans_at_low", "fans_at_high", "swing")))
                 for i, rate in enumerate(figures.tables["sensitivity"]["rate"].tolist()))
    return [first, Table("sensitivity", say("decision.sensitivity_caption"), labels=(
        ("rate_name", say("decision.rate")), ("range", say("decision.rate_range")),
        ("fans_at_low", say("decision.fans_at_low")), ("fans_at_high", say("decision.fans_at_high")),
        ("swing", say("decision.swing"))),
        formats=(("fans_at_low", "count"), ("fans_at_high", "count"), ("swing", "count")), rows=rows)]
