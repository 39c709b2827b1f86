"""requirements.lock: every package pyproject.toml asks for, pinned to a version its bounds allow, with
hashes; and the environment the tests run in is the locked one (the versions tested are the versions
installed on a fresh machine)."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from conftest import ROOT
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _locked() -> dict[str, tuple[str, str | None, int]]:
    """name -> (version, marker, number of hashes)."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", block)
        if m:
            pins[canonicalize_name(m[1])] = (m[2], (m[3] or "").strip() or None, block.count("--hash=sha256:"))
    return pins


def test_every_dependency_of_pyproject_is_pinned_within_its_bounds_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    pins = _locked()
    assert len(pins) > 100  # dependencies of dependencies are pinned too
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not in requirements.lock: run make lock"
        version, _, hashes = pins[name]
        assert req.specifier.contains(version, prereleases=True), f"{req.name}=={version} is outside {req}"
    assert all(hashes for _, _, hashes in pins.values())


def test_the_environment_running_the_tests_is_the_locked_one():
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("not the project's .venv (a conda or other environment installs its own versions)")
    drift = {}
    for name, (version, marker, _) in _locked().items():
        if marker and not Marker(marker).evaluate():
            continue  # another platform's or Python's package
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            drift[name] = (version, None)
            continue
        if installed != version:
            drift[name] = (version, installed)
    assert drift == {}, "installed versions differ from requirements.lock (make clean && make setup)"
