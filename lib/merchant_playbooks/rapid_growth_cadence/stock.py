"""The cadence's products at each event: which ones (a price ladder or a showcase), the units each
draw sells, the stock to hold (P90) and the price cuts given away; ladders as DataFrames when asked."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import calendar as cal
from .products import ROLE_WEIGHT, ScoredCatalogue, featured_products, price_ladder
from .schema import Section


class LadderFrames(Mapping):
    """Each event's ladder as a DataFrame, made when first asked for: the plan itself reads the
    plain `ladder_columns` (a frame per event costs more than the rest of an event's numbers)."""

    def __init__(self, columns: dict[str, dict[str, list]]) -> None:
        self._columns = columns
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._frames:
            cols = self._columns[key]
            self._frames[key] = pd.DataFrame(cols) if cols else pd.DataFrame([])
        return self._frames[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def frames(columns: dict[str, dict[str, list]]) -> dict[str, pd.DataFrame]:
    """`{key: pd.DataFrame(cols)}` for tables with the same columns, built as one frame and cut apart.

    Pandas spends a fixed fraction of a millisecond per frame and column, so a dozen
    nine-row ladders cost much more apart than together. Each column holds values of one
    kind across tables (a ladder's stock comes from the catalogue's one stock column), so
    each part gets the type it would get alone; empty tables are left out.
    """
    keys = [k for k, cols in columns.items() if cols]
    if not keys:
        return {}
    names = list(columns[keys[0]])
    whole = pd.DataFrame({n: [v for k in keys for v in columns[k][n]] for n in names})
    out, start = {}, 0
    for k in keys:
        stop = start + len(columns[k][names[0]])
        part = whole.iloc[start:stop]
        part.index = pd.RangeIndex(stop - start)  # what reset_index(drop=True) gives, for less
        out[k] = part
        start = stop
    return out


_PICKS: OrderedDict[tuple, tuple[ScoredCatalogue, list[tuple[MappingProxyType, ...]]]] = OrderedDict()
_PICKS_KEPT = 16


def pick_products(catalogue: ScoredCatalogue, s: Section, events: list[cal.Event]) -> list[tuple]:
    """Each event's products in date order (a price ladder, or a theme event's showcase), rotating
    products from event to event; reused while the catalogue, the events and the ladder settings are
    the same (rows read-only)."""
    plan = tuple((e.discount, e.day.month if e.kind != "school_holiday" else e.sale_start.month) for e in events)
    key = (plan, s.ladder_size, s.draw_discount, s.value_discount, s.min_value_margin)
    hit = _PICKS.get(key)
    if hit is not None and hit[0] is catalogue:
        _PICKS.move_to_end(key)
        return list(hit[1])
    used: dict[str, int] = {}
    picks = []
    for discount, month in plan:
        if discount:
            picked = price_ladder(catalogue, month, s.ladder_size, s.draw_discount, s.value_discount,
                                  s.min_value_margin, used)
        else:
            picked = featured_products(catalogue, month, s.ladder_size, used)
        picks.append(tuple(MappingProxyType(row) for row in picked))
    _PICKS[key] = (catalogue, picks)
    if len(_PICKS) > _PICKS_KEPT:
        _PICKS.popitem(last=False)
    return list(picks)



def units_sold(ladder: list[dict], event_sales: np.ndarray, ladder_share: np.ndarray) -> np.ndarray:
    """Units of each ladder product each draw sells: (draws, products).

    The ladder's products take `ladder_share` of the event's sales, shared by
    their normal sales × how strongly their step sells (draw items most).
    """
    if not ladder:
        return np.zeros((len(event_sales), 0))
    price = np.array([float(row["event_price"]) for row in ladder])
    weight = (np.array([row["monthly_sales"] for row in ladder], dtype=float)
              * np.array([ROLE_WEIGHT.get(row["step"], 1.0) for row in ladder])) * price
    share = weight / weight.sum() if weight.sum() > 0 else np.full(len(ladder), 1 / len(ladder))
    return (event_sales * ladder_share)[:, None] * share[None, :] / price[None, :]


def ladder_stock(ladder: list[dict], units: np.ndarray, p50: np.ndarray, p90: np.ndarray
           ) -> tuple[dict[str, list], np.ndarray]:
    """The ladder as columns (its rows' fields, then units sold P50 and P90, the stock to hold (P90) and
    P(on-hand stock runs out)) and each draw's price cuts given away."""
    if not ladder:
        return {}, np.zeros(units.shape[0])
    columns = {name: [row[name] for row in ladder] for name in ladder[0]}
    columns["units_p50"] = p50
    columns["units_p90"] = p90
    columns["stock_needed"] = [math.ceil(x) for x in p90]
    # a share of draws, so exact whichever way it is added up
    known = [h is not None and not pd.isna(h) for h in columns["stock_on_hand"]]
    on_hand = np.array([h if k else np.inf for h, k in zip(columns["stock_on_hand"], known, strict=True)], dtype=float)
    runs_out = (units > on_hand[None, :]).mean(axis=0)
    columns["stockout_risk"] = [float(r) if k else float("nan") for r, k in zip(runs_out, known, strict=True)]
    price = np.array([float(x) for x in columns["event_price"]])
    cut = np.array([float(x) for x in columns["price"]]) - price
    return columns, units @ cut
