"""Reading a data file (orders, catalogue, actuals) as text cells, every way it can fail named.

Each playbook checks its own columns and values afterwards; what can go wrong before
that (no file, a folder, an encoding that is neither UTF-8 nor GBK or a mix of both,
empty, not CSV, a trailing comma) is the same for all of them and reported the same way.
UTF-8 (with or without a byte-order mark), GBK/GB18030 and xlsx workbooks are read
(shop_exports/decoding.py); cells come stripped, Excel's `="…"` text cells unwrapped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import DataFileError
from .shop_exports.decoding import read_cells

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
    raw = read_cells(Path(path), source, header=header, not_found=not_found, first_line=first_line)[0]
    if not all(_COLUMN_NAME.fullmatch(str(c)) for c in raw.columns):
        not_header = f"{first_line}: is not a header of column names (expected: {header}); is this the right file?"
        raise DataFileError(source, [not_header])
    return raw
