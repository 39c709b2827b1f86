"""Write a playbook notebook from a short cell list (used once per playbook; notebooks are then edited as notebooks).

    python tools/make_notebook.py  # rewrites nothing by itself; import `write_notebook`
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> None:
    """cells: (kind, source) with kind 'md', 'code' or 'parameters'."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, source) in enumerate(cells):
        if kind == "md":
            cell = new_markdown_cell(source.strip())
        else:
            cell = new_code_cell(source.strip())
            if kind == "parameters":
                cell.metadata["tags"] = ["parameters"]
        cell["id"] = f"cell-{i:02d}"  # stable ids keep diffs small
        nb.cells.append(cell)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
