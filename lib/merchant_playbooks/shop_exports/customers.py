"""A Youzan customer list (客户导出): the shop's own totals per customer, summarised.

A customer list has each customer's count and sum of purchases and the last one, not the
orders themselves: RFM and CLV need the order export. It tells the consultant what the
merchant section should say (`merchant.fans`, `merchant.repeat_rate`) and how the shop's
own levels are filled.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import DataFileError
from .formats import Format


@dataclass(frozen=True)
class CustomerList:
    customers: int
    buyers: int  # customers with at least one purchase
    repeat_buyers: int  # with more than one
    spend: float
    first_seen: pd.Timestamp | None  # earliest 成为客户时间
    last_order: pd.Timestamp | None  # latest 上次消费时间
    levels: dict[str, int]  # 免费等级 -> customers


def summarise(raw: pd.DataFrame, fmt: Format, source: str) -> CustomerList:
    cols = fmt.find(list(raw.columns))
    df = raw[list(cols.values())].set_axis(list(cols), axis=1)
    if df.empty:
        raise DataFileError(source, ["has a header but no customers"])
    numbers = {}
    for col in ("orders", "spend"):
        text = df[col].str.replace(r"[,¥￥\s]", "", regex=True)
        values = pd.to_numeric(text.where(text != "", "0"), errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            i = int(bad.argmax())
            raise DataFileError(source, [f"line {i + 2}: {fmt.columns[col][0]} = {df[col].iloc[i]!r} is not a number"])
        numbers[col] = values
    dates = {c: pd.to_datetime(df[c], format="mixed", errors="coerce") if c in df.columns else pd.Series(dtype=object)
             for c in ("since", "last_order")}
    levels = df["level"].value_counts().sort_index().to_dict() if "level" in df.columns else {}
    return CustomerList(len(df), int((numbers["orders"] > 0).sum()), int((numbers["orders"] > 1).sum()),
                        float(numbers["spend"].sum()), dates["since"].min() if len(dates["since"]) else None,
                        dates["last_order"].max() if len(dates["last_order"]) else None,
                        {str(k): int(v) for k, v in levels.items() if k})
