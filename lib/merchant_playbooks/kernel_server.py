"""The kernel server (fork mode) and what every warm kernel imports ahead.

`python -m merchant_playbooks.kernel_server SOCKET MODULE...` imports the heavy modules
once (`warm_modules()`: the shared ones and each declared playbook's `preload`, from the
registry), then forks one fresh IPython kernel per request and never runs user code
itself. The batch's side (`KernelServer`, `request_fork`, `ForkedProcess`) is here too;
the pool of kernels started ahead is `kernels.py`, which explains the two modes.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import registry

#: imported once before any notebook: what every playbook's first cells import, and what every
#: playbook's run imports on its way (its review, the words around its figures, plan.json, the xlsx
#: and the .ics; the official days off): otherwise each kernel imports them for its first notebook
BASE_MODULES = (
    "numpy", "pandas", "scipy.stats", "altair", "vl_convert", "IPython.display",
    "merchant_playbooks.charts", "merchant_playbooks.show", "merchant_playbooks.loading",
    "merchant_playbooks.plan", "merchant_playbooks.montecarlo", "merchant_playbooks.i18n",
    "merchant_playbooks.review", "merchant_playbooks.review_charts", "merchant_playbooks.review_text",
    "merchant_playbooks.review_compare", "merchant_playbooks.bayes", "merchant_playbooks.diagnosis_text",
    "merchant_playbooks.economics_text", "merchant_playbooks.shop_exports.detection",
    "merchant_playbooks.planfiles", "merchant_playbooks.workbook", "merchant_playbooks.ics",
    "merchant_playbooks.daysoff", "holidays", "openpyxl.packaging.extended", "pyarrow.pandas_compat",
)
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]  # what nbclient gives the kernels it starts
_TINY_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]},
              "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def warm_modules(playbooks: tuple[str, ...] | None = None) -> list[str]:
    """The modules to import ahead: the shared heavy ones, then each playbook's own (its
    declaration's `preload`; every declared playbook unless `playbooks` names some).

    `PLAYBOOKS_WARM=mod1,mod2` replaces the list (e.g. for notebooks of your own).
    """
    if os.environ.get("PLAYBOOKS_WARM") is not None:
        return [m.strip() for m in os.environ["PLAYBOOKS_WARM"].split(",") if m.strip()]
    mods = list(BASE_MODULES)
    for name in registry.names() if playbooks is None else playbooks:
        mods += registry.get(name).preload
    return mods


def import_quietly(modules: list[str]) -> list[str]:
    """Import what imports; a playbook still being written must not stop the batch."""
    import importlib
    import importlib.util

    failed = []
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                continue
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the notebook will report it, with its cell
            failed.append(name)
    if "altair" in sys.modules:  # load and compile the Vega-Lite schema once (pure Python)
        with contextlib.suppress(Exception):
            import altair as alt

            alt.Chart({"values": [{"a": 1}]}).mark_point().encode(x="a:Q").to_dict()
            if "pandas" in sys.modules:  # and the way a DataFrame becomes a chart's data (narwhals' pandas side)
                import pandas as pd

                alt.Chart(pd.DataFrame({"a": [1.0], "d": pd.to_datetime(["2026-01-01"])})).mark_point().encode(
                    x="a:Q", y="d:T").to_dict()
    if "merchant_playbooks.i18n" in sys.modules:  # every message catalogue, read once (YAML, pure data)
        with contextlib.suppress(Exception):
            sys.modules["merchant_playbooks.i18n"].load_catalogues()
    return failed


def first_render() -> None:
    """Start vl-convert's JavaScript engine (threads: never before a fork), if it was imported ahead."""
    if "vl_convert" not in sys.modules:
        return
    with contextlib.suppress(Exception):
        import vl_convert

        vl_convert.vegalite_to_svg(_TINY_SPEC)


# --------------------------------------------------------------------------------------------
# the kernel server (fork mode): its own process, `python -m merchant_playbooks.kernel_server SOCKET`
# --------------------------------------------------------------------------------------------


