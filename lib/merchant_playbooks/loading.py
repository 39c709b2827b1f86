"""Load and validate a merchant's params file, before any kernel starts.

Every problem in a file is collected and reported at once, each naming the file,
the line, the dotted field, the value given and what is expected:

    params/bloom.yaml:14: first_event_bargaining.floor_price = 250 must be below original_price (199)

Reading the file (size, kind, safe YAML with positions) is `yamlread`; turning a
section's validation errors into problems is `validation`; this module assembles
a file's sections into `MerchantParams` and each playbook's `PlaybookParams`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import registry
from .datapaths import special_file_problem
from .diagnosis import Diagnosis, diagnose
from .errors import ParamsError, Problem, UserError
from .schema import MerchantSection
from .validation import unknown_key, validate_section
from .yamlread import MAX_BYTES, MAX_VALUES, TooManyValues, display_path, line_of, plain, read_yaml

__all__ = [
    "MAX_BYTES", "MAX_VALUES", "TOP_LEVEL_KEYS", "MerchantParams", "PlaybookParams", "TooManyValues",
    "check_file", "data_file_problems", "display_path", "find_params_dir", "load_params", "merchant_slug", "params_from_notebook",
    "plain", "read_yaml", "slugify", "validate_data", "validate_section",
]

TOP_LEVEL_KEYS = ("merchant", "playbooks", "priors", "case", *registry.names())


@dataclass(frozen=True)
class PlaybookParams:
    """What one playbook run needs: the merchant, its validated section, where data files live."""

    playbook: str
    merchant: MerchantSection
    section: Any  # the playbook's own Section model
    source: str = "<notebook parameters>"
    base_dir: Path = field(default_factory=Path.cwd)
    priors: dict | None = None  # the learned ranges this section took from its `priors:` file (priors.apply)

    @property
    def lang(self) -> str:
        return self.merchant.language

    @property
    def diagnosis(self) -> Diagnosis:
        return diagnose(self.merchant, registry.for_stage)

    @property
    def slug(self) -> str:
        """The merchant's output folder (see `merchant_slug`)."""
        return merchant_slug(self.merchant, Path(self.source) if not self.source.startswith("<") else None)

    def data_path(self, relative: str | Path) -> Path:
        """A data file named in the params, resolved against the params file's folder."""
        path = Path(relative)
        return path if path.is_absolute() else (self.base_dir / path).resolve()


@dataclass(frozen=True)
class MerchantParams:
    """One validated params file."""

    path: Path | None
    source: str  # how the file is named in messages (relative when possible)
    raw: dict  # plain, JSON-safe data as written (what papermill injects)
    merchant: MerchantSection
    sections: dict[str, Any]
    playbooks: tuple[str, ...]  # to run, in order
    diagnosis: Diagnosis
    priors: dict = field(default_factory=dict)  # per playbook: what came from the `priors:` file

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def slug(self) -> str:
        return merchant_slug(self.merchant, self.path)

    def for_playbook(self, name: str) -> PlaybookParams:
        return PlaybookParams(name, self.merchant, self.sections[name], self.source, self.base_dir,
                              self.priors.get(name))


# ---------------------------------------------------------------- the file


def validate_data(data: Any, source: str, path: Path | None = None) -> MerchantParams:
    """Validate parsed params; raise ParamsError listing every problem."""
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else "text" if isinstance(data, str) else type(data).__name__
        raise ParamsError(source, [Problem("", f"must be a set of sections (merchant:, playbooks:, ...), got {got}")])
    try:
        raw = plain(data)
    except TypeError as exc:
        raise ParamsError(source, [Problem("", f"contains a value of an unsupported YAML type ({exc}); "
                                               "use plain numbers, text, dates, lists and sections")]) from None
    names = registry.names()  # asked now, not at import: a playbook may be installed since
    # TOP_LEVEL_KEYS as of now; `case:` is a published case's story and outcomes (data/cases/, read by backtest)
    keys = ["merchant", "playbooks", "priors", "case", *names]
    problems = [Problem(str(key), unknown_key(str(key), keys), line=line_of(data, (key,)))
                for key in data if key not in keys]
    merchant = None
    if "merchant" not in data:
        problems.append(Problem("merchant", "is required (the merchant's name, language, fans, budget...)"))
    else:
        merchant, found = validate_section(MerchantSection, raw["merchant"], "merchant", data.get("merchant"),
                                           line_of(data, ("merchant",)))
        problems += found
    listed = _listed_playbooks(data, raw, problems)
    diagnosis = diagnose(merchant, registry.for_stage) if merchant else None
    if not listed and "playbooks" not in data:
        # No list: the sections the consultant wrote say what to run; with none, the diagnosed stage's playbook.
        listed = [name for name in names if name in data]
        if not listed and diagnosis:
            listed = [diagnosis.playbook]
    learned: dict = {}
    if "priors" in data:  # ranges learned from past campaigns, for the rates the sections leave out
        from . import priors

        slug = merchant_slug(merchant, path) if merchant else None
        filled, learned, found = priors.apply(raw, raw["priors"], listed, path.parent if path else Path.cwd(), slug,
                                              line_of(data, ("priors",)))
        problems += found
    sections = _sections(data, filled if learned else raw, listed, problems)
    if problems:
        # in file order, so a consultant can walk down the file fixing them
        order = {id(p): i for i, p in enumerate(problems)}
        problems.sort(key=lambda p: (p.line is None, p.line or 0, order[id(p)]))
        raise ParamsError(source, problems)
    assert merchant is not None and diagnosis is not None
    return MerchantParams(path, source, raw, merchant, sections, tuple(listed), diagnosis, learned)


