"""Reading a data file (orders, catalogue, actuals) as text cells, every way it can fail named.

Each playbook checks its own columns and values afterwards; what can go wrong before
that (no file, a folder, not UTF-8, empty, not CSV, a trailing comma) is the same for
all of them and reported the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .datapaths import special_file_problem
from .errors import DataFileError

# What a column name looks like (any language's letters, digits, a little punctuation). A first line that
# is not such names is not a header: it is never quoted back, so no file's contents reach a message.
_COLUMN_NAME = re.compile(r"[\w .()/%#&+:-]{0,64}")


def read_csv_cells(path: Path, source: str, *, header: str, not_found: str, first_line: str = "line 1",
                   ) -> pd.DataFrame:
    """The file's cells as text (empty cells as ""), or a `DataFileError` naming `source`.

    `header` is the header line the file should start with (shown when it is empty),
    `not_found` what to say when there is no file, `first_line` how the header line is
    named in the file's other messages ("line 1", or "row 1" for the catalogue).
    """
    if path.is_dir():
        raise DataFileError(source, ["is a folder, expected a CSV file"])
    if not path.is_file():  # also a broken symlink
        raise DataFileError(source, [not_found])
    if special := special_file_problem(path):
        raise DataFileError(source, [special])
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except UnicodeDecodeError:
        raise DataFileError(source, ["is not UTF-8 text; save it as CSV UTF-8"]) from None
    except pd.errors.EmptyDataError:
        raise DataFileError(source, [f"is empty; expected a header line: {header}"]) from None
    except pd.errors.ParserError as exc:
        raise DataFileError(source, [f"is not a readable CSV file: {str(exc).strip()}"]) from None
    except OSError as exc:  # no permission, a file on a drive that went away
        raise DataFileError(source, [f"cannot be read: {exc.strerror}"]) from None
    if not isinstance(raw.index, pd.RangeIndex):  # pandas took the first column as row labels
        extra = f"{first_line}: the rows have one value more than the header (a trailing comma, or a column without a name)"
        raise DataFileError(source, [extra])
    if not all(_COLUMN_NAME.fullmatch(str(c)) for c in raw.columns):
        not_header = f"{first_line}: is not a header of column names (expected: {header}); is this the right file?"
        raise DataFileError(source, [not_header])
    return raw
