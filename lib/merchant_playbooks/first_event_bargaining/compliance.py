"""What the bargaining event uses, for the platform-rule check: (mechanic, channel) pairs from its params."""

from __future__ import annotations

from typing import Any

from .schema import Section

# The plan announces the event on these channels (figures.py, `_channels`).
ANNOUNCED_ON = ("official_account", "wechat_group", "offline_store")


def uses(section: Section, figures: Any = None) -> list[tuple[str, str]]:
    """The bargain runs in the mini program, is announced where the plan's channel schedule says,
    and spreads wherever customers share it (`share_via`); a forced follow gates it in the mini
    program, on the official account it adds followers to, and wherever the bargain is shared.
    All of it follows from the params: `figures` (the plan's, for the spine) is not needed."""
    pairs = [("bargaining", "mini_program")]
    pairs += [("bargaining", channel) for channel in (*ANNOUNCED_ON, *section.share_via)]
    if section.forced_follow:
        pairs += [("forced_follow", channel) for channel in ("mini_program", "official_account", *section.share_via)]
    return list(dict.fromkeys(pairs))  # each pair once, in order
