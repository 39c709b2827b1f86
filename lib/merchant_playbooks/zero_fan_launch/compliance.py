"""What the zero-fan launch uses, for the platform-rule check: (mechanic, channel) pairs from its params."""

from __future__ import annotations

from .schema import POINTS_MECHANICS, Section

# Partners pass the campaign on through their own account, groups and counters (figures.channel_table).
PARTNER_CHANNELS = ("official_account", "wechat_group", "offline_store")


def uses(section: Section, figures: object = None) -> list[tuple[str, str]]:
    """The points campaign runs in the mini program and spreads wherever participants and staff
    share it (`share_via`); partners, when there are any, post it on their own channels. No
    follow is required (the plan offers it as a benefit) unless `forced_follow` is set (follow-to-vote):
    then it gates the campaign in the mini program, on the official account and wherever it is shared.
    The mechanic is the decision's (`figures.data["mechanic"]`); with the params alone, the one they
    name, or either points mechanic when they leave it to the decision."""
    if figures is not None:
        mechanics: tuple[str, ...] = (figures.data["mechanic"],)
    else:
        mechanics = (section.mechanic,) if "mechanic" in section.model_fields_set else POINTS_MECHANICS
    pairs = [(m, "mini_program") for m in mechanics]
    pairs += [(m, channel) for m in mechanics for channel in section.share_via]
    if section.forced_follow:
        pairs += [("forced_follow", channel) for channel in ("mini_program", "official_account", *section.share_via)]
    if section.partners:
        pairs += [("partner_swap", channel) for channel in PARTNER_CHANNELS]
    return list(dict.fromkeys(pairs))
