"""pyproject.toml and environment.yml list the same packages."""

import re
import tomllib

from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        wanted |= {_name(r) for r in extra}
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = {_name(dep) for dep in env["dependencies"] if isinstance(dep, str)} - {"python", "pip"}
    assert wanted == listed
