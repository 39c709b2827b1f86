"""Sample handouts from a real batch run, opened in headless Chromium with networking disabled.

Checks what only a browser can: every chart drawn, no console errors, no network
request, no page-level horizontal scrolling at 390 px, print to PDF yields A4
pages. Leaves screenshots under `out/screenshots/` (cover-en.png, cover-zh.png,
phone-*.png, index.png) and the printed PDFs, for people to look at.

Chromium is Debian's (`tools/ensure_chromium.sh`, run by `make test`, installs it
when missing); Playwright drives it and never downloads a browser. One merchant
per language by default; HANDOUT_SAMPLES=all opens every sample merchant.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PARAMS, ROOT  # and the session's one browser, `chromium` (conftest.py)

SAMPLES = {"en": "bloom-household.yaml", "zh": "huayang-zh.yaml"}
SCREENSHOTS = ROOT / "out" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 960, "height": 1000}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3400-\u9fff]")
A4_POINTS = (595.3, 841.9)


ALL = os.environ.get("HANDOUT_SAMPLES") == "all"
BARGAINING = "first_event_bargaining"


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """A real batch run into a tmp folder: the bargaining playbook for one merchant per language
    (or, with HANDOUT_SAMPLES=all, every sample merchant's playbooks)."""
    out = tmp_path_factory.mktemp("handouts") / "out"
    inputs = [str(PARAMS)] if ALL else [*(str(PARAMS / name) for name in SAMPLES.values()), "--playbook", BARGAINING]
    proc = subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", "run", *inputs, "--out", str(out),
                           "-j", "2"], check=False, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    handouts = sorted(out.glob("*/*.html"))
    assert len(handouts) >= (len(list(PARAMS.glob("*.yaml"))) if ALL else len(SAMPLES))
    return out, handouts


class Opened:
    """A page with what it said on the console and what it asked the network for."""

    def __init__(self, context, path: Path, viewport: dict) -> None:
        self.page = context.new_page()
        self.page.set_viewport_size(viewport)
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"requestfailed: {r.url}"))
        before = len(context.requests)
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        self.network = context.requests[before:]

    def __enter__(self):
        return self

    def __exit__(self, *_: object) -> None:
        self.page.close()


def _lang(handout: Path) -> str:
    return "zh" if 'lang="zh' in handout.read_text(encoding="utf-8")[:300] else "en"


@pytest.fixture(scope="session")
def handouts(batch):
    return batch[1]


def test_every_handout_is_light_and_self_contained(handouts):
    for path in handouts:
        page = path.read_text(encoding="utf-8")
        assert len(page.encode()) < 1_000_000, path
        assert "<script" not in page.lower() and "<link" not in page.lower(), path


def test_handouts_render_every_chart_without_console_errors_or_network(chromium, handouts):
    for path in handouts:
        with Opened(chromium, path, DESKTOP) as o:
            charts = o.page.evaluate("""() => [...document.querySelectorAll('figure.mp-chart svg')].map(svg => {
                const box = svg.getBoundingClientRect();
                return {w: box.width, h: box.height, marks: svg.querySelectorAll('path, rect, line, circle').length,
                        text: [...svg.querySelectorAll('text')].map(t => t.textContent).join(' ')};
            })""")
            assert len(charts) >= (3 if path.stem == BARGAINING else 1), path
            for chart in charts:
                assert chart["w"] > 200 and chart["h"] > 100 and chart["marks"] > 5 and chart["text"].strip(), chart
            assert o.errors == [] and o.network == [], (path, o.errors, o.network)
            broken = o.page.evaluate("""() => [...document.querySelectorAll('.mp-contents a')]
                .map(a => a.getAttribute('href')).filter(h => !document.querySelector(h))""")
            assert broken == []
            assert 3 <= o.page.locator("header.mp-cover .mp-kpi").count() <= 5


def test_handout_text_and_charts_are_in_the_merchants_language(chromium, handouts):
    for path in handouts:
        lang = _lang(path)
        with Opened(chromium, path, DESKTOP) as o:
            text = o.page.evaluate("""() => {
                const main = document.querySelector('main').cloneNode(true);
                main.querySelectorAll('footer, .mp-colophon').forEach(el => el.remove());
                return main.textContent;
            }""")
            names = o.page.evaluate("() => document.querySelector('h1.mp-merchant').textContent + ' ' + "
                                    "document.querySelector('.mp-cover-title').textContent")
        if lang == "zh":
            foreign = set(LATIN_WORD.findall(text)) - set(LATIN_WORD.findall(names))
            assert not foreign, (path, sorted(foreign))
        else:
            assert not set(CJK.findall(text)) - set(CJK.findall(names)), path


