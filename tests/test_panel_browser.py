"""The live panel in a real browser: `playbooks app` (Voilà) on localhost, driven by headless Chromium.

Two playbooks, two languages: the bargaining playbook for Bloom in English and the
membership playbook for Lily in Chinese. Each case starts the app on a copy of the
sample, opens the page, moves one slider with the keyboard, waits for the headline KPIs
(and, for bargaining, the published rules) to change, clicks "Save to params" and checks
the YAML file: one line changed, every comment kept. Chromium is Debian's
(`/usr/bin/chromium`, installed with apt when missing); Playwright drives it and never
downloads a browser. The server runs in its own process group and is always killed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PARAMS, ROOT

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 120  # seconds for Voilà to listen
PAGE_TIMEOUT = 240  # seconds for the notebook to run and the panel to appear (a busy 2-core machine)
# Voilà's lab template links Font Awesome from a CDN (its bundle carries the font anyway): nothing else may leave
KNOWN_EXTERNAL = re.compile(r"^https://cdn\.jsdelivr\.net/npm/@fortawesome/")


def ensure_chromium() -> str:
    if not Path(CHROMIUM).exists():
        subprocess.run("apt-get update -qq && apt-get install -y -qq chromium", shell=True, check=True,
                       timeout=900, capture_output=True)
    assert Path(CHROMIUM).exists(), "Debian's chromium could not be installed"
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"playbooks app exited early:\n{log.read_text()[-3000:]}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"playbooks app did not listen on {port} within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class Case:
    playbook: str
    sample: str
    language: str
    lever: str  # the slider moved one step right with the keyboard
    kpi: str  # a headline KPI's data-kpi key, to wait for
    save: str  # the Save button's name in the merchant's language
    saved: str  # the status text after saving one change
    updated: str  # the status text after a change
    yaml_before: str
    yaml_after: str
    rules_before: str = ""  # text the published rules hold before and after the move ("" to skip)
    rules_after: str = ""


CASES = [
    # the helpers needed are the decision's (an optional text box); the event's length is a slider: one more
    # day moves the forecast and the published end date
    Case("first_event_bargaining", "bloom-household.yaml", "en", "duration_days", "new_followers",
         "Save to params", "Saved 1 change", "Plan updated", "  duration_days: 15", "  duration_days: 16",
         "to 19 Nov", "to 20 Nov"),
    Case("membership_community", "lily-shoes.yaml", "zh", "gross_margin", "roi",
         "保存到参数文件", "已将 1 项修改", "方案已更新", "  gross_margin: 0.55", "  gross_margin: 0.56"),
]


@pytest.fixture(params=CASES, ids=lambda c: f"{c.playbook}-{c.language}")
def app(request, tmp_path):
    """`playbooks app <playbook>` on a tmp copy of the case's sample; yields (case, url, params file, log)."""
    case = request.param
    (tmp_path / "params").mkdir()
    (tmp_path / "data").symlink_to(ROOT / "data", target_is_directory=True)  # the samples' CSV files
    params = tmp_path / "params" / case.sample
    text = (PARAMS / case.sample).read_text(encoding="utf-8")
    params.write_text(re.sub(r"(?m)^(  language:) \w+", rf"\1 {case.language}", text, count=1), encoding="utf-8")
    port = free_port()
    log = tmp_path / "app.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "VOILA_", "MERCHANT_PLAYBOOKS"))}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "merchant_playbooks.cli", "app", case.playbook,
                                 "--params", str(params), "--port", str(port), "--no-browser"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env, start_new_session=True)
    try:
        wait_listening(port, proc, log)
        yield case, f"http://127.0.0.1:{port}/", params, log
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):  # Voilà and its kernel: the whole group
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


# every marked figure on the page: its plan.json key, value, and the live part it sits in (or the panel)
FIGURES_JS = """() => Array.from(document.querySelectorAll('data[data-key]')).map(d => {
    const live = d.closest('.mp-live'); const part = live ? Array.from(live.classList).find(
        c => c.startsWith('mp-live-')).slice(8) : (d.closest('.mp-panel') ? 'panel' : '?');
    return [d.dataset.key, d.getAttribute('value'), part]; })"""


def preview_rois(case: Case, *margins: float) -> list[float]:
    """The membership panel's preview ROI (P50) at each gross margin, built the way the page builds it."""
    from merchant_playbooks import registry
    from merchant_playbooks.loading import load_params
    from merchant_playbooks.panel.explorer import Explorer

    explorer = Explorer(load_params(PARAMS / case.sample).for_playbook(case.playbook),
                        registry.get(case.playbook).panel())
    return [explorer.set("gross_margin", m).plan.kpis["roi"].band.p50 for m in margins]


