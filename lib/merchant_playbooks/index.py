"""The consultant's portfolio page (`index.html`) and `summary.json` for a batch.

`index.html` shows every merchant — its stage, and for each playbook the status,
the headline KPIs (expected value and P10–P90 range, as the handout shows them)
and links to the handout (and its PDF), notebook, plan.json, xlsx and calendar (.ics). One file, its own small
stylesheet, no script, nothing fetched from the network; every merchant text escaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import __version__, diagnosis_text, i18n, registry
from .outfolder import GENERATOR, read_ours_summary
from .outputs import atomic_write_json, atomic_write_text
from .render import esc

STATUSES = ("ok", "failed", "skipped")
FILES = (("html", "handout"), ("pdf", "pdf"), ("notebook", "notebook"), ("plan", "plan.json"), ("xlsx", "xlsx"),
         ("ics", "calendar"))
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


def write_summary(out: Path, results: list, started: datetime, finished: bool = True) -> Path:
    path = out / "summary.json"
    atomic_write_json(path, {
        "generator": GENERATOR,
        "generated": datetime.now().isoformat(timespec="seconds"),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished,
        "version": __version__,
        "counts": {s: sum(1 for r in results if r.status == s) for s in STATUSES},
        "results": [r.to_dict() for r in results],
    })
    return path


@dataclass
class Earlier:
    """What earlier runs recorded: the results still to list (`kept`) and when each output last ran."""

    kept: list
    previous: dict[tuple[str, str | None], object]

    def last_ran(self, slug: str, playbook: str) -> str | None:
        prev = self.previous.get((slug, playbook))
        return getattr(prev, "ran", None)

    def stamp(self, result):  # a runner.Result
        """A result of this run: when it ran, and when the stale files it left listed were made."""
        result.ran = result.ran or datetime.now().isoformat(timespec="seconds")
        prev = self.previous.get((result.slug, result.playbook))
        if result.stale and prev is not None:
            result.last_ok = prev.ran if prev.status in ("ok", "skipped") else prev.last_ok
        return result


def carried_results(out: Path, jobs: list, results: list) -> Earlier:
    """Earlier results (from `out/summary.json`) to keep listing beside this run's.

    Kept: every merchant × playbook this run does not redo whose folder is still on disk, and
    the params-check failure of a file this run did not read that still exists.
    """
    from .runner import Result

    data = read_ours_summary(out / "summary.json") or {"results": []}
    earlier = []
    for record in data["results"]:
        try:
            earlier.append(Result.from_dict(record))
        except TypeError:  # a record of another shape: not listed again
            continue
    redone = {(j.slug, j.playbook) for j in jobs}
    read = {r.params_file for r in results if not r.slug} | {j.source for j in jobs}
    kept = []
    for r in earlier:
        on_disk = (out / r.slug).is_dir() if r.slug else Path(r.params_file).is_file()
        if on_disk and ((r.slug, r.playbook) not in redone if r.slug else r.params_file not in read):
            kept.append(r)
    return Earlier(kept, {(r.slug, r.playbook): r for r in earlier if r.slug})


def read_plan(out: Path, result) -> dict | None:
    """The plan.json a result wrote, or None when there is none (failed, or unreadable)."""
    rel = result.outputs.get("plan")
    if not rel or not (out / rel).is_file():
        return None
    try:
        return json.loads((out / rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def headline_kpis(plan: dict, limit: int = 5) -> list[tuple[str, str, str]]:
    """(label, expected, range) for the plan's headline KPIs, in the merchant's language and currency."""
    lang, currency = plan["merchant"]["language"], plan["merchant"]["currency"]

    def fmt(kind: str, value: float | None) -> str:
        if value is None:
            return "—"
        if kind == "money":
            return i18n.money(float(value), currency, lang, wan=True)
        if kind == "share":
            return i18n.percent(value, 0)
        if kind in ("number", "ratio"):
            return i18n.number(value, 2)
        return i18n.number(round(value))

    rows = []
    for key in plan.get("headline", [])[:limit]:
        k = plan["kpis"].get(key)
        if k:
            low, high = fmt(k["kind"], k["p10"]), fmt(k["kind"], k["p90"])
            spread = "" if low == high else i18n.t("common.kpi.range", lang, p10=low, p90=high)  # one number: no range
            rows.append((k["label"], fmt(k["kind"], k["p50"]), spread))
    return rows


@dataclass
class MerchantRow:
    """One merchant on the portfolio page, with a line per playbook."""

    name: str
    params_file: str
    stage: str | None = None
    diagnosis: str = ""
    language: str = ""
    lines: list[tuple[object, dict | None]] = field(default_factory=list)  # (result, plan)


def _stage_from_params(params_file: str) -> tuple[str | None, str]:
    """The stage of a merchant whose playbooks wrote no plan (a failed run); none for invalid params."""
    from .loading import load_params

    try:
        mp = load_params(Path(params_file), params_file)
    except Exception:  # noqa: BLE001 - invalid or gone: the page still lists the merchant, without a stage
        return None, ""
    return mp.diagnosis.stage, diagnosis_text.text(mp.diagnosis, mp.merchant.language)


def merchants(out: Path, results: list) -> list[MerchantRow]:
    rows: dict[str, MerchantRow] = {}
    for r in sorted(results, key=lambda r: (r.merchant.lower(), r.params_file, r.playbook or "")):
        row = rows.setdefault(r.params_file or r.merchant, MerchantRow(r.merchant, r.params_file))
        plan = read_plan(out, r)
        if plan:
            row.stage = row.stage or plan.get("stage")
            row.diagnosis = row.diagnosis or plan.get("diagnosis", "")
            row.language = row.language or plan["merchant"].get("language", "")
        elif getattr(r, "stage", None):
            row.stage = row.stage or r.stage
        row.lines.append((r, plan))
    for row in rows.values():
        if row.stage is None and row.params_file and any(r.playbook for r, _ in row.lines):
            row.stage, row.diagnosis = _stage_from_params(row.params_file)
    return list(rows.values())


def _line_html(r, plan: dict | None) -> str:
    playbook = registry.title(r.playbook, "en") if r.playbook else "Params check"
    links = "".join(f'<a href="{esc(path)}">{esc(label)}</a>' for kind, label in FILES
                    if (path := r.outputs.get(kind)))
    kpis = "".join(f'<li><span class="k">{esc(label)}</span><b>{esc(p50)}</b><span class="r">{esc(rng)}</span></li>'
                   for label, p50, rng in (headline_kpis(plan) if plan else []))
    body = f'<ul class="kpis">{kpis}</ul>' if kpis else ""
    if r.error:
        body += f'<pre class="err">{esc(r.error)}</pre>'
    stale = getattr(r, "stale", None) or {}
    if stale:
        made = f" made {esc(_when(r.last_ok))}" if getattr(r, "last_ok", None) else ""
        old = "".join(f'<a href="{esc(path)}">old {esc(label)}</a>' for kind, label in FILES if (path := stale.get(kind)))
        body += (f'<p class="stale"><span class="badge stale">stale</span> the last good run\'s files{made} are '
                 f'still there and do not reflect these params: {old}</p>')
    seconds = f'<span class="secs">{r.seconds:.1f} s</span>' if r.status == "ok" else ""
    ran = f'<span class="secs" title="last ran">ran {esc(_when(r.ran))}</span>' if getattr(r, "ran", None) else ""
    return (f'<div class="line {esc(r.status)}" data-playbook="{esc(r.playbook or "")}" data-status="{esc(r.status)}"'
            f'{" data-stale" if stale else ""}>'
            f'<div class="head"><span class="pb">{esc(playbook)}</span>'
            f'<span class="badge {esc(r.status)}">{esc(r.status)}</span>{seconds}{ran}'
            f'<span class="files">{links}</span></div>{body}</div>')


def _when(iso: str | None) -> str:
    return (iso or "").replace("T", " ")[:16]


def _merchant_html(m: MerchantRow) -> str:
    stage = (f'<span class="stage">{esc(i18n.t(f"common.stage.{m.stage}", "en"))}</span>'
             if m.stage and i18n.has(f"common.stage.{m.stage}", "en") else '<span class="stage none">no stage</span>')
    lang = f'<span class="lang">{esc(LANGUAGE_NAMES.get(m.language, m.language))}</span>' if m.language else ""
    diagnosis = f'<p class="why" lang="{esc(m.language or "en")}">{esc(m.diagnosis)}</p>' if m.diagnosis else ""
    return (f'<article class="merchant"><header><h2>{esc(m.name)}</h2>{lang}{stage}</header>'
            f'<div class="src">{esc(m.params_file)}</div>{diagnosis}'
            f'{"".join(_line_html(r, plan) for r, plan in m.lines)}</article>')


def write_index(out: Path, results: list) -> Path:
    rows = merchants(out, results)
    counts = {s: sum(1 for r in results if r.status == s) for s in STATUSES}
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{GENERATOR}"><meta name="color-scheme" content="light"><title>Merchant Growth Playbooks — portfolio</title>
<style>{STYLE}</style></head><body><main>
<h1>Merchant Growth Playbooks <span>portfolio</span></h1>
<div class="counts"><span class="badge ok">{counts['ok']} ok</span> <span class="badge failed">{counts['failed']} failed</span>
<span class="badge skipped">{counts['skipped']} skipped (up to date)</span>
<span class="meta">{len(rows)} merchants · generated {esc(datetime.now().strftime('%Y-%m-%d %H:%M'))} ·
version {esc(__version__)}</span></div>
{''.join(_merchant_html(m) for m in rows)}
</main></body></html>
"""
    path = out / "index.html"
    atomic_write_text(path, html)
    return path


