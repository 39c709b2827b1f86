"""Shop back-office exports (Youzan, Qianniu/Taobao, Weidian) read as they are downloaded.

- decoding.py: bytes → text cells (UTF-8, UTF-8 with BOM, GBK/GB18030, xlsx; `="…"` cells);
- formats.py: each platform's columns and order statuses;
- detection.py: which export a header row is (or the project's own CSV);
- orders.py: paid orders net of refunds, item rows folded, what was left out and why;
- products.py: a product export → the catalogue's columns; customers.py: a customer list's totals;
- inspection.py: `playbooks inspect FILE`.

Importing the package stays light (the params schemas import `formats` for their `*_format`
fields, and loading params must not pull in pandas or pyarrow): the names below are loaded
from their modules when first asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CHOICES", "FORMATS", "ExportOrders", "Format", "detect", "detect_any", "export_orders"]


def __getattr__(name: str) -> Any:
    if name in ("CHOICES", "detect", "detect_any"):
        from . import detection as home
    elif name in ("FORMATS", "Format"):
        from . import formats as home
    elif name in ("ExportOrders", "export_orders"):
        from . import orders as home
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(home, name)
