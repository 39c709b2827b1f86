"""First-event bargaining: a merchant with a few fans runs its first price-cut (bargain) event."""

from ..provisional import (
    declare,  # PROVISIONAL (issue 16): replaced by the pb-* branch's declaration
)

PLAYBOOK = declare(__name__, stage="few_fans")
