"""Load and validate a merchant's params file, before any kernel starts.

Every problem in a file is collected and reported at once, each naming the file,
the line, the dotted field, the value given and what is expected:

    params/bloom.yaml:14: first_event_bargaining.floor_price = 250 must be below original_price (199)
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import registry
from .diagnosis import Diagnosis, diagnose
from .errors import ParamsError, Problem
from .schema import MerchantSection, StrictModel

TOP_LEVEL_KEYS = ("merchant", "playbooks", *registry.names())


@dataclass(frozen=True)
class PlaybookParams:
    """What one playbook run needs: the merchant, its validated section, where data files live."""

    playbook: str
    merchant: MerchantSection
    section: Any  # the playbook's own Section model
    source: str = "<notebook parameters>"
    base_dir: Path = field(default_factory=Path.cwd)

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

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def slug(self) -> str:
        return merchant_slug(self.merchant, self.path)

    def for_playbook(self, name: str) -> PlaybookParams:
        return PlaybookParams(name, self.merchant, self.sections[name], self.source, self.base_dir)


# ---------------------------------------------------------------- reading YAML


def display_path(path: Path) -> str:
    try:
        # absolute(), not resolve(): name a symlink as the user wrote it, not its target
        return str(path.absolute().relative_to(Path.cwd().absolute()))
    except ValueError:
        return str(path)


def read_yaml(path: Path, source: str | None = None) -> Any:
    """Parse a params file safely (no object tags); errors name line and column."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    source = source or display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParamsError(source, [Problem("", "file not found")]) from None
    except IsADirectoryError:
        raise ParamsError(source, [Problem("", "is a folder, expected a .yaml file")]) from None
    except OSError as exc:
        raise ParamsError(source, [Problem("", f"cannot be read: {exc.strerror}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParamsError(
            source, [Problem("", f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", line=line)]
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ParamsError(source, [Problem("", "is empty; expected a 'merchant:' section at least")])
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "invalid YAML").strip()
        if exc.context and exc.context_mark:
            what = f"{exc.context.strip()} started at line {exc.context_mark.line + 1}: {what}"
        where = f" (column {mark.column + 1})" if mark else ""
        raise ParamsError(
            source, [Problem("", f"is not valid YAML: {what}{where}", line=mark.line + 1 if mark else None)]
        ) from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):  # Python refuses ints of more than 4300 digits
            raise ParamsError(source, [Problem("", "has a number with thousands of digits; no field takes one "
                                                   "that large")]) from None
        raise ParamsError(source, [Problem("", f"is not valid YAML: {exc}")]) from None
    except (YAMLError, TypeError, RecursionError) as exc:
        raise ParamsError(source, [Problem("", f"is not valid YAML: {exc}")]) from None


def _yaml():  # noqa: ANN202
    """ruamel's round-trip loader (line numbers, comments kept) with dates left as text.

    Pydantic parses dates, so a bad one (2026-13-01) is reported as a field
    error with its value instead of failing inside the YAML parser. Only
    standard YAML types are built; a Python object tag is an error.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = Constructor
    return yaml


# A params file holds a few hundred values; YAML aliases (*name) repeat a value without
# repeating its text, so a few lines of nested aliases can stand for billions of them.
MAX_VALUES = 100_000


class TooManyValues(ValueError):
    pass


def plain(value: Any, _count: list[int] | None = None) -> Any:
    """ruamel's round-trip objects → plain Python with dates as ISO text (JSON-safe)."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise TooManyValues(MAX_VALUES)
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag and tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
        # An explicit tag (!!python/object/apply:..., !secret) is refused, on a list or section too.
        raise TypeError("tag " + tag.replace("tag:yaml.org,2002:", "!!"))
    if isinstance(value, dict):
        return {str(k): plain(v, count) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, count) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)
    raise TypeError(type(value).__name__)  # e.g. !!binary (bytes), !!set


def _line_of(node: Any, loc: tuple) -> int | None:
    """1-based line of the deepest key along `loc` that the YAML tree knows."""
    line = None
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and part in node:
                line = lc.key(part)[0] + 1 if lc else line
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                line = lc.item(part)[0] + 1 if lc else line
                node = node[part]
            else:
                break
        except (KeyError, TypeError, AttributeError):
            break
    return line


# ---------------------------------------------------------------- messages

_FRIENDLY = {
    "missing": "is required",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "is too large",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be an amount (a number)",
    "decimal_type": "must be an amount (a number)",
    "finite_number": "must be a finite number (not NaN or infinity)",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a section of keys and values",
    "model_type": "must be a section of keys and values",
    "model_attributes_type": "must be a section of keys and values",
    "date_from_datetime_parsing": "must be a date written YYYY-MM-DD",
    "date_parsing": "must be a date written YYYY-MM-DD",
    "date_type": "must be a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date without a time (YYYY-MM-DD)",
}


def _friendly(err: dict) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "decimal_max_places":
        return f"must have at most {ctx['decimal_places']} decimal places"
    if kind == "decimal_max_digits":
        return "is too large"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else f"must be at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"]))
        return msg[0].lower() + msg[1:] if msg else "is not valid"
    msg = err["msg"]
    return "must be " + msg[len("Input should be "):] if msg.startswith("Input should be ") else msg


