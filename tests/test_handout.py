"""The handout and the portfolio page, without a browser: what goes in, what stays out, formats, languages.

A plan is built for one English and one Chinese sample merchant (few simulations),
rendered the way the notebook's cells render it, and put into a notebook next to
the kinds of stray output a real run can leave; then exported with our template.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from datetime import date
from decimal import Decimal

import nbformat
import pytest
from conftest import PARAMS
from merchant_playbooks import i18n
from merchant_playbooks.export import css_string, handout_html
from merchant_playbooks.first_event_bargaining import charts
from merchant_playbooks.first_event_bargaining.plan import build_plan
from merchant_playbooks.index import write_index
from merchant_playbooks.loading import load_params
from merchant_playbooks.render import cover_html, section_html
from merchant_playbooks.runner import Result
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

SAMPLE = {"en": "bloom-household.yaml", "zh": "huayang-zh.yaml"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3400-\u9fff]")
NETWORK = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\(\s*["']?(https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def plans():
    out = {}
    for lang, name in SAMPLE.items():
        params = load_params(PARAMS / name).for_playbook("first_event_bargaining")
        params = dataclasses.replace(params, section=params.section.model_copy(update={"simulations": 300}))
        out[lang] = build_plan(params)
    return out


@pytest.fixture(scope="module")
def cut_chart_svg(plans):
    """The cut-schedule chart as the notebook's renderer makes it, for each language."""
    import vl_convert as vlc

    return {lang: vlc.vegalite_to_svg(charts.chart_cut_schedule(plan).to_dict()) for lang, plan in plans.items()}


def _html_output(page: str) -> nbformat.NotebookNode:
    return new_output("execute_result", {"text/html": page, "text/plain": "<IPython.core.display.HTML object>"},
                      execution_count=1)


