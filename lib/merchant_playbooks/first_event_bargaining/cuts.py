"""The cut schedule: how much each helper cuts, in exact money that adds up to the cent."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

CENT = Decimal("0.01")


def cut_schedule(
    original: Decimal,
    floor: Decimal,
    helpers: int,
    style: str = "decreasing",
    seed: int = 0,
    max_multiple: float = 4.0,
) -> list[Decimal]:
    """The amount each of `helpers` friends cuts, largest first, summing exactly to original − floor.

    Works in fen (cents): every helper cuts at least 0.01; "decreasing" splits the
    rest by weights N, N−1 … 1 and scatters leftover fen to the first helpers;
    "random" draws double-average cuts (each ~ U(1 fen, 2 × remaining ÷ helpers left),
    the last takes the rest), sorts them largest first and caps any cut at
    `max_multiple` × the average.
    """
    gap = int(((original - floor) / CENT).to_integral_value())
    if helpers < 1:
        raise ValueError("helpers must be at least 1")
    if gap < helpers:
        raise ValueError(f"a gap of {gap} fen cannot give {helpers} helpers at least 1 fen each")
    if style == "decreasing":
        fen = _decreasing_fen(gap, helpers)
    elif style == "random":
        fen = _random_fen(gap, helpers, seed, max_multiple)
    else:
        raise ValueError(f"unknown cut style {style!r}")
    assert sum(fen) == gap
    return [Decimal(f) * CENT for f in fen]


def _decreasing_fen(gap: int, n: int) -> list[int]:
    rest = gap - n
    weights = np.arange(n, 0, -1, dtype=np.int64)
    total = int(weights.sum())
    share = [rest * int(w) // total for w in weights]
    leftover = rest - sum(share)
    return [1 + s + (1 if i < leftover else 0) for i, s in enumerate(share)]


def _random_fen(gap: int, n: int, seed: int, max_multiple: float) -> list[int]:
    rng = np.random.default_rng(seed)
    remaining, cuts = gap, []
    for left in range(n, 1, -1):
        upper = max(1, (2 * remaining) // left)
        # leave at least 1 fen for each later helper
        upper = min(upper, remaining - (left - 1))
        cut = int(rng.integers(1, upper + 1))
        cuts.append(cut)
        remaining -= cut
    cuts.append(remaining)
    cuts.sort(reverse=True)
    cap = max(1, int(np.ceil(max_multiple * gap / n)))
    # move any excess above the cap to the smallest cuts, one fen at a time in bulk
    excess = sum(max(0, c - cap) for c in cuts)
    cuts = [min(c, cap) for c in cuts]
    i = n - 1
    while excess:
        room = cap - cuts[i]
        give = min(room, excess)
        cuts[i] += give
        excess -= give
        i = i - 1 if i > 0 else n - 1
    cuts.sort(reverse=True)
    return cuts

