"""Widget latency: what one control change costs, for every playbook with a panel.

    python -m tests.bench_widgets       # also run by `make bench` (tests/bench.py calls every bench_*.py)

Prints `widget_update_ms <playbook> <median>`: the median wall-clock milliseconds of
`panel.Explorer.update()` — re-validating the values through the params schema,
the playbook's `build_plan` (on the panel's live-preview params), the KPI cards and
rules HTML and the main chart's spec — over every lever moved through values
never seen before (so no cached plan is reused). Target: at most 50 ms. Drawing the
chart as SVG happens after that, in the browser's turn; it is printed separately
as `widget_svg_ms <playbook> <median>` for information.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
TARGET_MS = 50


def sample_params(playbook: str):
    """The first sample params file with a valid section for `playbook`."""
    from merchant_playbooks.errors import ParamsError
    from merchant_playbooks.loading import load_params

    for path in sorted(PARAMS.glob("*.yaml")):
        try:
            mp = load_params(path)
        except ParamsError:
            continue
        if playbook in mp.sections:
            return mp.for_playbook(playbook), path
    return None, None


def next_values(control, value, steps: int = 3) -> list:
    """`steps` new values for a lever, moving away from where it is (never back to a value seen)."""
    from merchant_playbooks.schema import Range

    kind = control.kind
    if kind == "bool":
        return [not value]
    if kind == "choice":
        return [c for c in control.choices if c != value][:steps]
    if kind == "date":
        return [value + timedelta(days=i) for i in range(1, steps + 1)]
    if kind == "text":
        return [f"{value} {i}" for i in range(1, steps + 1)]
    if kind == "range":
        hi_bound = control.high if control.high is not None else value.high * 2 + 1
        out = []
        for i in range(1, steps + 1):
            f = 1 + 0.1 * i
            low, high = value.low * f, min(value.high * f, hi_bound)
            out.append(Range(low=round(min(low, high), 6), high=round(high, 6)))
        return out
    if kind == "optional" and control.choices:  # a dropdown: auto ("") or one of the choices
        return [c for c in ("", *control.choices) if c != ("" if value is None else str(value).lower())][:steps]
    if kind == "optional":  # a text box read by the schema; empty is "auto"
        base = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
        return [_plain(base + 10 * i) for i in range(1, steps + 1)]
    low = control.low if control.low is not None else 0
    high = control.high if control.high is not None else float(value) * 10 + 10
    out = []
    for i in range(1, steps + 1):
        if kind == "int":
            v = int(value) + i if int(value) + i <= high else int(value) - i
            if v < low:
                continue
        elif kind == "money":
            v = (Decimal(value) * (1 + Decimal("0.03") * i)).quantize(Decimal("0.01")) if value else Decimal(i)
        else:
            v = round(float(value) * (1 + 0.03 * i), 6) if value else float(i) / 10
        out.append(v)
    return out


def _plain(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def measure(playbook: str, repeat_warmup: int = 2) -> tuple[float, float, int] | None:
    """Median update and SVG milliseconds for one playbook, and how many changes were timed."""
    from merchant_playbooks.panel import Explorer, chart_svg, load_spec

    spec = load_spec(playbook)
    params, path = sample_params(playbook)
    if spec is None or params is None:
        return None
    x = Explorer(params, spec, path)
    for _ in range(repeat_warmup):  # imports, the first chart render, the libraries' own caches
        chart_svg(x.update().chart_spec)
    updates, svgs = [], []
    for control in x.controls:
        for value in next_values(control, x.values[control.path]):
            x.values[control.path] = x.coerce(control, value)
            started = time.perf_counter()
            update = x.update()
            elapsed = time.perf_counter() - started
            if not update.ok:  # a combination the schema rejects (e.g. floor above price): not a plan change
                continue
            updates.append(elapsed * 1000)
            if len(svgs) < 8:
                started = time.perf_counter()
                chart_svg(update.chart_spec)
                svgs.append((time.perf_counter() - started) * 1000)
    if not updates:
        return None
    return statistics.median(updates), statistics.median(svgs), len(updates)


def main() -> None:
    import merchant_playbooks.charts  # noqa: F401 - the theme and renderer, as in a notebook
    from merchant_playbooks import registry

    for playbook in registry.names():
        result = measure(playbook)
        if result is None:
            continue
        update_ms, svg_ms, n = result
        print(f"widget_update_ms {playbook} {update_ms:.1f}", flush=True)
        print(f"widget_svg_ms {playbook} {svg_ms:.1f}  ({n} changes timed, load average {os.getloadavg()[0]:.1f}; "
              f"widget_update_ms target: {TARGET_MS})", flush=True)


if __name__ == "__main__":
    main()
