"""The rapid_growth_cadence playbook."""

from ..provisional import (
    declare,  # PROVISIONAL (issue 16): replaced by the pb-* branch's declaration
)

PLAYBOOK = declare(__name__, stage="growing", data_files=("catalogue", "actuals"))
