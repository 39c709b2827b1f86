"""Benchmark: a 1M-row Youzan order export read as downloaded and reduced to RFM (run by `make bench`).

    python tests/bench_exports.py
    youzan_1m_rows_to_rfm_s <seconds>   # read, decode, clean, keep paid orders net of refunds, fold items,
                                        # check, RFM scores and segments (target: at most 3 s on 2 cores)
    youzan_1m_phases_s read=… export=… check=… rfm=…
    youzan_1m_polars_s <seconds>        # the same reduction written in polars, for comparison (when installed)

The export (UTF-8 with BOM, item rows, ="…" order numbers, unpaid/closed/refunded rows) is
made once by tools/make_sample_exports.py into out/bench/ (git-ignored) and reused.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pandas as pd
from merchant_playbooks.membership_community import rfm
from merchant_playbooks.membership_community.orders import check_orders
from merchant_playbooks.shop_exports import detect, export_orders
from merchant_playbooks.shop_exports.decoding import read_cells

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000
EXPORT = ROOT / "out" / "bench" / f"youzan-{ROWS // 1000}k.csv"
REPEATS = 3


def export_file() -> Path:
    generator = ROOT / "tools" / "make_sample_exports.py"
    if not EXPORT.is_file() or EXPORT.stat().st_mtime < generator.stat().st_mtime:
        EXPORT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(generator), "--youzan-rows", str(ROWS), "--out", str(EXPORT)], check=True,
                       stdout=subprocess.DEVNULL)
    return EXPORT


def to_rfm(path: Path) -> dict[str, float]:
    """The library's own path (read_orders' steps, timed one by one) to the RFM segment table."""
    cpu, marks = time.process_time(), [time.perf_counter()]
    raw, _ = read_cells(path, str(path), header="", not_found="file not found")
    marks.append(time.perf_counter())
    export = export_orders(raw, detect(list(raw.columns), str(path), "orders"), str(path))
    marks.append(time.perf_counter())
    history = check_orders(export.orders, str(path))
    marks.append(time.perf_counter())
    rfm.segment_table(rfm.score(rfm.customer_table(history.orders, history.last_date + pd.Timedelta(days=1))))
    marks.append(time.perf_counter())
    phases = dict(zip(("read", "export", "check", "rfm"), (b - a for a, b in pairwise(marks)), strict=True))
    return {"total": marks[-1] - marks[0], **phases, "cpu": time.process_time() - cpu, "orders": len(history.orders)}


def polars_to_rfm(path: Path) -> float | None:
    """The same reduction in polars (read, clean, fold, keep, net, R/F/M per customer), or None without polars."""
    try:
        import polars as pl
    except ImportError:
        return None
    start = time.perf_counter()
    df = pl.read_csv(path, infer_schema=False)
    df = df.rename({c: c.strip() for c in df.columns})
    text = [pl.when(pl.col(c).str.strip_chars().str.starts_with('="'))
            .then(pl.col(c).str.strip_chars().str.slice(2).str.strip_suffix('"'))
            .otherwise(pl.col(c).str.strip_chars()).alias(c) for c in df.columns]
    df = df.with_columns(text).unique(["订单号", "商品名称"], keep="first", maintain_order=True)
    df = df.unique("订单号", keep="first", maintain_order=True)
    money = [pl.col(c).cast(pl.Float64) for c in ("订单实付金额", "订单已退款金额")]
    df = df.with_columns(money[0].alias("paid"), money[1].alias("refund"))
    paid = pl.col("订单状态").is_in(["待发货", "已发货", "交易成功", "待成团"])
    df = df.filter(paid & ~pl.col("订单退款状态").str.contains("全额退款")
                   & ~((pl.col("refund") > 0) & (pl.col("refund") >= pl.col("paid"))))
    df = df.with_columns(pl.col("买家付款时间").str.to_datetime("%Y-%m-%d %H:%M:%S").dt.date().alias("day"),
                         (pl.col("买家手机号") + "/" + pl.col("买家昵称")).alias("customer"),
                         (pl.col("paid") - pl.col("refund")).alias("amount"))
    today = df["day"].max()
    per = df.group_by("customer").agg(pl.col("day").max(), pl.len().alias("f"), pl.col("amount").sum().alias("m"))
    per.with_columns((pl.lit(today) - pl.col("day")).dt.total_days().alias("r"),
                     *((pl.col(c).rank("ordinal") * 5 / pl.len()).ceil().alias(f"{c}_score") for c in ("f", "m")))
    return time.perf_counter() - start


def main() -> None:
    path = export_file()
    runs = [to_rfm(path) for _ in range(REPEATS)]
    best = min(runs, key=lambda r: r["total"])
    median = statistics.median(r["total"] for r in runs)
    load = os.getloadavg()[0]
    print(f"youzan_1m_rows_to_rfm_s {median:.2f}  (median of {REPEATS}; best {best['total']:.2f}; "
          f"{best['orders']:,} paid orders kept; CPU {best['cpu']:.2f} s; load average {load:.1f} on "
          f"{os.cpu_count()} cores; target 3)",
          flush=True)
    print("youzan_1m_phases_s " + " ".join(f"{k}={best[k]:.2f}" for k in ("read", "export", "check", "rfm")),
          flush=True)
    timed = [polars_to_rfm(path) for _ in range(REPEATS)]
    if timed[0] is None:
        print("youzan_1m_polars_s -  (polars not installed)", flush=True)
    else:
        print(f"youzan_1m_polars_s {statistics.median(timed):.2f}  (median of {REPEATS}, same reduction)", flush=True)


if __name__ == "__main__":
    main()
