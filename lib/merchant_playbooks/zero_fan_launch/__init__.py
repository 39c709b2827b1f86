"""The zero_fan_launch playbook."""

from ..provisional import (
    declare,  # PROVISIONAL (issue 16): replaced by the pb-* branch's declaration
)

PLAYBOOK = declare(__name__, stage="zero")
