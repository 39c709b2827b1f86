"""`watch_s` for `make bench` (called by tests/bench.py): a params file saved -> its handout rewritten.

Starts `playbooks watch` on a copy of one merchant's params file, waits for its first handout,
then saves a changed value (merchant.fans + 1) a few times and times each save until the
handout file is replaced. No main(): tests/bench.py runs it as part of its own figures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml


def start_watch(params: Path, out: Path, log: Path, *extra: str) -> subprocess.Popen:
    """`playbooks watch PARAMS --out OUT --port 0`, output to `log`; returns once it says it is watching."""
    with log.open("w") as f:
        proc = subprocess.Popen([sys.executable, "-m", "merchant_playbooks.cli", "watch", str(params), "--out",
                                 str(out), "--port", "0", *extra], stdout=f, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + 300
    while "watching" not in log.read_text(encoding="utf-8", errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_watch(proc)
            raise RuntimeError(f"playbooks watch did not start: {log.read_text(errors='replace')[-1500:]}")
        time.sleep(0.05)
    return proc


def stop_watch(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait()
    return proc.returncode


def wait_replaced(path: Path, before: int | None, timeout: float = 120) -> float:
    """Seconds until `path` exists with an inode/mtime other than `before`."""
    started = time.perf_counter()
    while True:
        try:
            st = path.stat()
            if (st.st_ino, st.st_mtime_ns) != before:
                return time.perf_counter() - started
        except FileNotFoundError:
            pass
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{path} was not rewritten in {timeout:.0f} s")
        time.sleep(0.01)


def stamp(path: Path):
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def watch_seconds(params: Path, playbook: str, folder: Path, saves: int = 3) -> list[float]:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / params.name
    data = yaml.safe_load(params.read_text(encoding="utf-8"))
    data["playbooks"] = [playbook]
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    proc = start_watch(copy, out, folder / "watch.log")
    try:
        handout = out / data["merchant"]["id"] / f"{playbook}.html"
        wait_replaced(handout, None)
        time.sleep(0.5)  # let the watcher settle after its first round
        seconds = []
        for _ in range(saves):
            before = stamp(handout)
            data["merchant"]["fans"] = int(data["merchant"].get("fans") or 0) + 1
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            t0 = time.perf_counter()
            copy.write_text(text, encoding="utf-8")
            wait_replaced(handout, before)
            seconds.append(time.perf_counter() - t0)
            time.sleep(0.3)
        return seconds
    finally:
        stop_watch(proc)