def drive(case: Case, url: str, log: Path) -> dict:
    """Open the page, move the case's slider one step, click Save; what the page showed on the way."""
    from playwright.sync_api import sync_playwright

    seen: dict = {"external": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=ensure_chromium(), headless=True, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})

            def local_only(route) -> None:
                if route.request.url.startswith(url.rstrip("/")):
                    route.continue_()
                else:
                    seen["external"].append(route.request.url)
                    route.abort()

            context.route(re.compile(r"^https?://"), local_only)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT * 1000)
            kpis = page.locator(".mp-panel-kpis")
            kpis.locator(f"[data-kpi='{case.kpi}'] .mp-kpi-p50").wait_for(timeout=PAGE_TIMEOUT * 1000)
            seen["before"] = kpis.inner_text()
            seen["rules_before"] = page.locator(".mp-panel-rules").inner_text()
            seen["lang"] = page.evaluate("() => document.querySelector('.mp-panel').innerText")
            seen["figures_before"] = page.evaluate(FIGURES_JS)

            handle = page.locator(f".mp-lever-{case.lever.replace('.', '-')} .noUi-handle")
            handle.focus()
            handle.press("ArrowRight")  # one slider step up
            page.wait_for_function("b => document.querySelector('.mp-panel-kpis').innerText !== b",
                                   arg=seen["before"])
            if case.rules_after:
                page.wait_for_function("t => document.querySelector('.mp-panel-rules').innerText.includes(t)",
                                       arg=case.rules_after)
            seen["after"] = kpis.inner_text()
            # each widget's new value arrives in its own message: the status line may follow the KPIs
            status = page.locator(".mp-panel-status", has_text=case.updated)
            status.wait_for()
            seen["status"] = status.inner_text()
            seen["figures_after"] = page.evaluate(FIGURES_JS)  # the page is re-rendered before the status line

            page.get_by_role("button", name=case.save).click()
            page.locator(".mp-panel-status", has_text=case.saved).wait_for()
        except Exception:
            print(f"--- playbooks app log ---\n{log.read_text()[-4000:]}")  # shown by pytest on failure
            raise
        finally:
            browser.close()
    return seen


def test_move_a_control_see_the_kpis_change_and_save_to_params(app):
    case, url, params, log = app
    original = params.read_text(encoding="utf-8")
    # Playwright's sync API in a thread of its own: another module's session may hold the main thread's loop
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(drive, case, url, log).result()

    if case.rules_before:
        assert case.rules_before in seen["rules_before"]
    assert seen["after"] != seen["before"]
    if case.playbook == "first_event_bargaining":
        followers = [re.search(r"New followers\s+([\d,]+)", seen[k]) for k in ("before", "after")]
        assert followers[0] and followers[1]  # the cover's KPIs re-rendered (the end date waited for above)
    else:  # a higher margin on the same extra spend: a better return on the member benefits
        roi = [re.search(r"会员体系回报率\s+(-?[\d.]+)%", seen[k]) for k in ("before", "after")]
        # the cover's first figures are the notebook's full plan; a change shows the panel's preview (fewer
        # draws), so the page's figure after the change is the preview's, which rises with the margin
        before, after = preview_rois(case, 0.55, 0.56)
        assert float(roi[1].group(1)) == pytest.approx(after * 100, abs=0.1) and after > before
        assert "方案已更新" in seen["status"] and "方案中随之变化的部分" in seen["status"]  # and which sections
        assert "调整方案" in seen["lang"] and "毛利率" in seen["lang"]  # the panel speaks the merchant's language
    assert_page_stays_whole(case, seen["figures_before"], seen["figures_after"])
    saved = params.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(original.splitlines(), saved.splitlines(), strict=True) if a != b]
    assert changed == [(case.yaml_before, case.yaml_after)]
    assert [ln for ln in original.splitlines() if "#" in ln] == [ln for ln in saved.splitlines() if "#" in ln]
    assert all(KNOWN_EXTERNAL.match(u) for u in seen["external"]), seen["external"]


def assert_page_stays_whole(case: Case, before: list, after: list) -> None:
    """After the move, the cover and every section show the new plan: each figure has one value on the
    whole page (panel, cover, sections alike), the cover's KPI moved with the panel's, sections moved too."""
    for figures in (before, after):
        values: dict[str, set] = {}
        for key, value, _ in figures:
            values.setdefault(key, set()).add(value)
        assert {k: v for k, v in values.items() if len(v) > 1} == {}
    parts = {part for _, _, part in after}
    assert {"cover", "panel"} <= parts and len(parts - {"cover", "panel", "?"}) >= 5, parts  # the sections are live
    kpi = f"kpis.{case.kpi}.p50"
    old, new = ({k: v for k, v, p in figs if p == "cover"} for figs in (before, after))
    assert old[kpi] != new[kpi], "the cover's headline KPI follows the lever"
    shown_before = {tuple(f) for f in before}
    moved = {p for k, v, p in after if p not in ("cover", "panel") and (k, v, p) not in shown_before}
    assert moved, "the sections' figures follow the lever"
