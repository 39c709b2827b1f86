"""Which export a header row is: the project's own CSV or a platform's (see formats.py), or a clear refusal."""

from __future__ import annotations

from ..errors import DataFileError
from .formats import FORMATS, PLATFORMS, PROJECT_ORDERS, PROJECT_PRODUCTS, Format

PROJECT = {"orders": ("the project's orders CSV", PROJECT_ORDERS),
           "products": ("the project's catalogue CSV", PROJECT_PRODUCTS)}
CHOICES = ("auto", "project", *PLATFORMS)
KIND_FIELD = {"orders": "membership_community.orders_file", "products": "rapid_growth_cadence.catalogue"}


def _known(kind: str | None) -> str:
    rows = [f"{label} ({', '.join(cols)})" for k, (label, cols) in PROJECT.items() if kind in (None, k)]
    rows += [f"{f.label} ({', '.join(f.signature)})" for f in FORMATS if kind in (None, f.kind)]
    return "; ".join(rows)


def _is_project(header: list[str], kind: str | None) -> str | None:
    lower = {h.lower() for h in header}
    for k, (_, cols) in PROJECT.items():
        if kind in (None, k) and set(cols) <= lower:
            return k
    return None


def detect(header: list[str], source: str, kind: str | None = None, forced: str = "auto") -> Format | None:
    """The platform format of a header (None: the project's own CSV); `forced` is the params' `format:`.

    Unknown headers are refused listing the formats known and the columns found.
    """
    found = ", ".join(header) or "none"
    if forced == "project":
        return None
    if forced != "auto":
        fmt = next((f for f in FORMATS if f.platform == forced and kind in (None, f.kind)), None)
        if fmt is None:
            raise DataFileError(source, [(f"format {forced!r} has no {kind or ''} export; known: "
                                         f"{', '.join(CHOICES)}")])
        missing = [c for c in fmt.signature if c not in header]
        if missing:
            raise DataFileError(source, [(f"line 1: is not a {fmt.label} export (format: {forced}): missing "
                                         f"column(s) {', '.join(missing)} (columns found: {found})")])
        return fmt
    if _is_project(header, kind):
        return None
    matches = [f for f in FORMATS if set(f.signature) <= set(header)]
    if not matches:
        if kind is not None and not _looks_chinese(header):
            return None  # the project's own CSV with a column missing: its checks name the column
        raise DataFileError(source, [(f"line 1: the header is not an export this project knows (columns found: "
                                     f"{found}); known formats: {_known(kind)}")])
    fmt = max(matches, key=lambda f: len(f.signature))
    if kind is not None and fmt.kind != kind:
        raise DataFileError(source, [(f"is a {fmt.label} export; {KIND_FIELD.get(kind, 'this file')} needs "
                                     f"{'an orders' if kind == 'orders' else 'a product'} export: {_known(kind)}")])
    return fmt


def _looks_chinese(header: list[str]) -> bool:
    return any(not h.isascii() for h in header)


def detect_any(header: list[str], source: str, forced: str = "auto") -> tuple[str, Format | None]:
    """For `playbooks inspect`: the kind (orders | customers | products) and the format."""
    if forced in ("auto", "project"):
        project = _is_project(header, None)
        if project:
            return project, None
        if forced == "project":
            raise DataFileError(source, [(f"line 1: is not one of the project's CSVs (columns found: "
                                          f"{', '.join(header) or 'none'}); known: {_known(None)}")])
    fmt = detect(header, source, None, forced)
    if fmt is None:  # an ASCII header that is no project CSV either
        raise DataFileError(source, [(f"line 1: the header is not a file this project knows (columns found: "
                                      f"{', '.join(header) or 'none'}); known formats: {_known(None)}")])
    return fmt.kind, fmt
