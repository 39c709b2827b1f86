"""A data file's bytes → a table of text cells, as shop back-offices write them.

Encodings: UTF-8, UTF-8 with a byte-order mark (Excel's "CSV UTF-8") and GBK/GB18030
(what Excel and most Chinese back-offices save by default). A file that starts in one
encoding and goes on in another (two exports pasted together) is refused, naming the
line and the first byte that does not fit. xlsx workbooks are read from their first
sheet. Cells come back stripped of surrounding spaces and tabs, with Excel's
keep-the-digits form `="2026…"` unwrapped; header names are trimmed.

Files under `PYARROW_FROM` bytes are parsed by pandas' C reader (its messages name the
line of a malformed row); larger ones by pyarrow's multithreaded reader (a 1M-row
export in well under a second on two cores). The cells are the same either way.
"""

from __future__ import annotations

import functools
import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..datapaths import special_file_problem
from ..errors import DataFileError

BOM = b"\xef\xbb\xbf"
PYARROW_FROM = 8 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
PARALLEL_FROM = 1_000_000  # cells: below this one thread is quicker


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _first_utf8_line(data: bytes) -> tuple[int, int] | None:
    """The first line of a GBK file that is UTF-8 Chinese instead (line number, its first non-ASCII byte)."""
    for i, line in enumerate(data.split(b"\n")):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(ord(ch) >= 0x800 for ch in text):  # CJK takes 3 bytes in UTF-8: not a GBK line by chance
            first = next(b for b in line if b >= 0x80)
            return i + 1, first
    return None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The file's text and the encoding it was in ("utf-8-sig", "utf-8" or "gb18030")."""
    if data.startswith(BOM):
        try:
            return data[len(BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            pos = exc.start + len(BOM)
            raise DataFileError(source, [
                (f"line {_line_of(data, pos)}: byte 0x{data[pos]:02x} is not UTF-8, though the file starts as UTF-8 "
                "(with a byte-order mark): it mixes two encodings; save it again as CSV UTF-8")]) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        pos = exc.start
    if not data[:pos].isascii():
        raise DataFileError(source, [
            (f"line {_line_of(data, pos)}: byte 0x{data[pos]:02x} is not UTF-8, though the lines before it are: "
            "the file mixes two encodings; save it again as CSV UTF-8")])
    utf8 = _first_utf8_line(data)  # the lines before it are not UTF-8: GBK, or no text encoding at all
    if utf8:
        raise DataFileError(source, [
            (f"line {utf8[0]}: is UTF-8 text (byte 0x{utf8[1]:02x}), though the lines before it are GBK: the file "
            "mixes two encodings; save it again as CSV UTF-8")])
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise DataFileError(source, [
            (f"is not UTF-8 or GBK text (line {_line_of(data, exc.start)}, byte 0x{data[exc.start]:02x}); "
            "save it as CSV UTF-8")]) from None


def read_bytes(path: Path, source: str, not_found: str) -> bytes:
    if path.is_dir():
        raise DataFileError(source, ["is a folder, expected a CSV file"])
    if not path.is_file():  # also a broken symlink
        raise DataFileError(source, [not_found])
    if special := special_file_problem(path):  # /proc, /sys, /dev, pipes: never read
        raise DataFileError(source, [special])
    try:
        return path.read_bytes()
    except OSError as exc:  # no permission, a file on a drive that went away
        raise DataFileError(source, [f"cannot be read: {exc.strerror}"]) from None


def _parse_csv(text: str, source: str, header: str, first_line: str) -> pd.DataFrame:
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataFileError(source, [f"is empty; expected a header line: {header}"]) from None
    except pd.errors.ParserError as exc:
        raise DataFileError(source, [f"is not a readable CSV file: {str(exc).strip()}"]) from None
    if not isinstance(raw.index, pd.RangeIndex):  # pandas took the first column as row labels
        raise DataFileError(source, [(f"{first_line}: the rows have one value more than the header (a trailing "
                                     "comma, or a column without a name)")])
    return raw


def _parse_large(data: bytes, source: str) -> pd.DataFrame | None:
    """A large UTF-8 file parsed by pyarrow straight from its bytes; None when it is not valid UTF-8."""
    try:
        return pd.read_csv(io.BytesIO(data), engine="pyarrow", dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        return None
    except pd.errors.ParserError as exc:
        if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
            return None
        raise DataFileError(source, [f"is not a readable CSV file: {str(exc).strip()}"]) from None


def _read_xlsx(path: Path, source: str, header: str) -> pd.DataFrame:
    try:
        raw = pd.read_excel(path, dtype=str, keep_default_na=False)
    except ValueError as exc:
        raise DataFileError(source, [f"is not a readable xlsx workbook: {exc}"]) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged zip
        raise DataFileError(source, [f"is not a readable xlsx workbook ({type(exc).__name__})"]) from None
    if raw.columns.empty:
        raise DataFileError(source, [f"is empty; expected a header line: {header}"])
    return raw.fillna("")


def _unwrap(cells: pd.Series) -> pd.Series:
    """`="…"` → `…` (pyarrow's kernels: a regex with a group would run in Python, cell by cell)."""
    arr = pa.array(cells)
    mask = pc.and_(pc.starts_with(arr, '="'), pc.ends_with(arr, '"'))
    out = pc.utf8_trim_whitespace(pc.if_else(mask, pc.utf8_slice_codeunits(arr, 2, -1), arr))
    return pd.Series(out.to_pandas(), index=cells.index, name=cells.name)


def _clean_column(cells: pd.Series) -> pd.Series:
    cells = cells.astype(str).str.strip()
    return _unwrap(cells) if cells.str.startswith('="').any() else cells


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Header names trimmed; cells stripped, `="…"` unwrapped (only in the columns that have such cells).

    Columns are cleaned side by side on a large file (pyarrow's kernels release the GIL).
    """
    raw.columns = [str(c).strip() for c in raw.columns]
    columns = [raw.iloc[:, i] for i in range(raw.shape[1])]
    if len(raw) * raw.shape[1] >= PARALLEL_FROM:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            cleaned = list(pool.map(_clean_column, columns))
    else:
        cleaned = [_clean_column(c) for c in columns]
    return pd.DataFrame(dict(enumerate(cleaned))).set_axis(list(raw.columns), axis=1)


def arrow_strings(func):
    """Run `func` with pandas storing text as pyarrow strings: the readers' million-row work is written for
    pyarrow's kernels, whatever the process default (the plans set Python strings: frames.py)."""
    @functools.wraps(func)
    def run(*args, **kwargs):
        with pd.option_context("mode.string_storage", "pyarrow"):
            return func(*args, **kwargs)

    return run


@arrow_strings
def read_cells(path: Path, source: str, *, header: str, not_found: str, first_line: str = "line 1",
               ) -> tuple[pd.DataFrame, str]:
    """The file's cells as text (empty cells as ""), and its encoding ("xlsx" for a workbook)."""
    data = read_bytes(path, source, not_found)
    if data.startswith(XLSX_MAGIC) or path.suffix.lower() == ".xlsx":
        return clean(_read_xlsx(path, source, header)), "xlsx"
    if len(data) >= PYARROW_FROM:
        raw = _parse_large(data, source)  # UTF-8 checked by pyarrow as it parses: no second pass
        if raw is not None:
            return clean(raw), "utf-8-sig" if data.startswith(BOM) else "utf-8"
    text, encoding = decode(data, source)
    if not text.strip():
        raise DataFileError(source, [f"is empty; expected a header line: {header}"])
    if len(data) >= PYARROW_FROM:  # GBK: re-encoded for pyarrow (it reads UTF-8 only)
        return clean(_parse_large(text.encode("utf-8"), source)), encoding
    return clean(_parse_csv(text, source, header, first_line)), encoding
