"""The caches and warm-ups that make a re-run fast never change what it makes: a chart drawn from the
cache is the SVG vl-convert draws, each reader of a params text gets its own tree, libyaml reads the
catalogues as PyYAML does, and every module the kernel server imports ahead exists."""

from __future__ import annotations

import importlib.util

import pytest
import vl_convert as vlc
import yaml
from merchant_playbooks import charts, i18n, registry, yamlread
from merchant_playbooks.errors import ParamsError
from merchant_playbooks.kernel_server import warm_modules


def _spec(n: int) -> dict:
    return {"mark": "bar", "data": {"values": [{"a": i, "b": i * n} for i in range(3)]},
            "encoding": {"x": {"field": "a", "type": "ordinal"}, "y": {"field": "b", "type": "quantitative"}}}


def test_a_chart_drawn_again_is_the_svg_vl_convert_draws_and_a_changed_spec_is_drawn_anew(monkeypatch):
    monkeypatch.setattr(charts, "_SVGS", type(charts._SVGS)())
    drawn = []
    real = vlc.vegalite_to_svg
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda spec: drawn.append(1) or real(spec))
    first, meta = charts.svg_renderer(_spec(1))
    again, _ = charts.svg_renderer(_spec(1))
    assert again == first == {"image/svg+xml": real(_spec(1))} and meta == {"merchant_playbooks": {"chart": True}}
    assert len(drawn) == 1  # the second came from the cache
    other, _ = charts.svg_renderer(_spec(2))
    assert other["image/svg+xml"] == real(_spec(2)) != first["image/svg+xml"] and len(drawn) == 2


def test_the_chart_cache_keeps_only_the_last_charts(monkeypatch):
    monkeypatch.setattr(charts, "_SVGS", type(charts._SVGS)())
    monkeypatch.setattr(vlc, "vegalite_to_svg", lambda spec: f"<svg>{spec['data']['values'][1]['b']}</svg>")
    for n in range(charts.SVG_CACHE + 5):
        charts.svg_renderer(_spec(n))
    assert len(charts._SVGS) == charts.SVG_CACHE
    assert charts.svg_renderer(_spec(charts.SVG_CACHE + 4))[0]["image/svg+xml"] == f"<svg>{charts.SVG_CACHE + 4}</svg>"


TEXT = "merchant:\n  name: Bloom  # a comment\n  fans: 1200\nplaybooks: [first_event_bargaining]\n"


def test_each_reader_of_a_params_text_gets_its_own_tree_with_its_lines():
    one = yamlread.parse_text(TEXT, "a.yaml")
    one["merchant"]["fans"] = 5  # a reader changing its tree changes nobody else's
    two = yamlread.parse_text(TEXT, "a.yaml")
    assert two is not one and two["merchant"]["fans"] == 1200
    assert yamlread.line_of(two, ("merchant", "fans")) == 3
    assert yamlread.parse_text(TEXT.replace("1200", "1300"), "a.yaml")["merchant"]["fans"] == 1300


def test_a_params_text_that_does_not_parse_is_refused_at_every_reading():
    for _ in range(2):
        with pytest.raises(ParamsError, match="is not valid YAML"):
            yamlread.parse_text("merchant: [unclosed\n", "bad.yaml")


def test_libyaml_reads_every_catalogue_as_pyyaml_does():
    from importlib import resources

    files = [p for lang in i18n.LANGUAGES for p in (resources.files("merchant_playbooks") / "messages" / lang).iterdir()
             if p.name.endswith(".yaml")]
    files += [folder / f"{lang}.yaml" for folder in i18n.OWN_MESSAGES.values() for lang in i18n.LANGUAGES
              if (folder / f"{lang}.yaml").is_file()]
    assert len(files) >= 16
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=i18n._LOADER) == yaml.safe_load(text), path


def test_loading_every_catalogue_ahead_leaves_the_same_messages():
    before = i18n.catalogue("en", "common")
    i18n.load_catalogues()
    assert i18n.catalogue("en", "common") == before
    for name in registry.names():
        assert i18n.catalogue("zh", name), name


def test_every_module_the_kernel_server_imports_ahead_exists():
    missing = [m for m in warm_modules() if importlib.util.find_spec(m) is None]
    assert not missing  # import_quietly skips what it cannot find: a misspelt name would cost every kernel


def test_jsonschemas_iri_grammar_is_built_on_first_use_and_checks_as_before():
    import subprocess
    import sys

    code = ("import sys, merchant_playbooks, jsonschema, altair\n"
            "assert 'rfc3987_syntax.syntax_helpers' not in sys.modules, 'the grammar was built at import'\n"
            "fc = jsonschema.FormatChecker()\n"
            "assert fc.conforms('https://example.com/路径', 'iri') and not fc.conforms('no scheme', 'iri')\n"
            "import rfc3987_syntax\n"
            "assert rfc3987_syntax.is_valid_syntax_iri('https://example.com/')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
