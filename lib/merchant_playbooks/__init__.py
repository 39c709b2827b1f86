"""Merchant Growth Playbooks: the helper library behind the playbook notebooks.

Kept light on import: heavy modules (pandas, altair, papermill, scipy) are
imported by the submodules that need them, so `playbooks --help` and the batch
runner's parent process start fast.
"""

__version__ = "0.1.0"

PLAYBOOK_NAMES = (
    "zero_fan_launch",
    "first_event_bargaining",
    "rapid_growth_cadence",
    "membership_community",
)
