"""`priors:` in a params file: ranges learned from past campaigns (`playbooks learn`) for the rates
the file leaves out.

    merchant: {name: New Client, fans: 800, budget: 5000}
    priors: ../priors.yaml        # relative to this file
    first_event_bargaining:
      attempt_rate: [0.03, 0.05]  # typed: kept as typed; every other learned rate comes from priors.yaml

A rate the section types stays as typed. A learned rate fills in where the section is silent: the
merchant's own range (`by_merchant`) when the pool has this merchant's past campaigns, else the
pool's. The plan records which (plan.json `priors`: file, campaigns per rate) and says so.

Refused with the file and line: a priors file that is missing or not one, of another format
version, learned for other playbooks, or for another version of the playbook (its params changed).
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from . import registry
from .errors import Problem

FORMAT = 1  # the priors file's format version
KEY = "priors"


def fingerprint(playbook: str) -> str:
    """The playbook's params, as a short hash: a priors file is for the version of the section it was learned on."""
    schema = registry.section_model(playbook).model_json_schema()
    return hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()[:12]


def read_priors(path: Path) -> tuple[dict | None, str | None]:
    """The priors document, or why it cannot be one."""
    if not path.is_file():
        return None, f"names no file ({path}; a priors file is relative to the params file)"
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, f"is not a priors file ({path.name}: {str(exc).splitlines()[0]})"
    if not isinstance(doc, dict) or not isinstance(doc.get("playbooks"), dict):
        return None, f"is not a priors file ({path.name}; make one with playbooks learn)"
    if doc.get("priors_format") != FORMAT:
        return None, (f"is a priors file of format {doc.get('priors_format')!r}, this version reads format {FORMAT}; "
                      "run playbooks learn again")
    return doc, None


def _set_missing(section: dict, dotted: str, value: Any) -> bool:
    """Put `value` at the dotted path of the raw section unless the consultant typed it; True when put."""
    *parents, leaf = dotted.split(".")
    node = section
    for part in parents:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            return False
        node = child
    if leaf in node:
        return False
    node[leaf] = list(value)
    return True


def apply(raw: dict, value: Any, playbooks: list[str], base_dir: Path, merchant: str | None,
          line: int | None) -> tuple[dict, dict, list[Problem]]:
    """The raw params with the learned ranges filled in, what was used per playbook, and the problems."""
    if not isinstance(value, str) or not value.strip():
        return raw, {}, [Problem(KEY, "must name a priors file (made by playbooks learn)", value, True, line)]
    path = Path(value)
    path = path if path.is_absolute() else (base_dir / path).resolve()
    doc, why = read_priors(path)
    if doc is None:
        return raw, {}, [Problem(KEY, why, value, True, line)]
    learned = doc["playbooks"]
    problems = []
    if not any(pb in learned for pb in playbooks):
        problems.append(Problem(KEY, f"was learned for {', '.join(learned) or 'no playbook'}, not for "
                                     f"{', '.join(playbooks)}", value, True, line))
    filled, used = copy.deepcopy(raw), {}
    for pb in playbooks:
        entry = learned.get(pb)
        if not entry:
            continue
        if entry.get("model") != fingerprint(pb):
            problems.append(Problem(KEY, f"was learned for another version of {pb} (its params have changed since); "
                                         "run playbooks learn again", value, True, line))
            continue
        section = filled.get(pb)
        if not isinstance(section, dict):
            section = filled[pb] = {}
        rates = {}
        for rate, r in entry.get("rates", {}).items():
            own = (r.get("by_merchant") or {}).get(merchant or "")
            chosen = own or r
            if _set_missing(section, r.get("path", rate), chosen["range"]):
                rates[rate] = {"range": chosen["range"], "campaigns": int(chosen.get("campaigns", r["campaigns"])),
                               "pool_campaigns": int(r["campaigns"]), "own": bool(own)}
        if rates:
            used[pb] = {"file": path.name, "rates": rates,
                        "campaigns": max(v["pool_campaigns"] for v in rates.values())}
    return filled, used, problems

