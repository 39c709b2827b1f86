"""Merchant Growth Playbooks: the helper library behind the playbook notebooks.

Kept light on import: heavy modules (pandas, altair, papermill, scipy) are
imported by the submodules that need them, so `playbooks --help` and the batch
runner's parent process start fast. The playbooks are not listed here: each package declares
itself (`PLAYBOOK`, see playbook.py) and `registry.names()` finds them.
"""

__version__ = "0.1.0"

from .lazydeps import defer_iri_grammar as _defer_iri_grammar

_defer_iri_grammar()  # jsonschema's IRI grammar costs every process a second at import; built when first used