def _unknown_key(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
    return f"is not a known key{hint}"


def _model_fields(model: type[StrictModel], loc: tuple) -> list[str]:
    """The field names of the (sub)model an unknown key was found in."""
    current: Any = model
    for part in loc:
        info = getattr(current, "model_fields", {}).get(part) if isinstance(part, str) else None
        if info is None:
            continue
        ann = info.annotation
        args = getattr(ann, "__args__", ()) or ()
        candidates = [a for a in (ann, *args) if isinstance(a, type) and issubclass(a, StrictModel)]
        if candidates:
            current = candidates[0]
    return sorted(getattr(current, "model_fields", {}))


def validate_section(
    model: type[StrictModel], data: Any, prefix: str, tree: Any = None, line: int | None = None
) -> tuple[Any | None, list[Problem]]:
    """Validate one section; problems carry dotted fields under `prefix`."""
    if data is None:
        data = {}
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p not in ("function-after[_ordered(), Range]",))
            loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
            if err["type"] == "extra_forbidden" and loc[-1:] != err["loc"][-1:]:
                loc = (*loc, err["loc"][-1])  # the unknown key itself, whatever it looks like (e.g. "a[1]")
            dotted = ".".join(str(p) for p in (prefix, *loc) if p != "")
            line = (_line_of(tree, loc) if tree is not None else None) or line
            if err["type"] == "extra_forbidden":
                problems.append(Problem(dotted, _unknown_key(str(loc[-1]), _model_fields(model, loc[:-1])), line=line))
            elif err["type"] == "missing":
                problems.append(Problem(dotted, "is required", line=line))
            else:
                problems.append(Problem(dotted, _friendly(err), _given(data, loc, err), True, line))
        return None, problems
    problems = [
        Problem(f"{prefix}.{p.field}" if p.field else prefix, p.message, p.value, p.has_value,
                (_line_of(tree, tuple(int(k) if k.isdigit() else k for k in p.field.split("."))) if tree is not None and p.field else None) or line)
        for p in obj.check()
    ]
    return (None if problems else obj), problems


def _given(data: Any, loc: tuple, err: dict) -> Any:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return err.get("input")
    return node


# ---------------------------------------------------------------- the file


def validate_data(data: Any, source: str, path: Path | None = None) -> MerchantParams:
    """Validate parsed params; raise ParamsError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else "text" if isinstance(data, str) else type(data).__name__
        raise ParamsError(source, [Problem("", f"must be a set of sections (merchant:, playbooks:, ...), got {got}")])
    try:
        raw = plain(data)
    except TooManyValues:
        raise ParamsError(source, [Problem("", f"has more than {MAX_VALUES} values once its aliases (*name) are "
                                               "expanded; write the values out")]) from None
    except TypeError as exc:
        raise ParamsError(source, [Problem("", f"contains a value of an unsupported YAML type ({exc}); "
                                               "use plain numbers, text, dates, lists and sections")]) from None

    names = registry.names()  # asked now, not at import: a playbook may be installed since
    keys = ["merchant", "playbooks", *names]  # TOP_LEVEL_KEYS as of now
    for key in data:
        if key not in keys:
            line = _line_of(data, (key,))
            problems.append(Problem(str(key), _unknown_key(str(key), keys), line=line))

    merchant = None
    if "merchant" not in data:
        problems.append(Problem("merchant", "is required (the merchant's name, language, fans, budget...)"))
    else:
        merchant, found = validate_section(MerchantSection, raw["merchant"], "merchant", data.get("merchant"),
                                           _line_of(data, ("merchant",)))
        problems += found

    listed: list[str] = []
    if "playbooks" in data and data["playbooks"] is not None:
        value = raw["playbooks"]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            problems.append(Problem("playbooks", f"must be a list of playbook names ({', '.join(names)})",
                                    value, True, _line_of(data, ("playbooks",))))
            items = []
        for i, item in enumerate(items):
            if item not in names:
                close = difflib.get_close_matches(str(item), names, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(names)}"
                problems.append(Problem(f"playbooks[{i}]", f"is not a playbook; {hint}", item, True,
                                        _line_of(data, ("playbooks", i))))
            elif item not in listed:
                listed.append(item)

    diagnosis = diagnose(merchant, registry.for_stage) if merchant else None
    if not listed and "playbooks" not in data:
        # No list: the sections the consultant wrote say what to run; with none, the diagnosed stage's playbook.
        listed = [name for name in names if name in data]
        if not listed and diagnosis:
            listed = [diagnosis.playbook]

    sections: dict[str, Any] = {}
    for name in names:
        if name in data or name in listed:
            model = registry.section_model(name)
            obj, found = validate_section(model, raw.get(name), name, data.get(name), _line_of(data, (name,)))
            problems += found
            if obj is not None:
                sections[name] = obj

    if problems:
        # in file order, so a consultant can walk down the file fixing them
        order = {id(p): i for i, p in enumerate(problems)}
        problems.sort(key=lambda p: (p.line is None, p.line or 0, order[id(p)]))
        raise ParamsError(source, problems)
    assert merchant is not None and diagnosis is not None
    return MerchantParams(path, source, raw, merchant, sections, tuple(listed), diagnosis)


def load_params(path: str | Path, source: str | None = None) -> MerchantParams:
    """Read and validate one params file."""
    path = Path(path)
    source = source or display_path(path)
    return validate_data(read_yaml(path, source), source, path.resolve())


def data_file_problems(mp: MerchantParams) -> list[Problem]:
    """The data files (CSV) the params name that do not exist, as params problems with their lines.

    `playbooks validate` reports them before anything runs. What a file *contains* is
    checked when the playbook reads it (a run names the row and column).
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
            if path.is_file():
                continue
            what = "is a folder, expected a CSV file" if path.is_dir() else "names no file"
            problems.append(Problem(f"{name}.{field_name}", f"{what} ({display_path(path)}; data files are "
                                    "relative to the params file)", value, True, _line_of(tree, (name, field_name))))
    return problems


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
    mp = validate_data(data, source, None)
    return PlaybookParams(playbook, mp.merchant, mp.sections[playbook], source, base)


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
