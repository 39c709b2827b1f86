"""What the membership and community plan uses, for the platform-rule check: (mechanic, channel) pairs
and group sizes from its params.

The venue is the community's groups. The plan calls them WeChat groups (its channel schedule,
the group-limits risk, `community.group_size`), so they are checked against WeChat's group
limits (40 / 100 / 200 / 500), the stricter set (a WeCom customer group owned by a staff account
takes 500). The section has no setting for the kind of group yet.
"""

from __future__ import annotations

from typing import Any

from .schema import Section

GROUP_CHANNEL = "wechat_group"


def uses(section: Section, figures: Any = None) -> list[tuple[str, str]]:
    """Member coupons and offers in the groups and at the stores' tills (coupons redeemed); the
    referral reward for friends brought into the groups (when a referral gift is set); the
    top-up lottery drawn in the groups and upgraded at the store (when enabled); the challenge
    camp's daily check-ins in the groups (when enabled). The pull-new gift rewards joining, not
    sharing, and no follow is ever required, so neither is a mechanic the rules restrict. All of it
    follows from the params: `figures` (the spine's `(section, figures)`) is not needed."""
    c = section.community
    pairs = [("coupon", GROUP_CHANNEL), ("coupon", "offline_store")]
    if any(g.kind == "referral" for g in c.gifts):
        pairs.append(("referral_gift", GROUP_CHANNEL))
    if c.lottery.enabled:
        pairs += [("community_lottery", GROUP_CHANNEL), ("community_lottery", "offline_store")]
    if section.camp.enabled:
        pairs.append(("challenge_camp", GROUP_CHANNEL))
    return pairs


def group_sizes(section: Section) -> list[tuple[str, int]]:
    """Each group filled to `community.group_size` members."""
    return [(GROUP_CHANNEL, section.community.group_size)]
