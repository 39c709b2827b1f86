"""First-event bargaining: a merchant with a few fans runs its first price-cut (bargain) event."""
