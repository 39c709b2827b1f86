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

import io
from pathlib import Path

import pandas as pd

from ..errors import DataFileError

BOM = b"\xef\xbb\xbf"
PYARROW_FROM = 8 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
_EXCEL_TEXT = r'^="(.*)"$'


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
    try:
        return path.read_bytes()
    except OSError as exc:  # no permission, a file on a drive that went away
        raise DataFileError(source, [f"cannot be read: {exc.strerror}"]) from None


def _parse_csv(data: bytes, text: str, encoding: str, source: str, header: str, first_line: str) -> pd.DataFrame:
    try:
        if len(data) >= PYARROW_FROM:
            body = data[len(BOM):] if encoding == "utf-8-sig" else data if encoding == "utf-8" else text.encode()
            return pd.read_csv(io.BytesIO(body), engine="pyarrow", dtype=str, keep_default_na=False)
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataFileError(source, [f"is empty; expected a header line: {header}"]) from None
    except pd.errors.ParserError as exc:
        raise DataFileError(source, [f"is not a readable CSV file: {str(exc).strip()}"]) from None
    if not isinstance(raw.index, pd.RangeIndex):  # pandas took the first column as row labels
        raise DataFileError(source, [(f"{first_line}: the rows have one value more than the header (a trailing "
                                     "comma, or a column without a name)")])
    return raw


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


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Header names trimmed; cells stripped, `="…"` unwrapped (only in the columns that have such cells)."""
    raw.columns = [str(c).strip() for c in raw.columns]
    for col in raw.columns:
        cells = raw[col].astype(str).str.strip()
        if cells.str.startswith('="').any():
            cells = cells.str.replace(_EXCEL_TEXT, r"\1", regex=True).str.strip()
        raw[col] = cells
    return raw


def read_cells(path: Path, source: str, *, header: str, not_found: str, first_line: str = "line 1",
               ) -> tuple[pd.DataFrame, str]:
    """The file's cells as text (empty cells as ""), and its encoding ("xlsx" for a workbook)."""
    data = read_bytes(path, source, not_found)
    if data.startswith(XLSX_MAGIC) or path.suffix.lower() == ".xlsx":
        return clean(_read_xlsx(path, source, header)), "xlsx"
    text, encoding = decode(data, source)
    if not text.strip():
        raise DataFileError(source, [f"is empty; expected a header line: {header}"])
    return clean(_parse_csv(data, text, encoding, source, header, first_line)), encoding
