"""The product catalogue: reading it, scoring "potential" products, and each event's price ladder.

Source 003: choose seasonal products, best sellers and "potential" products — long
page dwell time, high click-through, many consultations, many favourites, fast
sales growth, low bounce rate — and price in a gradient: low-price draw items
that pull people in, value items, and normal-price items (at least one high-priced).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from .. import shop_exports
from ..csvfile import read_csv_cells
from ..errors import DataFileError
from ..shop_exports.products import catalogue_cells

REQUIRED = ("sku", "name", "category", "price", "cost", "monthly_sales", "dwell_time", "click_through",
            "consultations", "favourites", "sales_growth", "bounce_rate")
OPTIONAL = ("season", "stock")
SEASONS = ("all", "spring", "summer", "autumn", "winter")
SIGNALS = ("dwell_time", "click_through", "consultations", "favourites", "sales_growth", "bounce_rate")
# a low bounce rate is good: its rank is reversed
LOWER_IS_BETTER = {"bounce_rate"}
HOT_SHARE = 0.2  # the best-selling fifth of the catalogue are its hot products
POTENTIAL_SHARE = 0.25  # the best-scoring quarter of the rest are "potential"
ROLE_WEIGHT = {"draw": 3.0, "value": 2.0, "normal": 1.0}  # how much each step sells per unit of normal sales
DIME = Decimal("0.1")
CENT = Decimal("0.01")


def read_catalogue(path: Path, shown: str | None = None, fmt: str = "auto") -> pd.DataFrame:
    """Read and check a catalogue CSV; every bad cell is named by row (the file's line) and column.

    A shop's product export (Youzan, Qianniu, Weidian) is read as downloaded: detected from
    its header unless `fmt` (the params' `catalogue_format`) says (shop_exports/products.py).

    A file read before and unchanged since (same path, modification time and size) is not
    read again: the caller gets its own copy of the checked rows.
    """
    key = _file_key(path)
    if key is None:  # missing, a folder, unreadable: the reader names the problem
        return _read_catalogue(path, shown, fmt)
    return _read_cached(*key, shown, fmt).copy()


def _file_key(path: Path) -> tuple[str, int, int] | None:
    try:
        st = Path(path).stat()
    except OSError:
        return None
    import stat

    if not stat.S_ISREG(st.st_mode):
        return None
    return str(Path(path).resolve()), st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=8)
def _read_cached(path: str, _mtime_ns: int, _size: int, shown: str | None, fmt: str = "auto") -> pd.DataFrame:
    return _read_catalogue(Path(path), shown, fmt)


def _from_export(raw: pd.DataFrame, shown: str, fmt: str) -> pd.DataFrame:
    """A platform's product export in the catalogue's columns; the project's own CSV as it is."""
    platform = shop_exports.detect(list(raw.columns), shown, "products", fmt)
    return raw if platform is None else catalogue_cells(raw, platform, shown)[0]


def _read_catalogue(path: Path, shown: str | None = None, fmt: str = "auto") -> pd.DataFrame:
    shown = shown or str(path)
    raw = read_csv_cells(path, shown, header=",".join(REQUIRED), first_line="row 1",
                         not_found="file not found (catalogue is relative to the params file)")
    raw = _from_export(raw, shown, fmt)
    raw.columns = [c.strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataFileError(shown, [f"missing column(s): {', '.join(missing)} (expected {', '.join(REQUIRED)})"])
    if raw.empty:
        raise DataFileError(shown, ["has no products"])
    problems: list[str] = []
    rows = []
    for i, rec in enumerate(raw.to_dict(orient="records")):
        line = i + 2  # the header is line 1
        row: dict = {}

        def bad(col: str, msg: str, _line: int = line, _rec: dict = rec) -> None:
            problems.append(f"row {_line}, column {col}: {_rec.get(col, '')!r} {msg}")

        for col in ("sku", "name", "category"):
            row[col] = str(rec[col]).strip()
            if not row[col]:
                bad(col, "must not be empty")
        for col in ("price", "cost"):
            try:
                value = Decimal(str(rec[col]).strip())
                if not value.is_finite() or value < 0 or (col == "price" and value == 0):
                    raise InvalidOperation
                row[col] = value.quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                bad(col, "must be an amount above 0" if col == "price" else "must be an amount of 0 or more")
        for col, lo, hi in (("monthly_sales", 0, None), ("dwell_time", 0, None), ("click_through", 0, 1),
                            ("consultations", 0, None), ("favourites", 0, None), ("sales_growth", -1, None),
                            ("bounce_rate", 0, 1)):
            try:
                value = float(str(rec[col]).strip())
                if not math.isfinite(value) or value < lo or (hi is not None and value > hi):
                    raise ValueError
                row[col] = value
            except ValueError:
                bad(col, f"must be a number from {lo}" + (f" to {hi}" if hi is not None else " up"))
        season = str(rec.get("season", "all") or "all").strip().lower()
        if season not in SEASONS:
            bad("season", f"must be one of {', '.join(SEASONS)}")
        row["season"] = season
        stock = str(rec.get("stock", "")).strip()
        try:
            row["stock"] = int(stock) if stock else None
            if row["stock"] is not None and row["stock"] < 0:
                raise ValueError
        except ValueError:
            bad("stock", "must be a whole number of 0 or more (or empty)")
        rows.append(row)
    if "cost" in raw.columns:
        for i, row in enumerate(rows):
            if "price" in row and "cost" in row and row["cost"] > row["price"]:
                problems.append(f"row {i + 2}, column cost: {row['cost']} must not exceed price ({row['price']})")
    dup = raw["sku"].str.strip()
    for sku in sorted(set(dup[dup.duplicated()])):
        problems.append(f"column sku: {sku!r} appears more than once")
    if problems:
        raise DataFileError(shown, problems)
    return pd.DataFrame(rows)


def score_products(df: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Each product's potential score (0-1): the weighted mean of its percentile rank on the six signals.

    Ranks make signals on different scales comparable and keep one outlier from
    dominating; ties share a rank. Roles: the best-selling fifth are "hot"; the
    best-scoring quarter of the others are "potential"; the rest "regular".
    """
    out = df.copy()
    total = sum(weights.get(s, 0.0) for s in SIGNALS)
    score = pd.Series(0.0, index=out.index)
    for s in SIGNALS:
        w = weights.get(s, 0.0)
        if w:
            rank = out[s].rank(pct=True, ascending=s not in LOWER_IS_BETTER)
            score += w * rank
    out["score"] = (score / total).round(6)
    n = len(out)
    sales_rank = out["monthly_sales"].rank(ascending=False, method="first")
    hot = sales_rank <= max(1, round(n * HOT_SHARE))
    out["role"] = "regular"
    out.loc[hot, "role"] = "hot"
    rest = out[~hot].sort_values(["score", "sku"], ascending=[False, True])
    out.loc[rest.index[: max(1, round(len(rest) * POTENTIAL_SHARE))], "role"] = "potential"
    return out


def season_of(month: int) -> str:
    """The catalogue's season for a month; November already sells winter goods."""
    return {11: "winter", 12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer"}.get(month, "autumn")


@dataclass(frozen=True)
class Pool:
    """The products a season can sell (in season or all-season), with what every ladder reads of them."""

    products: tuple[MappingProxyType, ...]  # the catalogue's rows, read-only
    popular: tuple[float, ...]  # percentile rank of monthly sales within the pool
    price: tuple[float, ...]
    lead: tuple[float, ...]  # 1 for hot and potential products
    cheap_cut: float  # the pool's price at one third and two thirds
    dear_cut: float


@dataclass(frozen=True)
class ScoredCatalogue:
    """A catalogue scored with one set of signal weights, and its per-season pools; never changed once made."""

    _frame: pd.DataFrame
    pools: MappingProxyType  # season -> Pool
    unit_price: float  # the sales-weighted price
    sales_value: float  # a month's sales at list prices
    ranked: tuple[MappingProxyType, ...]  # every product, best potential score first (ties: lower SKU)
    potential: tuple[str, ...]  # the potential products' SKUs, in catalogue order

    def frame(self) -> pd.DataFrame:
        """The scored products (a copy: the cached one stays as it was)."""
        return self._frame.copy()


def scored_catalogue(path: Path, shown: str | None, weights: dict[str, float], fmt: str = "auto"
                     ) -> ScoredCatalogue:
    """`score_products(read_catalogue(path), weights)` with its season pools, cached while the file is unchanged."""
    key = _file_key(path)
    items = tuple(sorted(weights.items()))
    if key is None:
        return _scored(read_catalogue(path, shown, fmt), items)
    return _scored_cached(*key, shown, items, fmt)


@functools.lru_cache(maxsize=16)
def _scored_cached(path: str, mtime_ns: int, size: int, shown: str | None,
                   weights: tuple[tuple[str, float], ...], fmt: str = "auto") -> ScoredCatalogue:
    return _scored(_read_cached(path, mtime_ns, size, shown, fmt), weights)


def _scored(df: pd.DataFrame, weights: tuple[tuple[str, float], ...]) -> ScoredCatalogue:
    frame = score_products(df, dict(weights))
    pools = {}
    for season in SEASONS[1:]:
        pool = frame[frame["season"].isin(("all", season))]
        prices = pool["price"].astype(float)
        pools[season] = Pool(
            products=_rows(pool),
            popular=tuple(pool["monthly_sales"].rank(pct=True).tolist()),
            price=tuple(prices.tolist()),
            lead=tuple(pool["role"].isin(("hot", "potential")).astype(float).tolist()),
            cheap_cut=prices.quantile(1 / 3),
            dear_cut=prices.quantile(2 / 3),
        )
    units = frame["monthly_sales"].astype(float)
    prices = frame["price"].astype(float)
    unit_price = float((prices * units).sum() / units.sum()) if units.sum() > 0 else float(prices.mean())
    ranked = frame.sort_values(["score", "sku"], ascending=[False, True])
    return ScoredCatalogue(frame, MappingProxyType(pools), unit_price, float((prices * units).sum()),
                           _rows(ranked), tuple(frame.loc[frame["role"] == "potential", "sku"]))


def _rows(df: pd.DataFrame) -> tuple[MappingProxyType, ...]:
    """A frame's rows as read-only mappings (the values pandas' own rows hold: str, Decimal, float, int)."""
    return tuple(MappingProxyType(r) for r in df.to_dict(orient="records"))


def price_ladder(catalogue: ScoredCatalogue, month: int, size: int, draw_discount: float, value_discount: float,
                 min_value_margin: float, used: dict[str, int]) -> list[dict]:
    """An event's ladder: `size` draw items, `size` value items and `size` normal-price items.

    In season (or all-season) products only. Draw items: the cheapest third,
    best sellers first, cut by `draw_discount` but never below cost. Value items:
    potential and hot products in the middle, cut by `value_discount` keeping
    `min_value_margin` over cost. Normal price: the dearest of the rest at full price,
    the dearest of all among them. `used` counts earlier events' picks so
    products rotate from event to event (it is updated). One row per product.

    A catalogue has tens of products, so this is plain Python over the season's pool:
    ties in a sort key go to the lower SKU.
    """
    pool = catalogue.pools[season_of(month)]
    products = pool.products
    fresh = [1.0 / (1 + used.get(p["sku"], 0)) for p in products]
    taken: set[str] = set()
    picks: list[tuple[str, MappingProxyType]] = []

    def pick(role: str, members: list[int], key: list[float], n: int = size) -> None:
        order = sorted((i for i in members if products[i]["sku"] not in taken),
                       key=lambda i: (-key[i], products[i]["sku"]))
        for i in order[:max(n, 0)]:
            taken.add(products[i]["sku"])
            picks.append((role, products[i]))

    everyone = range(len(products))
    cheap = [i for i in everyone if pool.price[i] <= pool.cheap_cut]
    pick("draw", cheap, [pool.popular[i] * fresh[i] for i in everyone])
    middle = [i for i in everyone if pool.price[i] < pool.dear_cut]
    pick("value", middle, [(p["score"] + 0.5 * pool.lead[i]) * fresh[i] for i, p in enumerate(products)])
    normal = [i for i in everyone if pool.price[i] >= pool.cheap_cut]
    # source 003: at least one of the normal-price items must be high-priced — the dearest goes first
    pick("normal", normal, list(pool.price), n=1)
    pick("normal", normal, [(p["score"] + pool.popular[i]) * fresh[i] for i, p in enumerate(products)], n=size - 1)

    rows = []
    for role, row in picks:
        price, cost = row["price"], row["cost"]
        # by text: 12.9 and 12.90 are equal Decimals (one cache entry) but not the same price to print
        event_price = _event_price(role, str(price), str(cost), draw_discount, value_discount, min_value_margin)
        used[row["sku"]] = used.get(row["sku"], 0) + 1
        rows.append({"step": role, "sku": row["sku"], "product": row["name"], "category": row["category"],
                     "tag": row["role"], "price": price, "event_price": event_price, "cost": cost,
                     "margin": event_price - cost, "monthly_sales": row["monthly_sales"],
                     "stock_on_hand": row["stock"]})
    return rows


@functools.lru_cache(maxsize=1024)
def _event_price(role: str, price_text: str, cost_text: str, draw_discount: float, value_discount: float,
                 min_value_margin: float) -> Decimal:
    """A ladder step's price (the same products come back event after event: worked out once)."""
    price, cost = Decimal(price_text), Decimal(cost_text)
    if role == "draw":
        event_price = max(_dime_down(price * Decimal(str(1 - draw_discount))), _dime_up(cost))
    elif role == "value":
        floor = _dime_up(cost * Decimal(str(1 + min_value_margin)))
        event_price = max(_dime_down(price * Decimal(str(1 - value_discount))), floor)
    else:
        event_price = price
    return min(max(event_price, CENT), price)  # under 0.10 a dime price would be free


def _dime_down(x: Decimal) -> Decimal:
    return x.quantize(DIME, rounding=ROUND_FLOOR).quantize(Decimal("0.01"))


def _dime_up(x: Decimal) -> Decimal:
    return x.quantize(DIME, rounding=ROUND_CEILING).quantize(Decimal("0.01"))


def featured_products(catalogue: ScoredCatalogue, month: int, size: int, used: dict[str, int]) -> list[dict]:
    """A theme event's showcase (no price cuts): in-season potential and hot products, rotated."""
    pool = catalogue.pools[season_of(month)]
    products = pool.products
    key = [(p["score"] + 0.5 * pool.lead[i]) * (1.0 / (1 + used.get(p["sku"], 0))) for i, p in enumerate(products)]
    order = sorted(range(len(products)), key=lambda i: (-key[i], products[i]["sku"]))
    rows = []
    for i in order[:max(size, 0)]:
        row = products[i]
        used[row["sku"]] = used.get(row["sku"], 0) + 1
        rows.append({"step": "featured", "sku": row["sku"], "product": row["name"], "category": row["category"],
                     "tag": row["role"], "price": row["price"], "event_price": row["price"], "cost": row["cost"],
                     "margin": row["price"] - row["cost"], "monthly_sales": row["monthly_sales"],
                     "stock_on_hand": row["stock"]})
    return rows
