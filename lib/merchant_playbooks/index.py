"""The consultant's portfolio page (`index.html`) and `summary.json` for a batch."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from . import __version__, i18n
from .outputs import atomic_write_json, atomic_write_text
from .render import esc

STATUS_CLASS = {"ok": "ok", "failed": "failed", "skipped": "skipped"}


def write_summary(out: Path, results: list, started: datetime, finished: bool = True) -> Path:
    path = out / "summary.json"
    atomic_write_json(path, {
        "generated": datetime.now().isoformat(timespec="seconds"),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished,
        "version": __version__,
        "counts": {s: sum(1 for r in results if r.status == s) for s in ("ok", "failed", "skipped")},
        "results": [r.to_dict() for r in results],
    })
    return path


def _headline(out: Path, result) -> str:  # noqa: ANN001
    plan_rel = result.outputs.get("plan")
    if not plan_rel or not (out / plan_rel).is_file():
        return ""
    try:
        plan = json.loads((out / plan_rel).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    lang, currency = plan["merchant"]["language"], plan["merchant"]["currency"]
    items = []
    for key in plan.get("headline", [])[:3]:
        k = plan["kpis"][key]
        fmt = {"money": lambda v: i18n.money(v, currency, lang, decimals=0),
               "share": lambda v: i18n.percent(v, 0)}.get(k["kind"], lambda v: i18n.number(round(v)))
        items.append(f'<li><span class="k">{esc(k["label"])}</span> <b>{esc(fmt(k["p50"]))}</b> '
                     f'<span class="r">{esc(fmt(k["p10"]))} – {esc(fmt(k["p90"]))}</span></li>')
    stage = f'<div class="stage">{esc(plan.get("diagnosis", ""))}</div>'
    return stage + f"<ul>{''.join(items)}</ul>"


def write_index(out: Path, results: list) -> Path:
    rows = []
    for r in sorted(results, key=lambda r: (r.merchant.lower(), r.playbook or "")):
        links = " · ".join(
            f'<a href="{esc(path)}">{esc(label)}</a>'
            for kind, label in (("html", "handout"), ("notebook", "notebook"), ("plan", "plan.json"),
                                ("xlsx", "xlsx"))
            if (path := r.outputs.get(kind))
        )
        error = f'<pre class="err">{esc(r.error)}</pre>' if r.error else ""
        playbook = i18n.t(f"common.playbook.{r.playbook}", "en") if r.playbook else "—"
        rows.append(
            f'<tr class="{STATUS_CLASS.get(r.status, "")}"><td><b>{esc(r.merchant)}</b>'
            f'<div class="src">{esc(r.params_file)}</div></td><td>{esc(playbook)}</td>'
            f'<td><span class="badge {esc(r.status)}">{esc(r.status)}</span></td>'
            f"<td>{_headline(out, r)}{error}</td><td>{links}</td></tr>"
        )
    counts = {s: sum(1 for r in results if r.status == s) for s in ("ok", "failed", "skipped")}
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Merchant Growth Playbooks — portfolio</title>
<style>
body {{ font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei",
       "Noto Sans CJK SC", sans-serif; margin: 0; color: #1d2329; background: #f5f8f9; }}
main {{ max-width: 1100px; margin: 0 auto; padding: 20px; background: #fff; }}
h1 {{ color: #1f6f78; margin: 0 0 .2em; }} .counts {{ color: #5f6b76; margin-bottom: 1em; }}
.wrap {{ overflow-x: auto; }} table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: 8px; border-bottom: 1px solid #e3e7eb; vertical-align: top; }}
th {{ background: #f5f8f9; }} .src, .stage, .r {{ color: #5f6b76; font-size: .85em; }}
ul {{ margin: .3em 0 0; padding-left: 1.1em; }} a {{ color: #1f6f78; }}
.badge {{ padding: 2px 8px; border-radius: 10px; font-size: .85em; }}
.badge.ok {{ background: #e3f4ec; color: #1b6b45; }} .badge.failed {{ background: #fbeceb; color: #a12a1d; }}
.badge.skipped {{ background: #eef1f4; color: #5f6b76; }}
pre.err {{ white-space: pre-wrap; color: #a12a1d; font-size: .85em; margin: 0; }}
</style></head><body><main>
<h1>Merchant Growth Playbooks</h1>
<div class="counts">{counts['ok']} ok · {counts['failed']} failed · {counts['skipped']} skipped (up to date) ·
generated {esc(datetime.now().strftime('%Y-%m-%d %H:%M'))} · version {esc(__version__)}</div>
<div class="wrap"><table><thead><tr><th>Merchant</th><th>Playbook</th><th>Status</th><th>Headline (expected, range)</th>
<th>Files</th></tr></thead><tbody>
{''.join(rows)}
</tbody></table></div></main></body></html>
"""
    path = out / "index.html"
    atomic_write_text(path, html)
    return path
