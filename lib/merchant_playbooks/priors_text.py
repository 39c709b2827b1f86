"""The words for ranges a plan took from a priors file (`priors.py`): plan.json `priors` and one line
at the top of the forecast. Apart from `priors.py` so that the spine does not import the registry."""

from __future__ import annotations

from typing import Any


def note(plan: Any, used: dict) -> None:
    """plan.json `priors` and the forecast's first words: "Ranges … from N past campaigns (file)"."""
    from . import i18n
    from .plan import Callout
    from .review_text import rate_label

    plan.data["priors"] = {"file": used["file"], "campaigns": {k: v["campaigns"] for k, v in used["rates"].items()},
                           "pool_campaigns": used["campaigns"],
                           "own": sorted(k for k, v in used["rates"].items() if v["own"]),
                           "ranges": {k: v["range"] for k, v in used["rates"].items()}}
    counts = sorted({v["campaigns"] for v in used["rates"].values()})
    n = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    sep = "、" if plan.language == "zh" else "; "
    text = i18n.t("common.priors.used", plan.language, n=n, file=used["file"],
                  rates=sep.join(rate_label(plan, r) for r in used["rates"]))
    section = plan.sections.get("forecast")
    if section is not None:
        section.blocks.insert(0, Callout(text, "info"))
