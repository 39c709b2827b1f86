"""Benchmarks for the membership playbook (run by `make bench`, not collected by pytest).

    python tests/bench_membership.py
    rfm_1m_orders_s <seconds>    # RFM scores and segments of 1,000,000 orders (target: under 5 s)
    clv_fit_100k_s <seconds>     # BG/NBD + Gamma-Gamma fit and CLV of 100,000 customers (target: under 10 s)

The orders come from the sample generator (tools/make_sample_orders.py), seeded.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pandas as pd
from merchant_playbooks.membership_community import clv, rfm
from merchant_playbooks.membership_community.orders import check_orders

ROOT = Path(__file__).resolve().parents[1]
ORDERS_PER_CUSTOMER = 2.1  # what the generator's customers average over three years


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample_orders", ROOT / "tools" / "make_sample_orders.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_orders


def _orders(customers: int, seed: int = 1) -> pd.DataFrame:
    raw = _generator()(customers=customers, seed=seed, prefix="B")
    raw["order_date"] = raw["order_date"].astype("datetime64[ns]")
    raw["cents"] = (raw["amount"] * 100).round().astype("int64")
    return raw


def rfm_1m_orders_s(n_orders: int = 1_000_000) -> float:
    """Seconds to score and segment `n_orders` orders (from the orders table to the segment table)."""
    orders = _orders(int(n_orders / ORDERS_PER_CUSTOMER)).head(n_orders)
    analysis = orders["order_date"].max() + pd.Timedelta(days=1)
    start = time.perf_counter()
    scored = rfm.score(rfm.customer_table(orders, analysis))
    rfm.segment_table(scored)
    return time.perf_counter() - start


def clv_fit_100k_s(customers: int = 100_000) -> float:
    """Seconds to summarise, fit both models and value `customers` customers."""
    orders = _orders(customers, seed=2)
    analysis = orders["order_date"].max() + pd.Timedelta(days=1)
    start = time.perf_counter()
    clv.customer_value(clv.summarise(orders, analysis))
    return time.perf_counter() - start


def orders_check_s(n_orders: int = 1_000_000) -> float:
    """Seconds to check a million rows of text cells (not part of the printed targets)."""
    orders = _orders(int(n_orders / ORDERS_PER_CUSTOMER)).head(n_orders)
    raw = orders[["customer_id", "order_date", "amount"]].astype(str)
    start = time.perf_counter()
    check_orders(raw)
    return time.perf_counter() - start


def main() -> None:
    print(f"rfm_1m_orders_s {rfm_1m_orders_s():.3f}", flush=True)
    print(f"clv_fit_100k_s {clv_fit_100k_s():.3f}", flush=True)


if __name__ == "__main__":
    main()
