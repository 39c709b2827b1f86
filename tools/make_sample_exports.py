"""Synthetic shop back-office exports, as Youzan, Qianniu and Weidian write them (and for the benchmark).

    python tools/make_sample_exports.py                          # data/samples/exports/*
    python tools/make_sample_exports.py --youzan-rows 1000000 --out /tmp/big.csv   # the bench's export

The header rows are the platforms' own (../shared/FIELD_NOTES.md), with what real files
carry: GBK or UTF-8-with-BOM encoding, header cells with trailing spaces, order numbers
written `="…"` so Excel keeps the digits, masked phones (186****0005), unpaid, closed,
cancelled and refunded orders beside the paid ones, partial refunds, item-level rows
(the order columns repeated per item) and a few rows exported twice. The buying itself
comes from tools/make_sample_orders.py (customers who arrive, buy at their own rate and
drop out). Product exports' columns are modelled on the platforms' product lists (see
lib/merchant_playbooks/shop_exports/formats.py); Qianniu and Weidian carry no cost, so
their samples have the 成本价 column a consultant adds. Same seed, same files, byte for byte.
"""

from __future__ import annotations

import argparse
import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "samples" / "exports"
_spec = importlib.util.spec_from_file_location("make_sample_orders", Path(__file__).with_name("make_sample_orders.py"))
_orders_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_orders_mod)

NICKS = np.array(["小雨", "阿梅", "Lily", "晴天", "糖糖", "静静", "木子", "安然", "小鹿", "豆豆", "芳芳", "云朵",
                  "橙子", "Coco", "一一", "暖暖", "西西", "Amy", "小丸子", "向日葵"], dtype=object)
STORES = ("云雾·解放路店", "云雾·万达广场店")
GUIDES = (("王丽", "陈静", "刘芳"), ("赵敏", "孙悦"))
ITEMS = np.array(["真皮乐福鞋", "羊皮单鞋", "小白鞋", "玛丽珍鞋", "切尔西短靴", "帆布托特包", "链条斜挎包",
                  "护理套装", "鞋垫", "羊毛袜"], dtype=object)
# each order's fate (Youzan's wording here; each platform writes its own)
FATES = ("paid", "unpaid", "closed", "cancelled", "refunded", "partial")
FATE_P = (0.80, 0.03, 0.06, 0.02, 0.04, 0.05)

YOUZAN_HEADER = ("订单号", "订单状态 ", "订单创建时间", "买家付款时间 ", "买家昵称", "买家手机号", "订单实付金额",
                 "订单退款状态", "订单已退款金额", "销售渠道", "归属店铺", "销售导购 ", "商品名称", "商品数量")
QIANNIU_HEADER = ("订单编号", "买家会员名", "买家实际支付金额", "订单状态", "订单创建时间", "订单付款时间 ",
                  "退款金额", "收货人姓名", "宝贝标题 ", "宝贝总数量")
WEIDIAN_HEADER = ("订单号", "订单状态", "下单时间", "付款时间", "买家昵称", "买家手机", "实付金额", "退款金额 ",
                  "商品名称", "购买数量")
CUSTOMER_HEADER = ("客户姓名/昵称", "手机号", "成长值", "免费等级", "客户积分", "储值余额", "消费次数", "消费金额",
                   "上次消费时间", "成为客户时间")


def orders(customers: int, seed: int, end: date = date(2026, 10, 31)) -> pd.DataFrame:
    """One row per order: the buying, each order's fate, times, refund, buyer details, items."""
    base = _orders_mod.generate_orders(customers, date(2024, 11, 1), end, seed, prefix="C")
    rng = np.random.default_rng(seed + 1)
    n = len(base)
    df = base.rename(columns={"amount": "paid"})
    fate = rng.choice(np.array(FATES, dtype=object), size=n, p=FATE_P)
    recent = (pd.Timestamp(end) - df["order_date"]).dt.days < 5
    fate[(fate == "unpaid") & ~recent.to_numpy()] = "closed"  # unpaid orders close after a while
    df["fate"] = fate
    seconds = rng.integers(8 * 3600, 23 * 3600, n)
    df["created"] = df["order_date"] + pd.to_timedelta(seconds, unit="s")
    df["paid_time"] = df["created"] + pd.to_timedelta(rng.integers(5, 600, n), unit="s")
    df.loc[df["fate"].isin(["unpaid", "closed", "cancelled"]), "paid_time"] = pd.NaT
    share = rng.choice([0.1, 0.2, 0.3, 0.5], size=n)
    df["refund"] = np.where(fate == "refunded", df["paid"], np.where(fate == "partial",
                                                                     np.round(df["paid"] * share, 2), 0.0))
    cid = df["customer_id"].str[1:].astype(int).to_numpy()
    crng = np.random.default_rng(seed + 2)
    top = int(cid.max()) + 1
    phones = crng.integers(130, 190, top), crng.integers(0, 10000, top)
    df["phone"] = [f"{a}****{b:04d}" for a, b in zip(phones[0][cid], phones[1][cid], strict=True)]
    df["nickname"] = NICKS[crng.integers(0, len(NICKS), top)][cid] + crng.integers(0, 100, top).astype(str)[cid]
    df["buyer"] = "tb" + pd.Series(cid + 7_300_000).astype(str).to_numpy()
    store = np.where(df["store"] == "S2 Wanda Plaza", 1, 0)
    df["store"] = np.where(df["channel"] == "offline", np.array(STORES, dtype=object)[store], "")
    guide = rng.integers(0, 6, n)
    df["guide"] = [GUIDES[s][g % len(GUIDES[s])] if ch == "offline" else "" for s, g, ch in
                   zip(store, guide, df["channel"], strict=True)]
    df["items"] = rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1])
    df["order_no"] = [f"{20241101000000 + i * 7919:014d}{seed % 100:02d}{i % 97:02d}" for i in range(n)]
    return df


