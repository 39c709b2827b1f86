"""The pull-new rule, shared by every playbook that hands out a gift for joining.

Source 004 (a physical store's community) keeps the pull-new gift within ¥3 — and what it
keeps within ¥3 is what each *new member* costs, not the gift's price: a ¥6 gift handed to
whoever brings in three friends costs ¥2 a new member, a ¥2.5 gift that every joiner
claims costs ¥2.5. And one WeChat group holds at most 500 people (source 004; FIELD_NOTES),
so the members a plan brings in need `groups_needed` groups.

    cost = cost_per_new_member(gift_cost, new_members)
    warning = pull_new_warning(cost, cap, lang, currency)   # None within the cap

The warning has the shape of a plan warning (`Plan.warn(**warning)`): its code contains
`pull_new`, so a consumer can find it whichever playbook raised it.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

from . import i18n

#: most a pull-new gift should cost per new member (source 004), in the merchant's currency
PULL_NEW_CAP = Decimal(3)
#: most people one WeChat group holds (source 004; WeChat's own limit)
GROUP_CAP = 500
CODE = "pull_new_over_cap"


def cost_per_new_member(gift_cost: float | np.ndarray, new_members: float | np.ndarray) -> float | np.ndarray:
    """What the pull-new gifts cost for each new member they bring in (NaN where nobody joins)."""
    cost = np.asarray(gift_cost, dtype=float)
    members = np.asarray(new_members, dtype=float)
    out = np.divide(cost, members, out=np.full(np.broadcast(cost, members).shape, np.nan), where=members > 0)
    return float(out) if out.ndim == 0 else out


def groups_needed(members: float | np.ndarray, group_size: int = GROUP_CAP, fill: float | np.ndarray = 1.0):
    """Groups for `members` when each is filled to `fill` of `group_size` (capped at `GROUP_CAP`) before the
    next one opens; at least one group for anyone at all."""
    size = min(group_size, GROUP_CAP) * np.asarray(fill, dtype=float)
    groups = np.ceil(np.asarray(members, dtype=float) / np.maximum(size, 1.0) - 1e-9)
    return float(groups) if groups.ndim == 0 else groups


def pull_new_warning(cost_per_new_member: float, cap: Decimal | float = PULL_NEW_CAP, lang: str = "en",
                     currency: str = "CNY") -> dict | None:
    """A plan warning when the pull-new gifts cost more than `cap` per new member, else None."""
    if not math.isfinite(cost_per_new_member) or cost_per_new_member <= float(cap) + 1e-9:
        return None
    return {"code": CODE, "level": "warning",
            "message": i18n.t("pull_new.over_cap", lang, cost=i18n.money(float(cost_per_new_member), currency, lang),
                              cap=i18n.money(Decimal(cap), currency, lang)),
            "cost_per_new_member": float(cost_per_new_member), "cap": float(cap)}


__all__ = ["CODE", "GROUP_CAP", "PULL_NEW_CAP", "cost_per_new_member", "groups_needed", "pull_new_warning"]
