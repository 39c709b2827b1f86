"""Shared vocabulary: the names params, models and rules agree on, with no logic behind them.

Schemas import their channel list from here (never from the rules or the compliance
section), and the registry orders playbooks by `STAGES`. Everything here is a plain
`Literal` and its tuple of values; the rules table (`rules.py`) checks that its own
lists match these.
"""

from __future__ import annotations

from typing import Literal

#: the four operating stages of source 000, in the order a shop grows through them (diagnosis.py)
Stage = Literal["zero", "few_fans", "growing", "stable"]
#: how a platform rule treats a mechanic on a channel (data/platform_rules.yaml)
Status = Literal["allowed", "restricted", "forbidden"]
#: where a plan runs or announces something
Channel = Literal["mini_program", "official_account", "external_link", "wechat_group", "wecom_group",
                  "offline_store"]

STAGES: tuple[str, ...] = Stage.__args__  # type: ignore[attr-defined]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
SEVERITY = {"forbidden": 0, "restricted": 1, "allowed": 2}  # forbidden rows first