STYLE = """
:root { --ink: #1d2329; --muted: #5c6873; --line: #e2e7ea; --soft: #f4f7f8; --brand: #1f6f78; --accent: #e07a5f; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, "PingFang SC", "Microsoft YaHei",
       "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 0; color: var(--ink); background: #e9eef0;
       overflow-wrap: break-word; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { color: var(--brand); margin: 0 0 .3em; font-size: 1.6em; }
h1 span { color: var(--muted); font-weight: 400; font-size: .6em; text-transform: uppercase; letter-spacing: .1em; }
.counts { margin-bottom: 18px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.meta { color: var(--muted); font-size: .9em; }
.merchant { background: #fff; border-radius: 6px; padding: 16px 20px 10px; margin-bottom: 14px;
            box-shadow: 0 1px 3px rgba(20, 40, 50, .1); border-top: 3px solid var(--brand); }
.merchant header { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.merchant h2 { margin: 0; font-size: 1.25em; flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
.stage { background: #e8f2f3; color: #174f56; border-radius: 12px; padding: 1px 10px; font-size: .85em;
         display: inline-block; }
.stage::first-letter { text-transform: uppercase; }
.stage.none { background: var(--soft); color: var(--muted); }
.lang { color: var(--muted); font-size: .85em; }
.src { color: var(--muted); font-size: .82em; font-family: ui-monospace, Menlo, Consolas, monospace; }
.why { color: var(--muted); margin: .4em 0 .6em; font-size: .92em; }
.line { border-top: 1px solid var(--line); padding: 10px 0; }
.head { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
.pb { font-weight: 600; }
.secs { color: var(--muted); font-size: .82em; }
.files { margin-left: auto; display: flex; flex-wrap: wrap; gap: 4px; }
.files a { color: var(--brand); text-decoration: none; border: 1px solid var(--line); border-radius: 4px;
           padding: 1px 8px; font-size: .85em; }
.files a:hover { background: var(--soft); }
.badge { padding: 1px 9px; border-radius: 10px; font-size: .82em; }
.badge.ok { background: #e3f4ec; color: #1b6b45; } .badge.failed { background: #fbeceb; color: #a12a1d; }
.badge.skipped { background: #eef1f4; color: var(--muted); }
.badge.stale { background: #fff3d6; color: #7a5200; } p.stale { margin: 8px 0 0; font-size: .88em; }
p.stale a { color: var(--brand); margin-left: 6px; }
ul.kpis { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 8px;
          grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
ul.kpis li { background: var(--soft); border-radius: 4px; padding: 6px 10px; display: flex; flex-direction: column; }
.k { color: var(--muted); font-size: .8em; } ul.kpis b { font-size: 1.15em; font-variant-numeric: tabular-nums; }
.r { color: var(--muted); font-size: .8em; font-variant-numeric: tabular-nums; }
pre.err { white-space: pre-wrap; color: #a12a1d; background: #fbeceb; border-radius: 4px; padding: 8px 10px;
          font-size: .85em; margin: 8px 0 0; }
@media (max-width: 600px) { main { padding: 14px 10px; } .merchant { padding: 12px 12px 6px; }
  .files { margin-left: 0; } ul.kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
"""
