"""Shared fixtures: the project's folders, a params-file writer, and small sample params."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
PLAYBOOKS = ROOT / "playbooks"
SAMPLES = ROOT / "data" / "samples"

# a playbook package with its notebook (test_fifth_playbook.py registers it); not tests of their own
collect_ignore = ["fixtures"]


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a YAML params file (dedented) into tmp_path and return its path."""

    def write(text: str, name: str = "merchant.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write
