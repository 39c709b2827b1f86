"""PROVISIONAL (issue 16, seam-core branch only): declarations for the four playbooks until their own land.

The pb-* branches replace each `<playbook>/__init__.py` with a full `PLAYBOOK = Playbook(...)`
(figures and words, `build_plan` through `spine.assemble`). Until then a playbook's
`__init__.py` calls `declare(__name__, stage=...)`, whose plan is still the package's old
`plan.build_plan` (`registry.build_plan` calls `extra["build_plan"]`). Delete this module
once no `__init__.py` imports it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .playbook import Playbook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


def declare(package: str, stage: str, data_files: tuple[str, ...] = ("actuals",)) -> Playbook:
    """A `Playbook` for `package` whose parts are its existing modules, imported when first asked for."""

    def part(module: str, attr: str | None = None) -> Any:
        loaded = importlib.import_module(module, package)
        return loaded if attr is None else getattr(loaded, attr)

    def unbuilt(*args: Any) -> Any:
        raise NotImplementedError(f"{package}: provisional declaration; its plan is still plan.build_plan")

    def group_sizes(section: Any) -> list[tuple[str, int]]:
        return list(getattr(part(".compliance"), "group_sizes", lambda s: [])(section))

    name = package.rpartition(".")[2]
    return Playbook(
        name=name, stage=stage, section=lambda: part(".schema", "Section"), figures=unbuilt, words=unbuilt,
        uses=lambda section, figures: list(part(".compliance", "uses")(section)), group_sizes=group_sizes,
        review=lambda: part(".review", "spec"), panel=lambda: part(".panel", "PANEL"),
        charts=lambda: part(".charts"), data_files=data_files,
        preload=tuple(f"{package}.{m}" for m in ("schema", "model", "plan", "charts", "panel")),
        notebook=NOTEBOOKS / f"{name}.ipynb",
        extra={"build_plan": lambda params: part(".plan", "build_plan")(params)},
    )
