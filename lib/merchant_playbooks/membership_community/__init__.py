"""The membership_community playbook."""

from ..provisional import (
    declare,  # PROVISIONAL (issue 16): replaced by the pb-* branch's declaration
)

PLAYBOOK = declare(__name__, stage="stable", data_files=("orders_file", "actuals"))
