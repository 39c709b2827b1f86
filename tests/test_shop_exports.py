"""Shop back-office exports (Youzan, Qianniu, Weidian) read as downloaded: detection, what is kept and left out.

The expected figures are counted here independently of the readers: the sample files are
parsed with the csv module and each platform's statuses are classified from literal
lists, row by row in plain Python with Decimal money.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import PARAMS, ROOT, SAMPLES
from merchant_playbooks.cli import main
from merchant_playbooks.errors import DataFileError
from merchant_playbooks.membership_community.orders import read_orders
from merchant_playbooks.rapid_growth_cadence.products import read_catalogue
from merchant_playbooks.shop_exports import detect
from merchant_playbooks.shop_exports.decoding import read_cells

EXPORTS = SAMPLES / "exports"

# platform -> file, encoding, order-number, status, paid, refund, item column (None: order-level), buyer columns,
# statuses that are paid / unpaid / cancelled / closed-or-refunded-after-payment
PLATFORMS = {
    "youzan": ("youzan-orders.csv", "gb18030", "订单号", "订单状态", "订单实付金额", "订单已退款金额", "商品名称",
               ("买家手机号", "买家昵称"), {"待发货", "已发货", "交易成功"}, {"待付款"}, set(), {"交易关闭"}),
    "qianniu": ("qianniu-orders.csv", "utf-8-sig", "订单编号", "订单状态", "买家实际支付金额", "退款金额", None,
                ("买家会员名",), {"买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功"}, {"等待买家付款"},
                set(), {"交易关闭"}),
    "weidian": ("weidian-orders.csv", "gb18030", "订单号", "订单状态", "实付金额", "退款金额", "商品名称",
                ("买家手机", "买家昵称"), {"待发货", "已发货", "已完成"}, {"待付款"}, {"已取消"}, {"已关闭", "已退款"}),
}


def _cell(text: str) -> str:
    text = text.strip()
    return text[2:-1] if text.startswith('="') and text.endswith('"') else text


def independent(platform: str) -> dict:
    """Kept orders, reasons, customers and net revenue, counted straight from the file."""
    name, enc, oid, status, paid_col, refund_col, item, buyer, paid_s, unpaid_s, cancel_s, closed_s = PLATFORMS[platform]
    rows = list(csv.reader(io.StringIO((EXPORTS / name).read_bytes().decode(enc))))
    header = [h.strip() for h in rows[0]]
    seen, orders, repeats = set(), {}, 0
    for row in rows[1:]:
        rec = dict(zip(header, map(_cell, row), strict=True))
        key = (rec[oid], rec[item] if item else None)
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        orders.setdefault(rec[oid], rec)
    reasons, revenue, customers, kept = Counter(), Decimal(0), set(), 0
    for rec in orders.values():
        paid, refund = Decimal(rec[paid_col]), Decimal(rec[refund_col] or 0)
        s = rec[status]
        if (s in paid_s or s in closed_s) and refund > 0 and refund >= paid:
            reasons["refunded"] += 1
        elif s in paid_s:
            kept += 1
            revenue += paid - refund
            customers.add("/".join(rec[b] for b in buyer))
        else:
            reasons["unpaid" if s in unpaid_s else "cancelled" if s in cancel_s else "closed"] += 1
    return {"rows": len(rows) - 1, "orders": len(orders), "repeats": repeats, "kept": kept, "reasons": dict(reasons),
            "customers": len(customers), "revenue": revenue}


@pytest.fixture(scope="module")
def truth() -> dict:
    return {p: independent(p) for p in PLATFORMS}


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_each_platforms_order_export_is_detected(platform):
    raw, _ = read_cells(EXPORTS / PLATFORMS[platform][0], "x", header="", not_found="")
    assert detect(list(raw.columns), "x", "orders").key == f"{platform}_orders"


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_kept_and_left_out_orders_and_net_revenue_match_an_independent_count(platform, truth):
    t = truth[platform]
    history = read_orders(EXPORTS / PLATFORMS[platform][0])
    assert history.rows_read == t["rows"]
    assert len(history.orders) == t["kept"] and t["kept"] > 0
    assert history.excluded == t["reasons"] and sum(t["reasons"].values()) + t["kept"] == t["orders"]
    assert history.notes["duplicate_orders"] == t["repeats"] > 0
    assert history.customers == t["customers"]
    assert history.revenue == t["revenue"]


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_inspect_reports_each_platform(platform, truth, capsys):
    t = truth[platform]
    assert main(["inspect", str(EXPORTS / PLATFORMS[platform][0])]) == 0
    out = capsys.readouterr().out
    assert "(detected from the header row)" in out and f"rows read: {t['rows']:,}" in out
    assert f"kept: {t['kept']:,} paid" in out and f"customers: {t['customers']:,}" in out
    assert f"revenue: ¥{t['revenue']:,.2f} net of refunds" in out
    assert f"{t['repeats']} rows repeat an order already read, counted once" in out
    assert "playbooks: membership_community" in out


def test_the_samples_are_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample_exports", ROOT / "tools" / "make_sample_exports.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.main(["--out", str(tmp_path)])
    for name, _, _ in gen.SAMPLES:
        assert (tmp_path / name).read_bytes() == (EXPORTS / name).read_bytes(), name


def test_utf8_bom_and_xlsx_copies_read_the_same(tmp_path):
    raw, _ = read_cells(EXPORTS / "youzan-orders.csv", "x", header="", not_found="")
    text = (EXPORTS / "youzan-orders.csv").read_bytes().decode("gb18030")
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    raw.to_excel(tmp_path / "orders.xlsx", index=False)
    first = read_orders(EXPORTS / "youzan-orders.csv")
    for copy in ("bom.csv", "orders.xlsx"):
        other = read_orders(tmp_path / copy)
        pd.testing.assert_frame_equal(other.orders, first.orders)
        assert (other.excluded, other.notes) == (first.excluded, first.notes)


def test_the_youzan_sample_merchant_plans_from_the_export(truth):
    from merchant_playbooks.loading import load_params
    from merchant_playbooks.membership_community.plan import build_plan

    mp = load_params(PARAMS / "yunwu-youzan.yaml")
    plan = build_plan(mp.for_playbook("membership_community"))
    t = truth["youzan"]
    assert plan.data["customers"] == t["customers"] and plan.data["revenue"] == t["revenue"]
    assert plan.data["orders_excluded"] == t["reasons"]
    stores = plan.tables["stores"]
    assert set(stores["store"]) == {"云雾·解放路店", "云雾·万达广场店"}
    assert len(plan.tables["guides"]) == 5


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_product_exports_become_the_catalogue(platform):
    path = EXPORTS / f"{platform}-products.csv"
    enc = "gb18030" if platform != "qianniu" else "utf-8-sig"
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode(enc))))
    price = {"youzan": "价格", "qianniu": "宝贝价格", "weidian": "价格"}[platform]
    df = read_catalogue(path)
    assert len(df) == len(rows)
    assert sorted(df["price"]) == sorted(Decimal(r[price]) for r in rows)
    assert (df["cost"] <= df["price"]).all() and df["sku"].is_unique


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _error(path: Path, reader=read_orders) -> list[str]:
    with pytest.raises(DataFileError) as exc:
        reader(path)
    return exc.value.problems


def test_an_unknown_header_lists_the_known_formats_and_the_columns_found(tmp_path):
    path = _write(tmp_path, "o.csv", "单号,金额\n1,2\n".encode("gb18030"))
    [message] = _error(path)
    assert message.startswith("line 1: the header is not an export this project knows (columns found: 单号, 金额)")
    for known in ("Youzan (有赞) orders", "Qianniu / Taobao (千牛) orders", "Weidian (微店) orders",
                  "the project's orders CSV"):
        assert known in message


def test_a_mixed_encoding_file_names_the_byte_and_the_line(tmp_path):
    gbk = (EXPORTS / "youzan-orders.csv").read_bytes()
    lines = gbk.split(b"\r\n")
    utf8_line = lines[3].decode("gb18030").encode("utf-8")
    mixed = b"\r\n".join([*lines[:5], utf8_line, *lines[5:]])
    [message] = _error(_write(tmp_path, "a.csv", mixed))
    first = next(b for b in utf8_line if b >= 0x80)
    assert message == (f"line 6: is UTF-8 text (byte 0x{first:02x}), though the lines before it are GBK: the file "
                       "mixes two encodings; save it again as CSV UTF-8")
    text = gbk.decode("gb18030").encode("utf-8-sig").split(b"\r\n")
    mixed = b"\r\n".join([*text[:7], lines[7], *text[8:]])
    [message] = _error(_write(tmp_path, "b.csv", mixed))
    first = next(b for b in lines[7] if b >= 0x80)
    assert message == (f"line 8: byte 0x{first:02x} is not UTF-8, though the file starts as UTF-8 (with a byte-order "
                       "mark): it mixes two encodings; save it again as CSV UTF-8")


def test_all_unpaid_orders_says_so(tmp_path):
    head = "订单号,订单状态,订单创建时间,买家付款时间,买家昵称,买家手机号,订单实付金额\n"
    rows = "".join(f'="E{i}",待付款,2026-03-0{i} 10:00:00,,阿梅,186****000{i},99.00\n' for i in range(1, 4))
    [message] = _error(_write(tmp_path, "o.csv", (head + rows).encode("gb18030")))
    assert message == "has 3 orders and none of them is paid (unpaid 3): there is nothing to plan from"


def test_a_customer_list_is_not_an_order_history_and_inspect_reads_it(capsys):
    [message] = _error(EXPORTS / "youzan-customers.csv")
    assert message.startswith("is a Youzan (有赞) customers export; membership_community.orders_file needs an "
                              "orders export")
    assert main(["inspect", str(EXPORTS / "youzan-customers.csv")]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO((EXPORTS / "youzan-customers.csv").read_text(encoding="utf-8-sig"))))
    repeat = sum(int(r["消费次数"]) > 1 for r in rows)
    assert f"rows read: {len(rows):,} customers" in out and f"{repeat:,} more than once" in out


def test_a_forced_format_that_does_not_fit_and_a_missing_cost_say_so(tmp_path, capsys):
    assert main(["inspect", "--format", "qianniu", str(EXPORTS / "youzan-orders.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{EXPORTS / 'youzan-orders.csv'}: line 1: is not a Qianniu / Taobao (千牛) orders export "
                          "(format: qianniu): missing column(s) 订单编号, 买家会员名, 买家实际支付金额")
    assert "Traceback" not in err
    text = (EXPORTS / "qianniu-products.csv").read_text(encoding="utf-8-sig")
    no_cost = "\n".join(",".join(line.split(",")[:-1]) for line in text.splitlines())
    [message] = _error(_write(tmp_path, "p.csv", no_cost.encode("utf-8")), read_catalogue)
    assert "needs the column(s) cost (成本价); add a 成本价 column with each product's unit cost" in message