def notebook(plan, svgs: dict, sections=("goal", "mechanics", "audience")) -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: our outputs, interleaved with everything that must not show."""
    svg = svgs[plan.language]
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## Consultant notes: left out of the handout"),
        new_code_cell("import warnings", outputs=[
            new_output("stream", name="stderr", text="DeprecationWarning: something is deprecated\n")]),
        new_code_cell("show.cover(plan)", outputs=[_html_output(cover_html(plan))]),
    ]
    for key in sections:
        nb.cells.append(new_code_cell(f"show.section(plan, {key!r})", outputs=[_html_output(section_html(
            plan, plan.sections[key]))]))
        if key == "mechanics":
            nb.cells.append(new_code_cell("charts.chart_cut_schedule(plan)", outputs=[new_output(
                "execute_result", {"image/svg+xml": svg, "text/plain": "alt.Chart(...)"}, execution_count=3)]))
    nb.cells += [
        new_code_cell("plt.plot([1])", outputs=[new_output("display_data", {"text/plain": "<Figure size 640x480 with 1 Axes>"})]),
        new_code_cell("panel", outputs=[new_output("display_data", {
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0},
            "text/plain": "HBox(children=(IntSlider(value=8),))"})]),
        new_code_cell("df", outputs=[_html_output('<div><table class="dataframe"><tr><td>raw frame</td></tr></table></div>')]),
        new_code_cell("show.panel(params, plan)", outputs=[_html_output(
            '<div class="mp-panel"><input type="range"> explore panel</div>')]),
        new_code_cell("alt.Chart(df)", outputs=[_html_output(
            '<div id="altair-viz"></div><script src="https://cdn.jsdelivr.net/npm/vega@5"></script>')]),
        new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                                 traceback=["Traceback (most recent call last)"])]),
        new_code_cell("print('debug')", outputs=[new_output("stream", name="stdout", text="debug output\n")]),
    ]
    return nb


def export(plan, svgs: dict, **kw) -> str:
    return handout_html(notebook(plan, svgs, **kw), lang=plan.language, title=f"{plan.merchant_name} — plan",
                        source="merchant.yaml", today=date(2026, 11, 23))


def visible_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# ---------------------------------------------------------------- what the handout holds


def test_handout_keeps_only_cover_sections_and_charts(plans, cut_chart_svg):
    page = export(plans["en"], cut_chart_svg)
    for stray in ("DeprecationWarning", "Figure size", "HBox", "widget-view", "raw frame", "cdn.jsdelivr",
                  "ZeroDivisionError", "Traceback", "debug output", "explore panel", "Consultant notes", "show.section",
                  "import warnings", "In&nbsp;[", "jp-InputPrompt"):
        assert stray not in page, stray
    assert "<script" not in page.lower()
    assert page.count('<header class="mp-cover"') == 1
    assert page.count("<figure class=\"mp-chart\"><svg") == 1
    assert "<?xml" not in page


def test_the_consultants_paste_block_shows_in_the_notebook_not_in_the_handout(plans, cut_chart_svg):
    from merchant_playbooks.plan import Code, Para, Section

    plan = dataclasses.replace(plans["en"], sections=dict(plans["en"].sections))
    paste = Code("first_event_bargaining:\n  attempt_rate: [0.03, 0.05]\n", note="For the consultant: paste <these>",
                 consultant=True)
    plan.sections["review"] = Section("review", "Review", [Para("Followers came in under plan."), paste])
    in_notebook = section_html(plan, plan.sections["review"])
    assert "attempt_rate: [0.03, 0.05]" in in_notebook and "paste &lt;these&gt;" in in_notebook
    page = export(plan, cut_chart_svg, sections=("goal", "mechanics", "review"))
    assert "Followers came in under plan." in page  # the rest of the section stays
    assert "attempt_rate" not in page and "For the consultant" not in page and "mp-consultant" not in page


def test_a_chart_sits_in_its_section_before_the_tables_and_forces_no_printed_page_break(plans, cut_chart_svg):
    page = export(plans["en"], cut_chart_svg)
    mechanics = re.search(r'<section class="([^"]*)" id="mp-mechanics".*?</section>', page, re.DOTALL)
    assert mechanics and '<figure class="mp-chart">' in mechanics.group(0)
    body = mechanics.group(0)
    assert body.index('<figure class="mp-chart">') < body.index('<div class="mp-table-wrap')  # picture, then detail
    assert mechanics.group(1) == "mp-section" and "mp-newpage" not in page
    goal = re.search(r'<section class="([^"]*)" id="mp-goal"', page)
    assert goal and goal.group(1) == "mp-section"


def test_contents_list_the_sections_the_handout_has_in_its_order(plans, cut_chart_svg):
    page = export(plans["en"], cut_chart_svg, sections=("mechanics", "goal"))
    nav = re.search(r'<nav class="mp-contents">(.*?)</nav>', page, re.DOTALL).group(1)
    assert re.findall(r'href="#mp-([a-z_]+)"', nav) == ["mechanics", "goal"]
    assert re.findall(r'<section class="[^"]*" id="mp-([a-z_]+)"', page) == ["mechanics", "goal"]


def test_cover_has_merchant_playbook_dates_diagnosis_and_three_to_five_kpis_with_ranges(plans, cut_chart_svg):
    plan = plans["zh"]
    cover = re.search(r'<header class="mp-cover".*?</header>', export(plan, cut_chart_svg), re.DOTALL).group(0)
    assert "花漾茶点铺" in cover and html.escape(plan.title) in cover
    assert "2027年3月5日至14日" in cover
    assert html.escape(plan.diagnosis) in cover
    cards = re.findall(r'<div class="mp-kpi" data-kpi="[^"]+">.*?</div></div>', cover)
    assert 3 <= len(cards) <= 5
    # each range is two figures of plan.json, marked with their paths
    assert all(re.search(r'class="mp-kpi-range"[^>]*><data value="[^"]+" data-key="kpis\.\w+\.p10">[^<]+</data> – '
                         r'<data value="[^"]+" data-key="kpis\.\w+\.p90">[^<]+</data></div>', c) for c in cards)


def test_handout_is_offline_light_and_names_its_language(plans, cut_chart_svg):
    for lang, html_lang in (("en", "en"), ("zh", "zh-CN")):
        page = export(plans[lang], cut_chart_svg)
        assert f'<html lang="{html_lang}">' in page
        assert not NETWORK.search(page) and "<link" not in page.lower()
        assert len(page.encode()) < 300_000


def test_footer_and_printed_cover_name_the_generation_date_and_params_file(plans, cut_chart_svg):
    zh = export(plans["zh"], cut_chart_svg)
    en = export(plans["en"], cut_chart_svg)
    assert re.search(r'<footer class="mp-footer">[^<]*2026年11月23日[^<]*merchant\.yaml', zh)
    assert re.search(r'<footer class="mp-footer">[^<]*23 Nov 2026[^<]*merchant\.yaml', en)
    footer = re.search(r'<footer class="mp-footer">([^<]*)</footer>', zh).group(1)
    assert not LATIN_WORD.search(footer.replace("merchant.yaml", "")), footer  # the zh footer in Chinese
    # on paper the cover carries it (the last page may be a full-page chart)
    assert re.search(r'<p class="mp-colophon">[^<]*23 Nov 2026[^<]*merchant\.yaml[^<]*</p></header>', en)


def test_merchant_text_is_escaped_everywhere_including_the_print_footer(plans, cut_chart_svg):
    evil = '</style><script>alert(1)</script>"\'{}'
    plan = dataclasses.replace(plans["en"], merchant_name=evil)
    page = handout_html(notebook(plan, cut_chart_svg), lang="en", title=f"{evil} — plan", source="<x>.yaml")
    assert "<script>alert" not in page and "</style><script>" not in page
    assert "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    assert "<" not in style.split("@bottom-left { content:", 2)[-1]


def test_css_string_escapes_everything_but_letters_and_digits():
    assert css_string('a"b\\c 花') == '"a\\000022b\\00005cc\\000020\\0082b1"'


def test_print_and_phone_rules_are_in_the_stylesheet(plans, cut_chart_svg):
    style = re.search(r"<style>(.*?)</style>", export(plans["en"], cut_chart_svg), re.DOTALL).group(1)
    assert re.search(r"@page\s*{\s*size:\s*A4", style)
    printing = style.split("@media print", 1)[1]
    assert re.search(r"\.mp-cover\s*{[^}]*break-after:\s*page", printing)
    assert re.search(r"\.mp-chart[^{]*{[^}]*break-inside:\s*avoid", printing)
    assert re.search(r"@media \(max-width: 600px\)", style)
    assert "overflow-x: auto" in style  # wide tables scroll inside their own box


# ---------------------------------------------------------------- languages and formats


def test_chinese_handout_text_has_no_english_left(plans, cut_chart_svg):
    page = export(plans["zh"], cut_chart_svg, sections=tuple(plans["zh"].sections))
    body = re.sub(r'<p class="mp-colophon">.*?</p>', "", page.split('<footer class="mp-footer">')[0])
    main = visible_text(body.split("<body>", 1)[1])  # the colophon names our tool and the params file
    assert not LATIN_WORD.findall(main), sorted(set(LATIN_WORD.findall(main)))


def test_english_handout_has_no_chinese_text(plans, cut_chart_svg):
    page = export(plans["en"], cut_chart_svg, sections=tuple(plans["en"].sections))
    assert not CJK.findall(visible_text(page.split("<body>", 1)[1]))


def _chart_texts(spec: object) -> list[str]:
    """Every title, subtitle, axis, legend and tooltip title in a Vega-Lite spec."""
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "subtitle", "text") and isinstance(value, str):
                found.append(value)
            elif key in ("title", "subtitle") and isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
            elif key not in ("datasets", "data", "config", "$schema"):
                found += _chart_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _chart_texts(item)
    return found


@pytest.mark.parametrize("chart", ["chart_cut_schedule", "chart_daily_funnel", "chart_helpers_tradeoff"])
def test_chart_titles_axes_and_legends_follow_the_merchants_language(plans, chart):
    spec = getattr(charts, chart)(plans["zh"]).to_dict()
    texts = _chart_texts(spec)
    assert texts and not [t for t in texts if LATIN_WORD.search(t.replace("P10", "").replace("P90", ""))], texts
    assert all(CJK.search(t) for t in texts if t.strip() and not t.startswith(("%", "¥")))
    formats = re.findall(r'"format": "([^"]*)"', json.dumps(spec, ensure_ascii=False))
    assert all("月" in f for f in formats if re.search(r"%-?[a-zA-Z]", f))  # date axes: 3月5日


def test_both_languages_have_the_same_messages_and_placeholders():
    for namespace in ("common", "first_event_bargaining"):
        en, zh = i18n.catalogue("en", namespace), i18n.catalogue("zh", namespace)
        assert set(en) == set(zh), (namespace, set(en) ^ set(zh))
        for key in en:
            assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", zh[key])), key


def test_money_is_exact_to_the_cent_and_forecasts_drop_cents_from_a_thousand():
    assert i18n.money(Decimal("1234.5"), "CNY", "en") == "¥1,234.50"
    assert i18n.money(Decimal("-3.456"), "CNY", "zh") == "-¥3.46"
    assert i18n.money(1844.29, "CNY", "en") == "¥1,844"
    assert i18n.money(12.844, "CNY", "en") == "¥12.84"
    assert i18n.money(153_400.0, "CNY", "zh", wan=True) == "¥15.3万"
    assert i18n.money(153_400.0, "CNY", "en", wan=True) == "¥153,400"
    assert i18n.money(99_999.0, "CNY", "zh", wan=True) == "¥99,999"
    assert i18n.money(Decimal(10), "USD", "en") == "$10.00"
    assert i18n.money(float("nan"), "CNY", "en") == "—"


@pytest.mark.parametrize(("start", "end", "en", "zh"), [
    (date(2026, 12, 1), date(2026, 12, 15), "1–15 Dec 2026", "2026年12月1日至15日"),
    (date(2026, 11, 28), date(2026, 12, 5), "28 Nov – 5 Dec 2026", "2026年11月28日至12月5日"),
    (date(2026, 12, 28), date(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027", "2026年12月28日至2027年1月3日"),
    (date(2027, 3, 5), date(2027, 3, 5), "5 Mar 2027", "2027年3月5日"),
])
def test_date_ranges_read_the_way_each_language_writes_them(start, end, en, zh):
    assert i18n.day_range(start, end, "en") == en
    assert i18n.day_range(start, end, "zh") == zh


def test_month_names_come_from_the_catalogue_not_the_process_locale(monkeypatch):
    import locale

    try:
        locale.setlocale(locale.LC_TIME, "C")
    except locale.Error:  # pragma: no cover
        pass
    assert [i18n.short_day(date(2026, m, 1), "en") for m in (1, 5, 9)] == ["1 Jan", "1 May", "1 Sep"]
    assert i18n.day(date(2026, 12, 1), "zh") == "2026年12月1日"


# ---------------------------------------------------------------- the portfolio page


def test_index_lists_every_merchant_with_stage_status_kpis_and_links(plans, tmp_path):
    out = tmp_path / "out"
    (out / "huayang-zh").mkdir(parents=True)
    (out / "huayang-zh" / "first_event_bargaining.plan.json").write_text(
        json.dumps(plans["zh"].to_dict(), ensure_ascii=False, default=str), encoding="utf-8")
    files = {k: f"huayang-zh/first_event_bargaining{s}" for k, s in
             (("notebook", ".ipynb"), ("html", ".html"), ("plan", ".plan.json"), ("xlsx", ".xlsx"))}
    results = [
        Result("花漾茶点铺", "huayang-zh", "first_event_bargaining", "ok", 12.5, files,
               params_file=str(PARAMS / "huayang-zh.yaml")),
        Result("<b>Bold</b> & Co", "bold", "first_event_bargaining", "failed", 3.0,
               {"notebook": "bold/first_event_bargaining.failed.ipynb"}, error="cell 4: ValueError: <boom>",
               params_file=str(PARAMS / "bloom-household.yaml")),
        Result("broken", "", None, "failed", error="broken.yaml:3: merchant.fans = 'lots' must be a whole number",
               params_file="params/broken.yaml"),
    ]
    page = write_index(out, results).read_text(encoding="utf-8")
    assert page.count('<article class="merchant">') == 3
    assert "花漾茶点铺" in page and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page and "<b>Bold</b>" not in page
    for path in files.values():
        assert f'href="{path}"' in page
    assert 'href="bold/first_event_bargaining.failed.ipynb"' in page
    assert page.count('class="stage">a few fans<') == 2  # from plan.json, and from the params of the failed run
    assert 'class="stage none"' in page  # invalid params: no stage
    assert "ValueError: &lt;boom&gt;" in page and "must be a whole number" in page
    kpis = plans["zh"].kpis
    assert all(html.escape(kpis[k].label) in page for k in plans["zh"].headline)
    assert not NETWORK.search(page) and "<script" not in page


def test_a_compacted_chart_keeps_every_text_and_mark_and_drops_the_scaffolding(cut_chart_svg):
    from merchant_playbooks.svgcompact import compact_svg

    for svg in cut_chart_svg.values():
        small = compact_svg(svg)
        count = lambda s, tag: len(re.findall(rf"<{tag}\b", s))
        assert [count(small, t) for t in ("text", "rect", "line")] == [count(svg, t) for t in ("text", "rect", "line")]
        texts = lambda s: re.findall(r"<text\b[^>]*>(.*?)</text>", s)
        assert texts(small) == texts(svg)
        assert "font-family" not in small and "aria-roledescription" not in small and len(small) < 0.6 * len(svg)
        assert not re.search(r'(?:d|transform)="[^"]*\d\.\d\d', small)  # coordinates to 0.1 px
