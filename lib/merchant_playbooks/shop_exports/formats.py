"""What each platform's export calls its columns and its order statuses.

The order and customer header rows are those seen in the field (../shared/FIELD_NOTES.md);
item-level order exports repeat the order columns on every item row. Product exports are
not in the field notes: their columns here follow the platforms' product lists (title,
merchant code, group or category, price, stock, sales) and are to be checked against the
first real file; Qianniu's and Weidian's product lists carry no cost, so the consultant adds a
成本价 column (the catalogue's ladders need the cost).

A `Format` maps our field names to the header's names: the first of the alternatives found
in the file is used. `signature` columns must all be there for the header to be that format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field

# order statuses → what the plan does with the order
PAID, UNPAID, CANCELLED, CLOSED, REFUNDED = "paid", "unpaid", "cancelled", "closed", "refunded"


@dataclass(frozen=True)
class Format:
    key: str  # e.g. youzan_orders
    platform: str  # the `format:` value in params: youzan, qianniu, weidian
    kind: str  # orders | customers | products
    label: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # our field -> header names it may have, first found wins
    statuses: dict[str, str] = field(default_factory=dict)  # status text -> PAID | UNPAID | ...
    customer_key: str = ""  # how the customer is identified, for the data notes

    def find(self, header: list[str]) -> dict[str, str]:
        """Our field -> the header's column, for the fields the header has."""
        present = set(header)
        return {ours: next(n for n in names if n in present) for ours, names in self.columns.items()
                if any(n in present for n in names)}


YOUZAN_ORDERS = Format(
    "youzan_orders", "youzan", "orders", "Youzan (有赞) orders",
    signature=("订单号", "订单状态", "买家付款时间", "订单实付金额"),
    columns={"order_id": ("订单号",), "status": ("订单状态",), "created": ("订单创建时间",),
             "paid_time": ("买家付款时间",), "nickname": ("买家昵称",), "phone": ("买家手机号",),
             "paid": ("订单实付金额",), "refund_status": ("订单退款状态",), "refund": ("订单已退款金额",),
             "channel": ("销售渠道",), "store": ("归属店铺",), "guide": ("销售导购",), "item": ("商品名称",),
             "quantity": ("商品数量",)},
    statuses={"待付款": UNPAID, "待成团": PAID, "待发货": PAID, "已发货": PAID, "交易成功": PAID,
              "交易关闭": CLOSED, "已取消": CANCELLED, "交易取消": CANCELLED},
    customer_key="phone_nickname",
)

QIANNIU_ORDERS = Format(
    "qianniu_orders", "qianniu", "orders", "Qianniu / Taobao (千牛) orders",
    signature=("订单编号", "买家会员名", "买家实际支付金额", "订单状态"),
    columns={"order_id": ("订单编号",), "buyer": ("买家会员名",), "paid": ("买家实际支付金额",),
             "status": ("订单状态",), "created": ("订单创建时间",), "paid_time": ("订单付款时间",),
             "refund": ("退款金额",), "item": ("宝贝标题",), "quantity": ("宝贝总数量",),
             "channel": ("订单来源", "销售渠道"), "store": ("店铺名称", "归属店铺"), "guide": ("销售导购",)},
    statuses={"等待买家付款": UNPAID, "买家已付款，等待卖家发货": PAID, "买家已付款,等待卖家发货": PAID,
              "卖家已发货，等待买家确认": PAID, "卖家已发货,等待买家确认": PAID, "交易成功": PAID,
              "交易关闭": CLOSED, "交易取消": CANCELLED},
    customer_key="buyer",
)

WEIDIAN_ORDERS = Format(
    "weidian_orders", "weidian", "orders", "Weidian (微店) orders",
    signature=("订单号", "订单状态", "下单时间", "实付金额"),
    columns={"order_id": ("订单号",), "status": ("订单状态",), "created": ("下单时间",), "paid_time": ("付款时间",),
             "nickname": ("买家昵称", "买家姓名"), "phone": ("买家手机",), "paid": ("实付金额",),
             "refund": ("退款金额",), "item": ("商品名称",), "quantity": ("购买数量",),
             "channel": ("销售渠道",), "store": ("归属店铺",), "guide": ("销售导购",)},
    statuses={"待付款": UNPAID, "未付款": UNPAID, "待发货": PAID, "已发货": PAID, "已完成": PAID, "交易成功": PAID,
              "已关闭": CLOSED, "交易关闭": CLOSED, "已取消": CANCELLED, "已退款": REFUNDED},
    customer_key="phone_nickname",
)

YOUZAN_CUSTOMERS = Format(
    "youzan_customers", "youzan", "customers", "Youzan (有赞) customers",
    signature=("手机号", "消费次数", "消费金额", "上次消费时间"),
    columns={"name": ("客户姓名/昵称", "客户姓名", "昵称"), "phone": ("手机号",), "growth": ("成长值",),
             "level": ("免费等级",), "points": ("客户积分",), "balance": ("储值余额",), "orders": ("消费次数",),
             "spend": ("消费金额",), "last_order": ("上次消费时间",), "since": ("成为客户时间",)},
)

PRODUCT_COLUMNS = ("sku", "name", "category", "price", "cost", "stock", "monthly_sales", "favourites")
YOUZAN_PRODUCTS = Format(
    "youzan_products", "youzan", "products", "Youzan (有赞) products",
    signature=("商品名称", "商品编码", "商品分组", "价格"),
    columns={"sku": ("商品编码",), "name": ("商品名称",), "category": ("商品分组",), "price": ("价格",),
             "cost": ("成本价",), "stock": ("总库存", "库存"), "monthly_sales": ("30天销量", "月销量", "销量")},
)
QIANNIU_PRODUCTS = Format(
    "qianniu_products", "qianniu", "products", "Qianniu / Taobao (千牛) products",
    signature=("宝贝名称", "宝贝价格"),
    columns={"sku": ("商家编码", "宝贝ID"), "name": ("宝贝名称",), "category": ("宝贝类目", "店铺分类"),
             "price": ("宝贝价格",), "cost": ("成本价",), "stock": ("宝贝数量",), "monthly_sales": ("月销量", "30天销量"),
             "favourites": ("收藏人数",)},
)
WEIDIAN_PRODUCTS = Format(
    "weidian_products", "weidian", "products", "Weidian (微店) products",
    signature=("商品名称", "商品编号", "价格"),
    columns={"sku": ("商品编号",), "name": ("商品名称",), "category": ("商品分类", "分类"), "price": ("价格",),
             "cost": ("成本价",), "stock": ("库存",), "monthly_sales": ("月销量", "30天销量", "销量")},
)

PROJECT_ORDERS = ("customer_id", "order_date", "amount")
PROJECT_PRODUCTS = ("sku", "name", "price", "cost", "monthly_sales")
FORMATS = (YOUZAN_ORDERS, QIANNIU_ORDERS, WEIDIAN_ORDERS, YOUZAN_CUSTOMERS, YOUZAN_PRODUCTS, QIANNIU_PRODUCTS,
           WEIDIAN_PRODUCTS)
BY_KEY = {f.key: f for f in FORMATS}
PLATFORMS = ("youzan", "qianniu", "weidian")


FormatChoice = Literal["auto", "project", "youzan", "qianniu", "weidian"]


def format_field(file_key: str) -> object:
    """The params' `<file>_format:` beside a data file's path (the same choices for every file)."""
    return Annotated[FormatChoice, Field(
        description=f"what {file_key} is: auto (from its header row), project, or the platform whose back-office "
                    "exported it (youzan, qianniu for Taobao/Tmall, weidian)")]