def _times(series: pd.Series, fmt: str = "%Y-%m-%d %H:%M:%S") -> pd.Series:
    return series.dt.strftime(fmt).fillna("")


def _money(values) -> list[str]:
    return [f"{v:.2f}" for v in values]


def _item_rows(df: pd.DataFrame, order_cols: pd.DataFrame, item_col: str, qty_col: str, seed: int) -> pd.DataFrame:
    """Item-level rows: the order's columns repeated for each of its items."""
    rows = order_cols.loc[order_cols.index.repeat(df["items"].to_numpy())].reset_index(drop=True)
    rank = rows.groupby(np.repeat(np.arange(len(df)), df["items"].to_numpy())).cumcount().to_numpy()
    start = np.repeat(np.random.default_rng(seed).integers(0, len(ITEMS), len(df)), df["items"].to_numpy())
    rows[item_col] = ITEMS[(start + rank) % len(ITEMS)]
    rows[qty_col] = np.random.default_rng(seed + 3).choice(["1", "1", "1", "2"], size=len(rows))
    return rows


def _with_repeats(rows: pd.DataFrame, seed: int, k: int = 3) -> pd.DataFrame:
    """A few rows exported twice (two overlapping downloads pasted together)."""
    pick = np.random.default_rng(seed + 4).choice(len(rows), size=k, replace=False)
    return pd.concat([rows, rows.iloc[np.sort(pick)]], ignore_index=True)


def youzan_orders(df: pd.DataFrame, seed: int, repeats: int = 3) -> pd.DataFrame:
    status = {"paid": "交易成功", "unpaid": "待付款", "closed": "交易关闭", "cancelled": "交易关闭",
              "refunded": "交易关闭", "partial": "交易成功"}
    refund_status = {"refunded": "全额退款", "partial": "部分退款"}
    young = (df["order_date"].max() - df["order_date"]).dt.days < 3
    text = df["fate"].map(status).where(~(young & (df["fate"] == "paid")), "待发货")
    cols = pd.DataFrame(dict(zip(YOUZAN_HEADER[:12], (
        '="E' + df["order_no"] + '"', text, _times(df["created"]), _times(df["paid_time"]), df["nickname"],
        df["phone"], _money(df["paid"]), df["fate"].map(refund_status).fillna("无退款"), _money(df["refund"]),
        np.where(df["channel"] == "offline", "线下门店", "微商城"), df["store"], df["guide"]), strict=True)))
    rows = _item_rows(df, cols, YOUZAN_HEADER[12], YOUZAN_HEADER[13], seed)
    return _with_repeats(rows, seed, repeats) if repeats else rows


