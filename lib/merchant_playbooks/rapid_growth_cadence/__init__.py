"""The rapid_growth_cadence playbook."""