def test_phone_width_has_no_page_level_horizontal_scrolling(chromium, handouts):
    for path in handouts:
        with Opened(chromium, path, PHONE) as o:
            layout = o.page.evaluate("""() => {
                const inScrollBox = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                    if (getComputedStyle(p).overflowX === 'auto') return true; } return false; };
                // an SVG clips what it draws to its own box: check the svg element, not the marks inside
                const boxes = [...document.querySelectorAll('main *')].filter(el => !el.parentElement.closest('svg'));
                const sticking = boxes.filter(el => {
                    const r = el.getBoundingClientRect();
                    return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5) && !inScrollBox(el);
                }).map(el => el.tagName + '.' + el.getAttribute('class'));
                const wraps = [...document.querySelectorAll('.mp-table-wrap')];
                return {scroll: document.documentElement.scrollWidth, inner: innerWidth, sticking,
                        scrollBoxes: wraps.filter(w => w.scrollWidth > w.clientWidth + 1).length,
                        font: parseFloat(getComputedStyle(document.querySelector('.mp-section p')).fontSize),
                        charts: [...document.querySelectorAll('.mp-chart svg')].map(s => s.getBoundingClientRect().right)};
            }""")
            assert layout["scroll"] <= layout["inner"] == PHONE["width"], (path, layout)
            assert layout["sticking"] == [], (path, layout["sticking"][:5])
            if path.stem == BARGAINING:  # its decision table is wider than a phone: it scrolls in its own box
                assert layout["scrollBoxes"] >= 1
            assert layout["font"] >= 14
            assert all(right <= PHONE["width"] for right in layout["charts"])
            if path == handouts[0] or _lang(path) != _lang(handouts[0]):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                o.page.screenshot(path=str(SCREENSHOTS / f"phone-{_lang(path)}.png"))


def test_cover_screenshot_in_each_language(chromium, handouts):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = {}
    for path in handouts:
        lang = _lang(path)
        if lang in taken:
            continue
        with Opened(chromium, path, DESKTOP) as o:
            shot = SCREENSHOTS / f"cover-{lang}.png"
            o.page.locator("header.mp-cover").screenshot(path=str(shot))
            taken[lang] = shot
    assert set(taken) == {"en", "zh"}
    assert all(p.stat().st_size > 20_000 for p in taken.values())


def test_printing_to_pdf_yields_a4_pages_with_the_cover_alone_on_the_first(chromium, handouts):
    for path in handouts:
        with Opened(chromium, path, DESKTOP) as o:
            o.page.emulate_media(media="print")
            styles = o.page.evaluate("""() => ({
                cover: getComputedStyle(document.querySelector('.mp-cover')).breakAfter,
                charts: [...document.querySelectorAll('.mp-chart')].map(c => getComputedStyle(c).breakInside),
                breaks: [...document.querySelectorAll('.mp-section')].map(s => getComputedStyle(s).breakBefore),
                scrolling: [...document.querySelectorAll('.mp-table-wrap')].map(w => getComputedStyle(w).overflowX),
                colophon: getComputedStyle(document.querySelector('.mp-cover .mp-colophon')).display,
            })""")
            pdf = o.page.pdf(prefer_css_page_size=True, print_background=True)
            assert styles["cover"] == "page" and styles["colophon"] == "block"  # date and params file on paper
            # charts kept whole; no section forced onto a new page (that left pages half empty)
            assert set(styles["charts"]) == {"avoid"} and set(styles["breaks"]) == {"auto"}
            assert set(styles["scrolling"]) == {"visible"}  # printed tables show every column
            pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
            boxes = {tuple(round(float(v), 1) for v in m) for m in
                     re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)}
            assert pdf.startswith(b"%PDF") and len(pages) >= 4, (path, len(pages))
            assert boxes and all(abs(w - A4_POINTS[0]) < 1.5 and abs(h - A4_POINTS[1]) < 1.5 for w, h in boxes), boxes
            if path == handouts[0] or _lang(path) != _lang(handouts[0]):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                (SCREENSHOTS / f"handout-{_lang(path)}.pdf").write_bytes(pdf)


def test_portfolio_index_opens_offline_and_links_every_output(chromium, batch):
    out, handouts = batch
    index = out / "index.html"
    with Opened(chromium, index, PHONE) as o:
        assert o.errors == [] and o.network == []
        assert o.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        hrefs = o.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        merchants = len({h.parent for h in handouts})
        assert o.page.locator("article.merchant").count() == merchants
        assert o.page.locator(".stage:not(.none)").count() == merchants
        o.page.set_viewport_size(DESKTOP)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        o.page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
    assert len(hrefs) == 5 * len(handouts)  # handout, notebook, plan.json, xlsx, ics
    assert all((out / h).is_file() for h in hrefs), hrefs
