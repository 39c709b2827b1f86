"""Measure how legible the handouts are where merchants read them: on a phone at 390 px and on A4.

For every handout under an output folder (`playbooks run params --out OUT`), opens it in
headless Chromium (Debian's, offline) and records, per handout:

- `min_text_px` — the smallest chart text as rendered at 390 px: each SVG text's computed
  font size times the scale its SVG is drawn at (an SVG shrunk to the column shrinks its text);
- `outside` — chart texts whose box pokes out of their chart's SVG box (at 390 px and on A4),
  which the SVG clips: "…red points: outside th";
- `overlaps` — pairs of texts in one chart whose boxes intersect (ticks on top of each other);
- `pages` — A4 pages printed (`page.pdf`, counting `/Type /Page` objects);
- `kb` — the file's size in KB (1000 bytes).

    python tools/measure_handouts.py OUT [--json figures.json] [--screenshots DIR]

With `--screenshots DIR` (`make demo` passes `out/screenshots`) it also leaves, per handout,
`<merchant>-<playbook>-390.png` (the phone's screen at the handout's first chart) and
`<merchant>-<playbook>-a4-p2.pdf` (its second printed page, the first after the cover).

tests/test_handout_legibility.py asserts on the same figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

PHONE = {"width": 390, "height": 844}
# A4 less the 14 mm side margins (182 mm at 96 px per inch): the width a printed chart gets
PRINT = {"width": 688, "height": 1000}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")

# Per chart: its texts' scaled font sizes, the texts outside its box, the pairs of texts that overlap.
MEASURE_JS = """() => [...document.querySelectorAll('figure.mp-chart svg')].map((svg, index) => {
    const box = svg.getBoundingClientRect();
    const viewWidth = svg.viewBox.baseVal && svg.viewBox.baseVal.width || box.width;
    const scale = box.width / viewWidth;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
        .map(t => ({text: t.textContent.trim(), r: t.getBoundingClientRect(),
                    size: parseFloat(getComputedStyle(t).fontSize) * scale}))
        .filter(t => t.r.width > 0 && t.r.height > 0);
    const tol = 0.5;
    const outside = texts.filter(t => t.r.left < box.left - tol || t.r.right > box.right + tol
                                   || t.r.top < box.top - tol || t.r.bottom > box.bottom + tol).map(t => t.text);
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1 && w * h > 0.1 * Math.min(a.width * a.height, b.width * b.height))
            overlaps.push([texts[i].text, texts[j].text]);
    }
    const smallest = texts.reduce((m, t) => t.size < m.size ? t : m, {size: Infinity, text: ''});
    return {index, width: box.width, scale, min: smallest.size, minText: smallest.text, outside, overlaps,
            ellipsis: texts.filter(t => t.text.endsWith('…')).map(t => t.text)};
})"""


def handouts(out: Path) -> list[Path]:
    return sorted(p.resolve() for p in out.glob("*/*.html") if p.name != "index.html")


@contextmanager
def browser(profile: Path):
    """Debian's Chromium, headless and offline, in a new profile (as tests/test_handout_browser.py opens it)."""
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not exe:
        raise SystemExit("Chromium is missing: run tools/ensure_chromium.sh")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=exe, headless=True,
                                                       args=FLAGS, offline=True, viewport=PHONE)
        context.route(re.compile(r"^(https?|wss?|ftp):"), lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


def _charts(page, viewport: dict) -> list[dict]:
    page.set_viewport_size(viewport)
    return page.evaluate(MEASURE_JS)


def measure(context, path: Path, screenshots: Path | None = None) -> dict:
    """The figures of one handout (see the module's docstring); screenshots into `screenshots` if given."""
    page = context.new_page()
    name = f"{path.parent.name}-{path.stem}"
    try:
        page.set_viewport_size(PHONE)
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        phone = _charts(page, PHONE)
        if screenshots is not None:
            page.evaluate("document.querySelector('figure.mp-chart')?.scrollIntoView()")
            page.screenshot(path=str(screenshots / f"{name}-390.png"))
        page.emulate_media(media="print")
        paper = _charts(page, PRINT)
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        if screenshots is not None:
            page.pdf(path=str(screenshots / f"{name}-a4-p2.pdf"), prefer_css_page_size=True,
                     print_background=True, page_ranges="2")
    finally:
        page.close()
    return {
        "handout": f"{path.parent.name}/{path.stem}",
        "charts": len(phone),
        "min_text_px": round(min((c["min"] for c in phone), default=float("inf")), 1),
        "min_text": min(phone, key=lambda c: c["min"])["minText"] if phone else "",
        "min_text_print_px": round(min((c["min"] for c in paper), default=float("inf")), 1),
        "outside": sorted({t for c in phone + paper for t in c["outside"]}),
        "overlaps": sorted({" / ".join(pair) for c in phone + paper for pair in c["overlaps"]}),
        "ellipsis": sorted({t for c in phone + paper for t in c["ellipsis"]}),
        "pages": len(PAGE.findall(pdf)),
        "kb": round(path.stat().st_size / 1000, 1),
    }


def measure_all(out: Path, profile: Path, screenshots: Path | None = None) -> list[dict]:
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
    with browser(profile) as context:
        return [measure(context, path, screenshots) for path in handouts(out)]


def table(rows: list[dict]) -> str:
    lines = ["| handout | min chart text px (390) | overlaps | outside | ellipsis | pages | KB |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r['handout']} | {r['min_text_px']} | {len(r['overlaps'])} | {len(r['outside'])} | "
              f"{len(r['ellipsis'])} | {r['pages']} | {r['kb']} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="a `playbooks run` output folder")
    parser.add_argument("--json", type=Path, help="also write every figure (with the texts) here")
    parser.add_argument("--screenshots", type=Path, help="leave a 390 px screenshot and a printed page per handout here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as profile:
        rows = measure_all(args.out, Path(profile), args.screenshots)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