def _listed_playbooks(data: dict, raw: dict, problems: list[Problem]) -> list[str]:
    """The `playbooks:` list, each name checked (problems appended); [] when there is none."""
    listed: list[str] = []
    names = registry.names()
    if "playbooks" not in data or data["playbooks"] is None:
        return listed
    value = raw["playbooks"]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        problems.append(Problem("playbooks", f"must be a list of playbook names ({', '.join(names)})",
                                value, True, line_of(data, ("playbooks",))))
        items = []
    for i, item in enumerate(items):
        if item not in names:
            close = difflib.get_close_matches(str(item), names, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(names)}"
            problems.append(Problem(f"playbooks[{i}]", f"is not a playbook; {hint}", item, True,
                                    line_of(data, ("playbooks", i))))
        elif item not in listed:
            listed.append(item)
    return listed


def _sections(data: dict, raw: dict, listed: list[str], problems: list[Problem]) -> dict[str, Any]:
    """Each playbook section written or listed, validated by its own model (problems appended)."""
    sections: dict[str, Any] = {}
    for name in registry.names():
        if name in data or name in listed:
            model = registry.section_model(name)
            obj, found = validate_section(model, raw.get(name), name, data.get(name), line_of(data, (name,)))
            problems += found
            if obj is not None:
                sections[name] = obj
    return sections


def load_params(path: str | Path, source: str | None = None) -> MerchantParams:
    """Read and validate one params file."""
    path = Path(path)
    source = source or display_path(path)
    return validate_data(read_yaml(path, source), source, path.resolve())


def data_file_problems(mp: MerchantParams) -> list[Problem]:
    """The data files (CSV) the params name that are missing or not regular files, as params problems.

    `playbooks validate` reports them, with their lines, before anything runs; a system
    file (/proc, /sys, /dev), a device or a pipe is refused without reading it. What a
    file *contains* is checked when the playbook reads it (a run names the row and column).
    """
    tree = read_yaml(mp.path, mp.source) if mp.path else {}
    problems = []
    for name, section in mp.sections.items():
        for field_name in registry.get(name).data_files:
            value = getattr(section, field_name, None)
            if not value:
                continue
            path = Path(value)
            path = Path(os.path.normpath(path if path.is_absolute() else mp.base_dir / path))
            what = special_file_problem(path)
            if what is None and path.is_file():
                continue
            what = what or ("is a folder, expected a CSV file" if path.is_dir() else "names no file")
            problems.append(Problem(f"{name}.{field_name}", f"{what} ({display_path(path)}; data files are "
                                    "relative to the params file)", value, True, line_of(tree, (name, field_name))))
    return problems


def check_file(path: str | Path) -> tuple[MerchantParams | None, UserError | None]:
    """What `playbooks validate` checks for one file (and `playbooks watch` on each save): the params,
    then the data files they name. The loaded params, or the error listing every problem."""
    try:
        mp = load_params(path)
        missing = data_file_problems(mp)
        if missing:
            raise ParamsError(mp.source, missing)
    except UserError as exc:  # bad params, unreadable YAML, a data file missing: each said, none a traceback
        return None, exc
    return mp, None


def params_from_notebook(
    playbook: str,
    merchant: dict,
    section: dict | None,
    params_file: str = "",
) -> PlaybookParams:
    """The notebook's first step: validate the injected literals into typed params.

    `params_file` (set by `playbooks run`) locates data files named relative to
    it; under plain papermill it is empty and data files are looked for next to
    the project's `params/` folder.
    """
    data = {"merchant": merchant, "playbooks": [playbook], playbook: section or {}}
    source = params_file or "<notebook parameters>"
    base = Path(params_file).resolve().parent if params_file else find_params_dir()
    at = None
    if params_file:  # the file's `priors:` fills the rates its section leaves out, as at load
        written = read_yaml(Path(params_file), source)
        if isinstance(written, dict) and "priors" in written:
            data["priors"], at = written["priors"], Path(params_file).resolve()
    mp = validate_data(data, source, at)
    return PlaybookParams(playbook, mp.merchant, mp.sections[playbook], source, base, mp.priors.get(playbook))


def find_params_dir(start: Path | None = None) -> Path:
    """The nearest `params/` folder at or above `start` (or beside it), else `start`."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "params").is_dir():
            return folder / "params"
        if folder.name == "params":
            return folder
    return start


_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
# Names Windows reserves for devices: a folder called "con" cannot be created there.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str) -> str:
    slug = _SLUG_STRIP.sub("-", text.lower()).strip("-")[:63].strip("-")
    return f"{slug}-shop" if slug in RESERVED else slug


def merchant_slug(merchant: MerchantSection, path: Path | None = None) -> str:
    """The output folder for a merchant: its id, else a slug of its name, else of its file name.

    Only [a-z0-9-] survive, so a slug can never leave the output folder.
    """
    if merchant.id:
        return f"{merchant.id}-shop" if merchant.id in RESERVED else merchant.id
    slug = slugify(merchant.name)
    if not slug and path is not None:
        slug = slugify(path.stem)
    if not slug:
        import hashlib

        slug = "merchant-" + hashlib.sha1(merchant.name.encode()).hexdigest()[:8]
    return slug
