"""Placeholder section until this playbook lands: accepts no keys."""

from ..schema import StrictModel


class Section(StrictModel):
    pass
