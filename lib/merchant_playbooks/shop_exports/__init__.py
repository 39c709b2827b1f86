"""Shop back-office exports (Youzan, Qianniu/Taobao, Weidian) read as they are downloaded.

- decoding.py: bytes → text cells (UTF-8, UTF-8 with BOM, GBK/GB18030, xlsx; `="…"` cells);
- formats.py: each platform's columns and order statuses;
- detection.py: which export a header row is (or the project's own CSV);
- orders.py: paid orders net of refunds, item rows folded, what was left out and why;
- products.py: a product export → the catalogue's columns; customers.py: a customer list's totals;
- inspection.py: `playbooks inspect FILE`.
"""

from .detection import CHOICES, detect, detect_any
from .formats import FORMATS, Format
from .orders import ExportOrders, export_orders

__all__ = ["CHOICES", "FORMATS", "ExportOrders", "Format", "detect", "detect_any", "export_orders"]
