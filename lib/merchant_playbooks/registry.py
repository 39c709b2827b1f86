"""The four playbooks: where each one's section schema, plan builder and notebook live.

Modules are imported on demand so loading params does not pull in the models.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from . import PLAYBOOK_NAMES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = PROJECT_ROOT / "playbooks"


@dataclass(frozen=True)
class PlaybookSpec:
    name: str
    data_files: tuple[str, ...] = ("actuals",)  # section fields naming a CSV, relative to the params file

    @property
    def package(self) -> str:
        return f"merchant_playbooks.{self.name}"

    def section_model(self) -> type:
        return importlib.import_module(f"{self.package}.schema").Section

    def build_plan(self, params):
        return importlib.import_module(f"{self.package}.plan").build_plan(params)

    def notebook(self, notebook_dir: Path | None = None) -> Path:
        return (notebook_dir or NOTEBOOK_DIR) / f"{self.name}.ipynb"


DATA_FILES = {"rapid_growth_cadence": ("catalogue", "actuals"), "membership_community": ("orders_file", "actuals")}
PLAYBOOKS: dict[str, PlaybookSpec] = {name: PlaybookSpec(name, DATA_FILES.get(name, ("actuals",)))
                                      for name in PLAYBOOK_NAMES}


def get(name: str) -> PlaybookSpec:
    return PLAYBOOKS[name]
