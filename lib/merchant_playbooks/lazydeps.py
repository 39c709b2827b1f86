"""A dependency's import deferred to its first use: jsonschema's IRI grammar.

jsonschema (imported by Altair, nbformat, papermill) imports `rfc3987_syntax` as it loads,
for its `iri` format check, and that module builds a Lark grammar at import: about a
second in every process — each kernel server, batch worker and notebook kernel — for a
check no schema of ours asks for (jsonschema#1428; the maintained fork `rfc3987-syntax2`
loads lazily). Here `rfc3987_syntax` stands in as a stub whose `is_valid_syntax` (what
jsonschema imports) and every other name import the real module on first use, so an
`iri` check, if one ever runs, gives what it always gave.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


class _Deferred(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system asking what kind of module this is (`__path__`...)
            raise AttributeError(name)
        return getattr(_real(), name)


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(NAME), _Deferred):
        del sys.modules[NAME]
    return importlib.import_module(NAME)


def _is_valid_syntax(term: str, value: str):
    return _real().is_valid_syntax(term, value)


def defer_iri_grammar() -> None:
    """Put the stub in place, unless the module is already imported or not installed."""
    if NAME in sys.modules or "jsonschema" in sys.modules:
        return
    try:
        if importlib.util.find_spec(NAME) is None:
            return
    except (ImportError, ValueError):
        return
    stub = _Deferred(NAME, __doc__)
    stub.is_valid_syntax = _is_valid_syntax
    sys.modules[NAME] = stub
