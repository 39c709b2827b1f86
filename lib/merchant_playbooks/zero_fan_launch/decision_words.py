"""The zero-fan launch's decision section in words: which mechanic, which threshold, what to test first.

Reads the choice made in `figures.decision_data` (plan.json's `decision`) and the
mechanics, thresholds and sensitivity tables; formats, never works a number out.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from ..figures import Figures
from ..plan import Bullets, Callout, Para, Table
from .schema import CRITERIA
from .text import columns


def rate_name(rate: str, partners: list[str], lang: str) -> str:
    """A tornado rate's name; a partner's join rate (`partner_<i>`) names the partner."""
    if rate.startswith("partner_"):
        return i18n.t("zero_fan_launch.rate.partner", lang, name=partners[int(rate.split("_")[1])])
    return i18n.t(f"zero_fan_launch.rate.{rate}", lang)


def fmt_rate(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:g}"


def decision_blocks(say: Any, figures: Figures, s: Any) -> list:
    d = figures.data["decision"]
    name = {k: say(f"mechanic.{k}") for k in (d["best"], d["runner_up"], s.mechanic)}
    reasons = [say("decision.tie" if d["tie"] else "decision.scores", best=name[d["best"]],
                   score=f"{d['best_score']:.2f}", runner=name[d["runner_up"]],
                   runner_score=f"{d['runner_up_score']:.2f}")]
    if d["strengths"]:
        reasons.append(say("decision.strengths",
                           strengths=", ".join(say(f"decision.strength_{c}") for c in d["strengths"])))
    reasons += [say(f"decision.why_{why}") for why in d["reasons"]]
    blocks: list[object] = [Callout(say("decision.recommend", mechanic=name[d["best"]])), Bullets(tuple(reasons))]
    if d["best"] != s.mechanic:
        blocks.append(Callout(say("decision.differs", chosen=name[s.mechanic], best=name[d["best"]]), "warning"))
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


def mechanics_table(say: Any, figures: Figures, s: Any) -> Table:
    """The mechanics scored 1–5, the weighted score and what the merchant's situation moved."""
    weights = s.weights.as_dict()
    rows = tuple(
        (i18n.number(rank), say(f"mechanic.{mechanic}"), *(i18n.number(v) for v in scores),
         i18n.number(float(score), 2), "; ".join(say(f"decision.short_{w}") for w in why) or "—")
        for rank, mechanic, score, why, *scores
        in columns(figures.tables["mechanics"], "rank", "mechanic", "score", "adjusted_by", *CRITERIA))
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
                         low=say.count(top["low"]), high=say.count(top["high"])))
    else:
        first = Para(say("decision.no_seeds"))
    rows = tuple((rate_name(rate, partners, say.lang), f"{fmt_rate(low)} – {fmt_rate(high)}",
                  say.count(at_low), say.count(at_high), say.count(swing))
                 for rate, low, high, at_low, at_high, swing
                 in columns(figures.tables["sensitivity"], "rate", "low", "high", "fans_at_low", "fans_at_high",
                            "swing"))
    return [first, Table("sensitivity", say("decision.sensitivity_caption"), labels=(
        ("rate_name", say("decision.rate")), ("range", say("decision.rate_range")),
        ("fans_at_low", say("decision.fans_at_low")), ("fans_at_high", say("decision.fans_at_high")),
        ("swing", say("decision.swing"))),
        formats=(("fans_at_low", "count"), ("fans_at_high", "count"), ("swing", "count")), rows=rows)]