def qianniu_orders(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    status = {"paid": "交易成功", "unpaid": "等待买家付款", "closed": "交易关闭", "cancelled": "交易关闭",
              "refunded": "交易关闭", "partial": "交易成功"}
    young = (df["order_date"].max() - df["order_date"]).dt.days < 4
    text = df["fate"].map(status).where(~(young & (df["fate"] == "paid")), "卖家已发货，等待买家确认")
    items = ITEMS[np.random.default_rng(seed).integers(0, len(ITEMS), len(df))]
    cols = pd.DataFrame(dict(zip(QIANNIU_HEADER, (
        '="3' + df["order_no"] + '"', df["buyer"], _money(df["paid"]), text, _times(df["created"]),
        _times(df["paid_time"]), _money(df["refund"]), df["nickname"].str[:2], items, df["items"].astype(str)),
        strict=True)))
    return _with_repeats(cols, seed)


def weidian_orders(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    status = {"paid": "已完成", "unpaid": "待付款", "closed": "已关闭", "cancelled": "已取消", "refunded": "已退款",
              "partial": "已完成"}
    cols = pd.DataFrame(dict(zip(WEIDIAN_HEADER[:8], (
        '="' + df["order_no"] + '"', df["fate"].map(status), _times(df["created"], "%Y/%m/%d %H:%M"),
        _times(df["paid_time"], "%Y/%m/%d %H:%M"), df["nickname"], df["phone"], _money(df["paid"]),
        _money(df["refund"])), strict=True)))
    rows = _item_rows(df, cols, WEIDIAN_HEADER[8], WEIDIAN_HEADER[9], seed)
    return _with_repeats(rows, seed)


def youzan_customers(df: pd.DataFrame) -> pd.DataFrame:
    """The customer list as Youzan's CRM exports it (its own totals, over paid orders net of refunds)."""
    kept = df[df["fate"].isin(["paid", "partial"])].assign(net=lambda d: d["paid"] - d["refund"])
    g = kept.groupby("customer_id", sort=True)
    per = g.agg(name=("nickname", "first"), phone=("phone", "first"), orders=("net", "size"),
                spend=("net", "sum"), last=("paid_time", "max"), since=("created", "min"))
    growth = per["spend"].astype(int)
    level = np.select([growth >= 10000, growth >= 6000, growth >= 3000, growth >= 1000], ["VIP5", "VIP4", "VIP3",
                                                                                           "VIP2"], "VIP1")
    return pd.DataFrame(dict(zip(CUSTOMER_HEADER, (
        per["name"], per["phone"], growth.astype(str), level, (growth // 10).astype(str),
        _money(np.zeros(len(per))), per["orders"].astype(str), _money(per["spend"]), _times(per["last"]),
        _times(per["since"])), strict=True)))


def products(platform: str, seed: int, n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    price = np.round(rng.choice([39, 59, 99, 199, 259, 299, 399, 459, 599, 899], size=n) - 0.1, 2)
    cost = np.round(price * rng.uniform(0.35, 0.6, n), 2)
    names = [f"{ITEMS[i % len(ITEMS)]} {i + 1:02d}" for i in range(n)]
    groups = np.array(["女鞋", "包袋", "配件"], dtype=object)[[0 if i % 10 < 5 else 1 if i % 10 < 7 else 2
                                                                for i in range(n)]]
    stock, sales = rng.integers(0, 400, n).astype(str), rng.integers(0, 300, n).astype(str)
    sku = [f"YW-{i + 1:03d}" for i in range(n)]
    if platform == "youzan":
        cols = {"商品名称": names, "商品编码 ": sku, "商品分组": groups, "价格": _money(price), "成本价": _money(cost),
                "总库存": stock, "月销量": sales}
    elif platform == "qianniu":
        cols = {"宝贝名称": names, "商家编码": sku, "宝贝类目": groups, "宝贝价格": _money(price), "宝贝数量": stock,
                "月销量": sales, "收藏人数": rng.integers(0, 900, n).astype(str), "成本价": _money(cost)}
    else:
        cols = {"商品名称": names, "商品编号": ['="' + s + '"' for s in sku], "商品分类": groups,
                "价格": _money(price), "库存": stock, "销量": sales, "成本价": _money(cost)}
    return pd.DataFrame(cols)


def write_csv(frame: pd.DataFrame, path: Path, encoding: str) -> None:
    """As back-offices write: CRLF lines, `="…"` cells left bare (Excel reads them as text formulas)."""
    def cell(v: str) -> str:
        v = str(v)
        return f'"{v}"' if ("," in v and not v.startswith('="')) else v

    lines = [",".join(cell(c) for c in frame.columns)]
    lines += [",".join(map(cell, row)) for row in frame.itertuples(index=False, name=None)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


SAMPLES = (  # file, what, encoding
    ("youzan-orders.csv", "youzan_orders", "gb18030"),
    ("youzan-customers.csv", "youzan_customers", "utf-8-sig"),
    ("qianniu-orders.csv", "qianniu_orders", "utf-8-sig"),
    ("weidian-orders.csv", "weidian_orders", "gb18030"),
    ("youzan-products.csv", "youzan_products", "gb18030"),
    ("qianniu-products.csv", "qianniu_products", "utf-8-sig"),
    ("weidian-products.csv", "weidian_products", "gb18030"),
)


def sample_frames(seed: int = 20) -> dict[str, pd.DataFrame]:
    yz, qn, wd = orders(1200, seed), orders(500, seed + 10), orders(300, seed + 20)
    return {"youzan_orders": youzan_orders(yz, seed), "youzan_customers": youzan_customers(yz),
            "qianniu_orders": qianniu_orders(qn, seed), "weidian_orders": weidian_orders(wd, seed),
            "youzan_products": products("youzan", seed), "qianniu_products": products("qianniu", seed + 1),
            "weidian_products": products("weidian", seed + 2)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help="folder (samples) or file (--youzan-rows)")
    ap.add_argument("--youzan-rows", type=int, help="write one Youzan order export of this many rows (UTF-8 with BOM)")
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args(argv)
    if args.youzan_rows:
        frame = youzan_orders(orders(max(int(args.youzan_rows / 2.5), 10), args.seed), args.seed).head(args.youzan_rows)
        write_csv(frame, args.out, "utf-8-sig")
        print(f"{args.out}: {len(frame):,} rows")
        return
    frames = sample_frames(args.seed)
    for name, what, encoding in SAMPLES:
        write_csv(frames[what], args.out / name, encoding)
        print(f"{args.out / name}: {len(frames[what]):,} rows ({encoding})")


if __name__ == "__main__":
    main()
