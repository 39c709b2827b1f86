"""The pandas settings every plan is built under, set once when the spine is imported.

With pyarrow installed (the shop-export readers need it), pandas 3 stores text columns as
pyarrow strings by default. The plans' tables are small (tens to hundreds of rows) and are
pivoted, grouped and indexed many times; on such frames the pyarrow-backed strings cost
about a quarter more time than Python strings (a bargaining plan with its review: 107 ms vs
86 ms). The shop-export readers call pyarrow's own kernels for their million-row work, so
they do not depend on this setting.
"""

from __future__ import annotations

import pandas as pd

pd.set_option("mode.string_storage", "python")
