"""What `playbooks watch` serves on 127.0.0.1: the output folder, and a wrapper page per handout.

* `/<slug>/<playbook>.html`, `/index.html`, ...: the files of `out/` as they are (hidden
  files and folders such as `.staging` are not served). Handouts stay script-free.
* `/watch/<slug>/<playbook>`: the wrapper: the handout in a frame, reloaded (at the same
  scroll position) when its file is replaced, and the watch's errors above it, with the
  same `file:line` messages as `playbooks validate` and the terminal.
* `/watch/` (and `/`): every handout in the folder, linked to its wrapper page.
* `/watch/state.json`: what the wrapper polls: each handout's stamp, the errors, busy or not.
"""

from __future__ import annotations

import html
import json
import re
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

POLL_MS = 250
_KEY = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9_]+")  # slug/playbook


class Board:
    """The watch's state, shared with the server's threads: errors by params file, busy or not."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._lock = threading.Lock()
        self._errors: dict[str, list[str]] = {}
        self.busy = False

    def set_errors(self, source: str, lines: list[str]) -> None:
        with self._lock:
            if lines:
                self._errors[source] = list(lines)
            else:
                self._errors.pop(source, None)

    def errors(self) -> dict[str, list[str]]:
        with self._lock:
            return {k: list(v) for k, v in self._errors.items()}

    def handouts(self) -> dict[str, str]:
        """`slug/playbook` -> a stamp that changes whenever the handout file is replaced."""
        found = {}
        for path in sorted(self.out.glob("*/*.html")):
            if path.parent.name.startswith(".") or path.name.startswith("."):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            found[f"{path.parent.name}/{path.name[:-len('.html')]}"] = f"{st.st_mtime_ns}-{st.st_ino}"
        return found

    def state(self) -> dict:
        return {"busy": self.busy, "errors": [{"file": k, "lines": v} for k, v in self.errors().items()],
                "handouts": self.handouts()}


_STYLE = """body{margin:0;font:14px/1.4 system-ui,sans-serif;display:flex;flex-direction:column;height:100vh}
#bar{padding:6px 12px;background:#f3f4f6;border-bottom:1px solid #d1d5db}
#errors{margin:0;padding:8px 12px;background:#fef2f2;color:#991b1b;border-bottom:1px solid #fca5a5;
white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace;max-height:40vh;overflow:auto}
iframe{flex:1;border:0;width:100%}ul{padding:12px 32px}"""

_SCRIPT = """const key = %(key)s, poll = %(poll)d;
let seen = null;
function show(errors) {
  const box = document.getElementById("errors");
  box.textContent = errors.map(e => e.lines.join("\\n")).join("\\n\\n");
  box.hidden = !errors.length;
}
async function tick() {
  try {
    const s = await (await fetch("/watch/state.json", {cache: "no-store"})).json();
    const stamp = s.handouts[key];
    const frame = document.getElementById("handout");
    if (stamp && seen !== null && stamp !== seen) {
      let y = 0;
      try { y = frame.contentWindow.scrollY; } catch (e) {}
      frame.onload = () => { try { frame.contentWindow.scrollTo(0, y); } catch (e) {} };
      frame.src = "/" + key + ".html?v=" + encodeURIComponent(stamp);
      document.getElementById("when").textContent = "rewritten " + new Date().toLocaleTimeString();
    }
    if (stamp) seen = stamp;
    document.body.dataset.stamp = seen || "";
    document.getElementById("status").textContent = s.busy ? "running…" : (stamp ? "watching" : "no handout yet");
    show(s.errors);
  } catch (e) {
    document.getElementById("status").textContent = "playbooks watch has stopped";
  }
  setTimeout(tick, poll);
}
tick();"""


def wrapper_page(key: str) -> str:
    """The page around one handout (`slug/playbook`): errors above it, the frame reloaded when it changes."""
    name = html.escape(key)
    script = _SCRIPT % {"key": json.dumps(key), "poll": POLL_MS}
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name} · playbooks watch</title>'
            f'<style>{_STYLE}</style></head><body><div id="bar"><b>{name}</b> · <span id="status">watching</span>'
            f' <span id="when"></span> · <a href="/watch/">all handouts</a> · <a href="/index.html">index</a></div>'
            f'<pre id="errors" hidden></pre><iframe id="handout" title="{name}" '
            f'src="/{html.escape(key, quote=True)}.html"></iframe><script>{script}</script></body></html>')


def list_page(board: Board) -> str:
    items = "".join(f'<li><a href="/watch/{html.escape(k, quote=True)}">{html.escape(k)}</a></li>'
                    for k in board.handouts())
    errors = "\n\n".join("\n".join(lines) for lines in board.errors().values())
    box = f'<pre id="errors">{html.escape(errors)}</pre>' if errors else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>playbooks watch</title>'
            f'<style>{_STYLE}</style></head><body><div id="bar"><b>playbooks watch</b> · '
            f'<a href="/index.html">index</a></div>{box}<ul>{items or "<li>no handout yet</li>"}</ul></body></html>')


class _Handler(SimpleHTTPRequestHandler):
    board: Board

    def log_message(self, format, *args) -> None:  # quiet: the terminal is for the watch
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # http.server's name
        path = self.path.split("?", 1)[0]
        if path in ("/", "/watch", "/watch/"):
            return self._send(list_page(self.board), "text/html")
        if path == "/watch/state.json":
            return self._send(json.dumps(self.board.state(), ensure_ascii=False), "application/json")
        if path.startswith("/watch/"):
            key = path[len("/watch/"):].strip("/")
            if _KEY.fullmatch(key):  # a handout not written yet gets its page too: it shows up when it is
                return self._send(wrapper_page(key), "text/html")
            return self.send_error(HTTPStatus.NOT_FOUND)
        if any(part.startswith(".") for part in path.split("/")):
            return self.send_error(HTTPStatus.NOT_FOUND)
        return super().do_GET()

    def _send(self, text: str, kind: str) -> None:
        body = text.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(board: Board, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start serving in a background thread; `.server_address[1]` is the port (`port=0`: a free one)."""
    handler = type("WatchHandler", (_Handler,), {"board": board})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(board.out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="playbooks-watch-http", daemon=True).start()
    return server
