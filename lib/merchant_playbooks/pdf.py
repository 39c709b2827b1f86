"""`playbooks run --pdf`: each handout also printed to an A4 PDF (`<playbook>.pdf` beside it).

The same headless Chromium the browser tests use (Debian's `chromium`, installed by
`tools/ensure_chromium.sh`, or `CHROMIUM=/path/to/chrome`), driven by Playwright, offline (a
handout needs nothing from the network; any request is refused), with the handout's own print
rules: `@page` A4 from its stylesheet, print media, backgrounds on. A PDF is written to the
staging folder and moved into place whole; one already newer than its handout is kept.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

from .errors import UserError
from .outfolder import staging_root
from .outputs import install_file

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NETWORK = re.compile(r"^(https?|wss?|ftp):")


class PdfUnavailable(UserError):
    """--pdf cannot run here: no Chromium, or no Playwright to drive it."""


def chromium() -> str:
    """The Chromium to print with; PdfUnavailable saying how to get one when there is none."""
    named = os.environ.get("CHROMIUM")
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        raise PdfUnavailable(f"--pdf: CHROMIUM={named} is not an executable file")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PdfUnavailable("--pdf needs Chromium to print the handouts: run tools/ensure_chromium.sh "
                             "(Debian's chromium) or set CHROMIUM=/path/to/chrome; nothing was run")
    try:
        import playwright.sync_api  # noqa: F401 - only checking that it is there
    except ImportError:
        raise PdfUnavailable("--pdf needs the playwright package to drive Chromium: "
                             "pip install playwright (make setup installs it); nothing was run") from None
    return found


def print_handouts(out: Path, results: list, log=print) -> int:
    """Print every finished handout of `results` (runner.Result, ok or skipped) to its PDF; each result's
    `outputs["pdf"]` names it. Returns how many PDFs were (re)written. A handout that cannot be printed
    is logged and left without a PDF; the others go on."""
    from playwright.sync_api import sync_playwright

    todo = [(r, out / r.outputs["html"]) for r in results
            if r.status in ("ok", "skipped") and r.outputs.get("html") and (out / r.outputs["html"]).is_file()]
    if not todo:
        return 0
    written = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS)
        try:
            context = browser.new_context(offline=True)
            context.route(NETWORK, lambda route: route.abort())
            for result, html in todo:
                target = html.with_suffix(".pdf")
                try:
                    if not (target.is_file() and target.stat().st_mtime >= html.stat().st_mtime):
                        _print_one(context, html, target, out)
                        written += 1
                    result.outputs["pdf"] = str(target.relative_to(out))
                except Exception as exc:  # noqa: BLE001 - one handout that will not print stops no other
                    log(f"pdf     {html.relative_to(out)}: could not print ({type(exc).__name__}: {exc})")
        finally:
            browser.close()
    return written


def _print_one(context, html: Path, target: Path, out: Path) -> None:
    page = context.new_page()
    try:
        page.goto(html.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.emulate_media(media="print")
        data = page.pdf(prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    staged = staging_root(out) / f"{target.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}.pdf"
    staged.write_bytes(data)
    try:
        install_file(staged, target)
    finally:
        staged.unlink(missing_ok=True)
