"""Reading a params file: size and kind checked first, safe YAML, values counted while composing.

Errors name the file and, where the parser knows it, the line and column. Nothing
in the file is ever constructed as a Python object (no tags), and a file that is
too large, or whose aliases (*name) stand for too many values, is refused before
any value is built.
"""

from __future__ import annotations

import collections
import copy
import os
import stat
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import ParamsError, Problem

# A params file is a few KB; 1 MB is thousands of merchants' worth of text.
MAX_BYTES = 1_000_000
# A params file holds a few hundred values; YAML aliases (*name) repeat a value without
# repeating its text, so a few lines of nested aliases can stand for billions of them.
MAX_VALUES = 100_000


class TooManyValues(ValueError):
    """Raised by the composer as soon as the count passes MAX_VALUES."""

    def __init__(self, aliased: bool) -> None:
        super().__init__(MAX_VALUES)
        self.aliased = aliased


def display_path(path: Path) -> str:
    try:
        # absolute(), not resolve(): name a symlink as the user wrote it, not its target
        return str(path.absolute().relative_to(Path.cwd().absolute()))
    except ValueError:
        return str(path)


def _size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes: a regular file of at most MAX_BYTES, else a ParamsError (nothing read past the limit)."""
    def refuse(message: str) -> ParamsError:
        return ParamsError(source, [Problem("", message)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except FileNotFoundError:
        raise refuse("file not found") from None
    except IsADirectoryError:
        raise refuse("is a folder, expected a .yaml file") from None
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise refuse("is a folder, expected a .yaml file")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("is not a regular file (a device, pipe or socket); expected a .yaml file")
        too_big = f"is too large for a params file ({{}}; at most {_size_text(MAX_BYTES)}): one merchant's " \
                  "params are a few KB"
        if info.st_size > MAX_BYTES:
            raise refuse(too_big.format(_size_text(info.st_size)))
        try:
            data = f.read(MAX_BYTES + 1)  # a /proc file reports size 0: read no further than the limit
        except OSError as exc:
            raise refuse(f"cannot be read: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise refuse(too_big.format(f"more than {_size_text(MAX_BYTES)}"))
    return data


def read_yaml(path: Path, source: str | None = None) -> Any:
    """Parse a params file safely (no object tags); errors name line and column."""
    source = source or display_path(path)
    data = read_bytes(path, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParamsError(
            source, [Problem("", f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8", line=line)]
        ) from None
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise ParamsError(source, [Problem("", "is empty; expected a 'merchant:' section at least")])
    return parse_text(text, source)


# the trees of the last params texts parsed, by (source, text): one save is read by `playbooks watch`'s
# check, by the batch's validation and again for its data files' lines; each reader gets its own copy
_PARSED: collections.OrderedDict[tuple[str, str], Any] = collections.OrderedDict()
PARSED_CACHE = 16


def parse_text(text: str, source: str) -> Any:
    """YAML text → ruamel's round-trip tree, or a ParamsError saying what the parser found and where."""
    key = (source, text)
    tree = _PARSED.pop(key, None)
    if tree is None:
        tree = _parse(text, source)  # a ParamsError is raised again on each reading: nothing kept
    _PARSED[key] = tree
    while len(_PARSED) > PARSED_CACHE:
        _PARSED.popitem(last=False)
    return copy.deepcopy(tree)


def _parse(text: str, source: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _yaml().load(text)
    except TooManyValues as exc:
        raise ParamsError(source, [Problem("", too_many_message(exc.aliased))]) from None
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


def too_many_message(aliased: bool) -> str:
    if aliased:
        return f"has more than {MAX_VALUES} values once its aliases (*name) are expanded; write the values out"
    return f"has more than {MAX_VALUES} values; one merchant's params hold a few hundred"


def _yaml():
    """ruamel's round-trip loader (line numbers, comments kept) with dates left as text.

    Pydantic parses dates, so a bad one (2026-13-01) is reported as a field
    error with its value instead of failing inside the YAML parser. Only
    standard YAML types are built; a Python object tag is an error. Values are
    counted as they are composed, an alias counting every value it repeats.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import Composer
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.events import AliasEvent

    class Constructor(RoundTripConstructor):
        pass

    class CountingComposer(Composer):
        values = 0
        aliased = False

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.parser.check_event(AliasEvent):
                node = super().compose_node(parent, index)
                self.aliased = True
                # an alias to a node still being composed repeats itself without end
                self._count(self.__dict__.setdefault("sizes", {}).get(id(node), MAX_VALUES + 1))
                return node
            before = self.values
            node = super().compose_node(parent, index)
            self._count(1)
            if getattr(node, "anchor", None) is not None:
                self.__dict__.setdefault("sizes", {})[id(node)] = self.values - before
            return node

        def _count(self, n: int) -> None:
            self.values += n
            if self.values > MAX_VALUES:
                raise TooManyValues(self.aliased)

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = Constructor
    yaml.Composer = CountingComposer
    return yaml


def plain(value: Any) -> Any:
    """ruamel's round-trip objects → plain Python with dates as ISO text (JSON-safe).

    The tree was already counted while it was composed (at most MAX_VALUES values).
    """
    tag = getattr(getattr(value, "tag", None), "value", None)
    if tag and tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
        # An explicit tag (!!python/object/apply:..., !secret) is refused, on a list or section too.
        raise TypeError("tag " + tag.replace("tag:yaml.org,2002:", "!!"))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date):
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


def line_of(node: Any, loc: tuple) -> int | None:
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
