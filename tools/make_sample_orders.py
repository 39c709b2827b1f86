"""Generate a realistic, seeded order history for a sample merchant (and for benchmarks).

    python tools/make_sample_orders.py                       # data/samples/lily-orders.csv
    python tools/make_sample_orders.py --customers 20000 --out /tmp/orders.csv --seed 5

How customers behave (the "buy till you die" story the CLV model assumes, so the
sample exercises it honestly, with a long tail):
- customers arrive over the history, more of them in later years (the shop grew);
- each buys at her own rate λ ~ Gamma(shape 0.9, mean 1.6 orders a year) and,
  after every purchase, stops buying for good with probability p ~ Beta(0.7, 2.2):
  many buy once, a few keep coming back for years;
- her usual basket is a Gamma-distributed multiple of the shop's price points
  (women's shoes ¥199-¥899); 1 pair mostly, sometimes 2 or 3; occasional 10-20% off;
- channel: each customer has her own online propensity (about a quarter of orders are
  online); offline orders go to her usual store of the two (`S1 Jiefang Road`,
  `S2 Wanda Plaza`), sometimes the other one.
Same arguments and seed, same file (byte for byte).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PRICES = np.array([199, 259, 299, 329, 359, 399, 459, 529, 599, 699, 899], dtype=float)
STORES = np.array(["S1 Jiefang Road", "S2 Wanda Plaza"], dtype=object)


def generate_orders(customers: int = 10000, start: date = date(2023, 11, 1), end: date = date(2026, 10, 31),
                    seed: int = 2026, prefix: str = "L") -> pd.DataFrame:
    """Orders (customer_id, order_date, amount, channel, store), sorted by date then customer."""
    rng = np.random.default_rng(seed)
    span = (end - start).days + 1
    # arrivals: density rising linearly over the history (twice as many new customers at the end)
    u = rng.random(customers)
    arrival = np.floor(span * (np.sqrt(1 + 3 * u) - 1)).astype(np.int64)  # inverse CDF of f(t) ∝ 1 + t/span
    arrival = np.minimum(arrival, span - 1)
    rate = rng.gamma(0.9, 1.6 / 0.9, customers) / 365.0  # orders per day
    drop = rng.beta(0.7, 2.2, customers)
    window = span - arrival  # days from the first order to the end
    # repeat purchases while alive: Poisson arrivals in the window, cut at the dropout
    offered = rng.poisson(rate * (window - 1).clip(min=0))
    survive = rng.geometric(drop) - 1  # repeat purchases made before dropping out
    # the offered purchase days are uniform over the window; a customer who drops out
    # makes only the earliest `survive` of them
    owner = np.repeat(np.arange(customers), offered)
    when = 1 + np.floor(rng.random(len(owner)) * (window[owner] - 1).clip(min=1)).astype(np.int64)
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    starts = np.r_[0, np.cumsum(offered)[:-1]]
    rank = np.arange(len(owner)) - np.repeat(starts, offered)
    keep = rank < survive[owner]
    cust = np.r_[np.arange(customers), owner[keep]]
    day = np.r_[arrival, arrival[owner[keep]] + when[keep]]

    # spend: each customer's taste sets her usual price level; baskets of 1-3 pairs
    taste = rng.gamma(4.0, 0.25, customers)  # mean 1: price level multiplier
    level = np.clip(np.log(taste[cust]) * 2.2 + 4 + rng.normal(0, 1.4, len(cust)), 0, len(PRICES) - 1)
    price = PRICES[np.round(level).astype(int)]
    pairs = rng.choice([1, 2, 3], size=len(cust), p=[0.8, 0.17, 0.03])
    discount = rng.choice([1.0, 0.9, 0.8], size=len(cust), p=[0.7, 0.2, 0.1])
    amount = np.round(price * pairs * discount, 2)

    online_taste = rng.beta(1.0, 3.0, customers)
    online = rng.random(len(cust)) < online_taste[cust]
    home = rng.integers(0, 2, customers)
    other = rng.random(len(cust)) < 0.15
    store_idx = np.where(other, 1 - home[cust], home[cust])
    ids = np.array([f"{prefix}{i:06d}" for i in range(customers)], dtype=object)
    orders = pd.DataFrame({
        "customer_id": ids[cust],
        "order_date": (np.datetime64(start, "D") + day.astype("timedelta64[D]")).astype("datetime64[D]"),
        "amount": amount,
        "channel": np.where(online, "online", "offline"),
        "store": np.where(online, "", STORES[store_idx]),
    })
    orders = orders.sort_values(["order_date", "customer_id"], kind="stable").reset_index(drop=True)
    # two orders by one customer on one day in one store at one price would be a duplicate row: keep one
    return orders.drop_duplicates(ignore_index=True)


def write_csv(orders: pd.DataFrame, path: Path) -> None:
    out = orders.copy()
    out["order_date"] = pd.to_datetime(out["order_date"]).dt.strftime("%Y-%m-%d")
    out["amount"] = out["amount"].map(lambda v: f"{v:.2f}")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--customers", type=int, default=10000)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2023, 11, 1))
    ap.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 31))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "samples" / "lily-orders.csv")
    args = ap.parse_args(argv)
    orders = generate_orders(args.customers, args.start, args.end, args.seed)
    write_csv(orders, args.out)
    repeat = (orders.groupby("customer_id").size() > 1).mean()
    print(f"{args.out}: {len(orders):,} orders, {orders['customer_id'].nunique():,} customers, "
          f"{repeat:.0%} repeat buyers, revenue {orders['amount'].sum():,.2f}")


if __name__ == "__main__":
    main()
