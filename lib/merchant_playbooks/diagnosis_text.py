"""A diagnosis in the merchant's words: the stage and its reasons as one sentence.

The numbers (stage, playbook, reasons with raw values) are `diagnosis.py`; this module
formats each value and fills the catalogue's `common.diagnosis.*` sentences.
"""

from __future__ import annotations

from .diagnosis import Diagnosis
from .i18n import t

#: how each reason's value is written (fans and budgets whole, shares as percent)
FORMATS = {"fans": "{:,.0f}", "limit": "{:,.0f}", "budget": "{:,.0f}", "months": "{:g}", "repeat": "{:.0%}",
           "growth": "{:.0%}"}


def text(d: Diagnosis, lang: str) -> str:
    """One sentence: the stage, then its reasons as clauses."""
    sep = t("common.diagnosis.separator", lang)
    reasons = sep.join(t(f"common.diagnosis.{r.key}", lang, **{k: FORMATS[k].format(v) for k, v in r.values.items()})
                       for r in d.reasons)
    return t("common.diagnosis.summary", lang, stage=t(f"common.stage.{d.stage}", lang), reasons=reasons)


def to_dict(d: Diagnosis, lang: str = "en") -> dict:
    return {"stage": d.stage, "playbook": d.playbook, "why": text(d, lang)}