def serve(sock_path: str, modules: list[str]) -> int:
    """Import `modules`, then fork one kernel per request on the Unix socket until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides when we stop, not the terminal
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(64)  # clients may connect (and wait) while we import
    failed = import_quietly(modules)
    import threading

    import ipykernel.ipkernel
    import ipykernel.kernelapp
    import ipykernel.zmqshell  # noqa: F401

    if threading.active_count() > 1:
        print(f"kernel server: {threading.active_count()} threads after imports; cannot fork safely",
              file=sys.stderr)
        return 3
    if failed:
        print(f"kernel server: could not import {', '.join(failed)}", file=sys.stderr)
    children: dict[int, int] = {}  # pid -> pidfd
    try:
        while True:
            ready, _, _ = select.select([listener, sys.stdin], [], [])
            if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
                return 0  # the batch closed our stdin (or died): stop
            if listener not in ready:
                continue
            conn, _ = listener.accept()
            with conn:
                try:
                    request = json.loads(_recv_line(conn))
                    pid = _fork_kernel(request, [listener, conn])
                    children[pid] = os.pidfd_open(pid)
                    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                except Exception as exc:  # noqa: BLE001 - tell the client, keep serving
                    conn.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode() + b"\n")
            for pid, fd in list(children.items()):  # forget the ones that ended
                if select.select([fd], [], [], 0)[0]:
                    os.close(fd)
                    del children[pid]
    finally:
        for fd in children.values():
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)
            except OSError:
                pass
        listener.close()
        Path(sock_path).unlink(missing_ok=True)


def _recv_line(conn: socket.socket, limit: int = 10_000_000) -> bytes:
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        buf += chunk
        if len(buf) > limit:
            raise ValueError("request too long")
    return buf


def _fork_kernel(request: dict, close: list[socket.socket]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: become a fresh kernel process, never return to the server loop
        for s in close:
            s.close()
        os.setsid()  # own process group: interrupts and kills reach the kernel and its children only
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request.get("env") or {})
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        os.chdir(request.get("cwd") or os.getcwd())
        if "numpy" in sys.modules:  # `random` reseeds itself after fork; numpy's global state does not
            sys.modules["numpy"].random.seed()
        first_render()
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=["-f", request["connection_file"], *KERNEL_ARGS,
                                          f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


# --------------------------------------------------------------------------------------------
# the batch's side: start the server, ask it for kernels
# --------------------------------------------------------------------------------------------


@dataclass
class KernelServer:
    """A running kernel server; `address` is what workers need to ask it for kernels."""

    process: subprocess.Popen
    address: str
    folder: str

    @classmethod
    def start(cls, modules: list[str] | None = None) -> KernelServer | None:
        """Start the server (it imports in the background); None where fork mode is unavailable."""
        if not fork_supported():
            return None
        folder = tempfile.mkdtemp(prefix="mpk-")
        address = os.path.join(folder, "s")
        cmd = [sys.executable, "-m", "merchant_playbooks.kernel_server", address, *(modules or warm_modules())]
        log = open(os.path.join(folder, "server.log"), "wb")  # noqa: SIM115
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
                                start_new_session=True, cwd=folder)
        log.close()
        deadline = time.monotonic() + 10
        while not os.path.exists(address) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if not os.path.exists(address):
            proc.kill()
            return None
        return cls(proc, address, folder)

    def log_text(self) -> str:
        try:
            return Path(self.folder, "server.log").read_text(errors="replace").strip()
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.close()  # type: ignore[union-attr]
                self.process.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def fork_supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")


def request_fork(address: str, connection_file: str, cwd: str | None, env: dict, timeout: float = 120) -> int:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(address)
        s.sendall(json.dumps({"connection_file": connection_file, "cwd": cwd, "env": env}).encode() + b"\n")
        reply = json.loads(_recv_line(s) or b'{"error": "the kernel server closed the connection"}')
    if "error" in reply:
        raise RuntimeError(f"kernel server: {reply['error']}")
    return int(reply["pid"])


class ForkedProcess:
    """Enough of `subprocess.Popen` for jupyter_client, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd, self.returncode = None, -1

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None and select.select([self._fd], [], [], 0)[0]:
            self._close(-1)  # not our child: the exit status is the server's to collect
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            self._close(-1)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, sig: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        if self.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)  # the kernel and anything it started
            except OSError:
                self.send_signal(signal.SIGKILL)
            try:
                self.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def _close(self, code: int) -> None:
        self.returncode = code
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]  # like ipykernel_launcher: the kernel adds its own working folder later
    return serve(args[0], args[1:])


if __name__ == "__main__":
    sys.exit(main())
