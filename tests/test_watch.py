"""`playbooks watch`: a real save re-renders the real handout; a bad save keeps it and says why, as
`validate` does; Ctrl-C leaves no process behind. Also: a reused kernel starts each notebook with a
fresh namespace, and a playbook re-runs only when its own inputs change."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from bench_watch import stamp, start_watch, stop_watch, wait_replaced
from conftest import PARAMS, SAMPLES
from merchant_playbooks.loading import load_params
from merchant_playbooks.runner import plan_jobs
from test_app_signals import _alive, _tree

PLAYBOOK = "first_event_bargaining"
# the sample merchant's params and the actuals they name (re-dated: the event ran in Nov 2026, before
# the pinned run date, tests/conftest.py), copied next to a test's own params file
BLOOM_ACTUALS = "bloom-household-first_event_bargaining-actuals-2026-11.csv"


def _replace(text: str, old: str, new: str) -> str:
    """`text.replace(old, new)` that fails unless `old` is there exactly once: a stale fixture (a sample
    re-dated or reworded) must fail here, not pass or fail for the wrong reason further on."""
    assert text.count(old) == 1, f"{text.count(old)} times in the text, not once (the sample changed?): {old!r}"
    return text.replace(old, new)


def _state(url: str) -> dict:
    return json.loads(urllib.request.urlopen(url + "state.json", timeout=10).read())


def _wait(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"not within {seconds:.0f} s: {what}")


def test_a_save_re_renders_the_handout_a_bad_save_keeps_it_and_ctrl_c_stops_everything(tmp_path):
    folder = tmp_path / "params"
    folder.mkdir()
    actuals = tmp_path / "actuals.csv"
    shutil.copy(SAMPLES / BLOOM_ACTUALS, actuals)
    text = (PARAMS / "bloom-household.yaml").read_text(encoding="utf-8")
    text = _replace(text, f"../data/samples/{BLOOM_ACTUALS}", "../actuals.csv")
    stock_line = text.splitlines().index("  stock: 300") + 1
    params = folder / "bloom-household.yaml"
    params.write_text(text, encoding="utf-8")
    out, log = tmp_path / "out", tmp_path / "watch.log"
    proc = start_watch(params, out, log)
    try:
        url = _wait(lambda: next((w.rstrip("/") + "/" for w in log.read_text().split() if "/watch/" in w), None),
                    10, "the page's address")
        folder_out = out / "bloom-household"
        handout, plan = folder_out / f"{PLAYBOOK}.html", folder_out / f"{PLAYBOOK}.plan.json"
        # the params' stock (plan.json "stock" is what the rules publish: this stock capped at what the budget covers)
        assert json.loads(plan.read_text())["stock_available"] == 300
        page = urllib.request.urlopen(f"{url}bloom-household/{PLAYBOOK}", timeout=10).read().decode()
        assert f'src="/bloom-household/{PLAYBOOK}.html"' in page and "state.json" in page
        assert "<script" not in handout.read_text(encoding="utf-8")  # the handout itself stays script-free
        before = _state(url)["handouts"][f"bloom-household/{PLAYBOOK}"]
        time.sleep(0.5)

        # a real save of a changed value: the handout, plan and workbook are rewritten, the page sees it
        first = stamp(handout)
        params.write_text(_replace(text, "stock: 300", "stock: 333"), encoding="utf-8")
        wait_replaced(handout, first, timeout=120)
        assert json.loads(plan.read_text())["stock_available"] == 333
        assert "333" in handout.read_text(encoding="utf-8")
        assert _state(url)["handouts"][f"bloom-household/{PLAYBOOK}"] != before

        # a save of the data file the params name re-runs it too
        second = stamp(handout)
        actuals.write_text(_replace(actuals.read_text(), "2026-11-05,174,", "2026-11-05,999,"), encoding="utf-8")
        wait_replaced(handout, second, timeout=120)

        # a bad save: the same message as `validate`, in the terminal and on the page; the handout stays
        good = stamp(handout), plan.read_bytes()
        params.write_text(_replace(text, "stock: 300", "stock: lots"), encoding="utf-8")
        check = subprocess.run([sys.executable, "-m", "merchant_playbooks.cli", "validate", str(params)],
                               check=False, capture_output=True, text=True, timeout=60)
        message = check.stderr.strip()
        assert check.returncode == 1 and f":{stock_line}: first_event_bargaining.stock = 'lots' must be a whole number" in message
        errors = _wait(lambda: _state(url)["errors"], 30, "the error on the page")
        assert [line for e in errors for line in e["lines"]] == [message]
        _wait(lambda: message in log.read_text(), 10, "the error in the terminal")
        time.sleep(1)
        assert (stamp(handout), plan.read_bytes()) == good

        params.write_text(text, encoding="utf-8")  # fixed again: the error goes away
        _wait(lambda: not _state(url)["errors"], 60, "the error cleared")
        family = set(_tree(proc.pid))
        assert family  # the kernel server and its kernels
    finally:
        code = stop_watch(proc)
    assert code == 0, log.read_text()[-2000:]
    assert "stopped" in log.read_text()
    assert _wait(lambda: not [p for p in family if _alive(p)], 30, "every process of the watch gone")
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())


@pytest.mark.parametrize("loop", [False, True], ids=["plain", "where-a-loop-runs"])
def test_a_reused_kernel_gives_each_notebook_a_fresh_namespace(tmp_path, loop):
    """Also from a thread whose asyncio loop is running (a notebook, Voila, Playwright's sync API left
    open by an earlier test): the pool is synchronous code and must work there too."""
    try:
        asyncio.get_running_loop()
        running = True  # one already runs in this thread (Playwright's, from the browser tests)
    except RuntimeError:
        running = False
    if loop and not running:
        async def inside() -> None:
            _reused_kernel_fresh_namespace(tmp_path)

        asyncio.run(inside())
    else:
        _reused_kernel_fresh_namespace(tmp_path)


def _reused_kernel_fresh_namespace(tmp_path):
    from merchant_playbooks.kernels import KernelPool, KernelServer

    server = KernelServer.start(["json"])
    pool = KernelPool(cwd=str(tmp_path), server=server.address if server else None, modules=["json"], reuse=3)

    def run(km, code: str) -> list[str]:
        kc = km.client()
        kc.start_channels()
        seen: list[str] = []
        try:
            # IOPub is a PUB/SUB socket: what the kernel publishes before this client's subscription
            # reaches it is dropped (ZMQ's "slow joiner"). Executing straight after start_channels()
            # could lose the stream (print) message and see only the final idle status, so first wait
            # until IOPub is seen to deliver, as nbclient does for every notebook (wait_for_ready).
            pool._run(kc.wait_for_ready(timeout=60))
            pool._run(kc.execute_interactive(code, timeout=60,
                                             output_hook=lambda m: seen.append(m["content"].get("text", ""))))
        finally:
            kc.stop_channels()
        return seen

    try:
        km = pool.take()
        pid, count = "".join(run(km, "import os; LEAK = 1; os.chdir('/'); "
                                     "print(os.getpid(), get_ipython().execution_count)")).split()
        pool.release(km, reusable=True)
        again = pool.take()
        assert again is km and pool.reused == 1
        seen = "".join(run(again, "import os; print(os.getpid(), 'LEAK' in globals(), os.getcwd(), "
                                  "get_ipython().execution_count)"))
        # the same process; no name of the last notebook; the pool's folder; cells counted as in a new kernel
        assert seen.split() == [pid, "False", str(tmp_path), count]
        pool.release(again, reusable=False)  # a notebook that failed: its kernel is not handed on
        assert pool.take() is not km
    finally:
        pool.close()
        if server:
            server.stop()


def test_a_playbook_re_runs_only_when_its_own_inputs_change(tmp_path):
    base = (PARAMS / "bloom-household.yaml").read_text(encoding="utf-8")
    text = _replace(base, "playbooks: [first_event_bargaining]",
                    "playbooks: [first_event_bargaining, zero_fan_launch]")
    text += "\nzero_fan_launch:\n  start_date: today+14\n"  # a plan to be run, as the samples date them
    path = tmp_path / "bloom-household.yaml"
    shutil.copy(SAMPLES / BLOOM_ACTUALS, tmp_path / "a.csv")
    text = _replace(text, f"../data/samples/{BLOOM_ACTUALS}", "a.csv")

    def prints(t: str) -> dict[str, str]:
        path.write_text(t, encoding="utf-8")
        load_params(path)
        jobs, failed, _ = plan_jobs([path], tmp_path / "out")
        assert not failed
        return {j.playbook: j.fingerprint for j in jobs}

    first = prints(text)
    assert prints(_replace(text, "# official-account followers today", "# a new comment")) == first
    other = prints(_replace(text, "start_date: today+14", "start_date: today+21"))
    assert other[PLAYBOOK] == first[PLAYBOOK] and other["zero_fan_launch"] != first["zero_fan_launch"]
    own = prints(_replace(text, "stock: 300", "stock: 301"))
    assert own[PLAYBOOK] != first[PLAYBOOK] and own["zero_fan_launch"] == first["zero_fan_launch"]
    merchant = prints(_replace(text, "budget: 8000", "budget: 9000"))
    assert all(merchant[k] != first[k] for k in first)
    (tmp_path / "a.csv").write_text((tmp_path / "a.csv").read_text() + "\n", encoding="utf-8")
    data = prints(text)
    assert data[PLAYBOOK] != first[PLAYBOOK] and data["zero_fan_launch"] == first["zero_fan_launch"]


def test_a_saved_data_file_touches_the_params_files_that_name_it(tmp_path):
    from merchant_playbooks.batch import BatchOptions
    from merchant_playbooks.watch import Watch
    from merchant_playbooks.watch_page import Board

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for p in (a, b):
        p.write_text("merchant: {name: X}\n", encoding="utf-8")
    w = Watch([tmp_path], BatchOptions(out=tmp_path / "out"), Board(tmp_path / "out"), runner=None)
    data = (tmp_path / "orders.csv").resolve()
    w.deps = {a.resolve(): {data}, b.resolve(): set()}
    assert w.affected({data}) == [a]
    assert w.affected({b.resolve()}) == [b]
    c = tmp_path / "c.yaml"
    c.write_text("merchant: {name: Y}\n", encoding="utf-8")
    assert w.affected({c.resolve()}) == [c]  # a new file in a watched folder
    assert w.watched() == [tmp_path.resolve()]

