"""Kernels for the batch: one fresh kernel per notebook, started ahead, imports already done.

A notebook kernel pays ~0.6 s to start and 2-5 s to import pandas, Altair,
SciPy and the playbook modules, every time. The batch hides that cost:

* **fork** (Linux, the default there): one *kernel server* process imports the
  heavy modules once and never runs user code; each kernel is a `fork()` of it
  that starts an IPython kernel with every module already in memory (copy on
  write). The child does the first vl-convert SVG render itself (its engine
  starts threads, which must not exist at fork time), then serves one
  notebook and is killed. No state passes between notebooks: each kernel is a
  new process made from the same never-used template.
* **spawn** (anywhere): ordinary kernels started by jupyter_client; each runs a
  silent warm-up (the same imports and a first SVG render) before it is given
  out.

Either way a `KernelPool` keeps the next kernel starting while the current
notebook runs, retries a kernel that fails to start (e.g. `ZMQError: Address
already in use`), and talks to kernels over IPC sockets, not TCP ports.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import PLAYBOOK_NAMES

#: imported once before any notebook: what every playbook's first cells import
BASE_MODULES = (
    "numpy", "pandas", "scipy.stats", "altair", "vl_convert", "IPython.display",
    "merchant_playbooks.charts", "merchant_playbooks.show", "merchant_playbooks.loading",
    "merchant_playbooks.plan", "merchant_playbooks.montecarlo", "merchant_playbooks.i18n",
)
PLAYBOOK_SUBMODULES = ("schema", "model", "plan", "charts", "panel")
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]  # what nbclient gives the kernels it starts
_TINY_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]},
              "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def warm_modules(playbooks: tuple[str, ...] = PLAYBOOK_NAMES) -> list[str]:
    """The modules to import ahead: the shared heavy ones, then each playbook's own.

    `PLAYBOOKS_WARM=mod1,mod2` replaces the list (e.g. for notebooks of your own).
    """
    if os.environ.get("PLAYBOOKS_WARM") is not None:
        return [m.strip() for m in os.environ["PLAYBOOKS_WARM"].split(",") if m.strip()]
    mods = list(BASE_MODULES)
    for name in playbooks:
        mods += [f"merchant_playbooks.{name}.{sub}" for sub in PLAYBOOK_SUBMODULES]
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
    return failed


def first_render() -> None:
    """Start vl-convert's JavaScript engine (threads: never before a fork), if it was imported ahead."""
    if "vl_convert" not in sys.modules:
        return
    with contextlib.suppress(Exception):
        import vl_convert

        vl_convert.vegalite_to_svg(_TINY_SPEC)


WARM_CODE = (
    "exec(compile({src!r}, '<batch warm-up>', 'exec'), {{}})"
)
_WARM_SRC = (
    "from merchant_playbooks.kernels import import_quietly, first_render\n"
    "import_quietly({mods!r})\n"
    "first_render()\n"
)


def warm_code(modules: list[str]) -> str:
    """Code a spawned kernel runs silently before its notebook; it leaves no names behind."""
    return WARM_CODE.format(src=_WARM_SRC.format(mods=modules))


# --------------------------------------------------------------------------------------------
# the kernel server (fork mode): its own process, `python -m merchant_playbooks.kernels SOCKET`
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
        cmd = [sys.executable, "-m", "merchant_playbooks.kernels", address, *(modules or warm_modules())]
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


@functools.lru_cache(maxsize=1)
def _manager_class():
    from jupyter_client import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import Unicode

    class ForkProvisioner(LocalProvisioner):
        server_address = ""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            pid = request_fork(self.server_address, self.parent.connection_file, kwargs.get("cwd"),
                               dict(kwargs.get("env") or os.environ))
            self.process = ForkedProcess(pid)
            self.pid, self.pgid = pid, pid
            self.cwd = kwargs.get("cwd") or os.getcwd()
            return self.connection_info

        async def send_signal(self, signum: int) -> None:
            if self.process and self.process.poll() is None:
                try:
                    os.killpg(self.pgid, signum)
                except OSError:
                    self.process.send_signal(signum)

        async def kill(self, restart: bool = False) -> None:
            if self.process:
                self.process.kill()

    class BatchKernelManager(AsyncKernelManager):
        """Forks from the kernel server when given its address; remembers its clients to close them."""

        server_address = Unicode("")

        def client(self, **kwargs: Any):
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_batch_clients", []).append(kc)
            return kc

        def close_clients(self) -> None:
            """nbclient leaves open the client of a kernel it does not own (and its heartbeat thread)."""
            for kc in self.__dict__.pop("_batch_clients", []):
                with contextlib.suppress(Exception):
                    kc.stop_channels()

        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None and self.server_address:
                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                   parent=self)
                self.provisioner.server_address = self.server_address
            return await super()._async_pre_start_kernel(**kw)

    return BatchKernelManager


@dataclass
class _Pending:
    km: Any
    started: float
    warm_client: Any = None
    warm_id: str | None = None


@dataclass
class KernelPool:
    """Kernels started ahead for one worker: `take()` one per notebook, `release()` it after.

    `server`: a `KernelServer.address` for fork mode, None for spawn mode.
    """

    cwd: str
    server: str | None = None
    ahead: int = 1
    modules: list[str] = field(default_factory=warm_modules)
    start_timeout: float = 120
    attempts: int = 3
    _pending: collections.deque = field(default_factory=collections.deque)
    _sockets: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="mpk-"))
    started: int = 0

    @property
    def mode(self) -> str:
        return "fork" if self.server else "spawn"

    def _run(self, coro):
        from jupyter_core.utils import ensure_event_loop

        return ensure_event_loop().run_until_complete(coro)

    def _start(self) -> None:
        kid = uuid.uuid4().hex
        km = _manager_class()(kernel_name="python3", server_address=self.server or "")
        km.transport = "ipc"  # no TCP ports to collide between parallel kernels
        km.ip = os.path.join(self._sockets, kid[:12])
        km.kernel_id = kid
        kwargs: dict[str, Any] = {"cwd": self.cwd}
        if not self.server:
            kwargs.update(extra_arguments=list(KERNEL_ARGS), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
        self._run(km.start_kernel(**kwargs))
        self.started += 1
        pending = _Pending(km, time.perf_counter())
        if not self.server:  # ask it to warm up now; the reply is collected in take()
            kc = km.client()
            kc.start_channels()
            pending.warm_client = kc
            pending.warm_id = kc.execute(warm_code(self.modules), silent=True, store_history=False)
        self._pending.append(pending)

    def fill(self) -> None:
        while len(self._pending) < self.ahead:
            self._start()

    def take(self):
        """A ready kernel for one notebook; the next one starts before this returns."""
        error: Exception | None = None
        for _ in range(self.attempts):
            if not self._pending:
                self._start()
            pending = self._pending.popleft()
            self.fill()
            try:
                self._run(self._ready(pending))
                return pending.km
            except Exception as exc:  # noqa: BLE001 - a kernel that did not start: try another
                error = exc
                self.release(pending.km)
        if self.server:  # the kernel server is gone or broken: go on with ordinary kernels
            print(f"playbooks: forked kernels failed ({error}); starting kernels the usual way",
                  file=sys.stderr)
            self.close()
            self.server = None
            self._sockets = tempfile.mkdtemp(prefix="mpk-")
            return self.take()
        raise RuntimeError(f"could not start a kernel ({self.attempts} attempts): {error}")

    async def _ready(self, pending: _Pending) -> None:
        """The kernel answers on its shell channel (and, spawned, has finished its warm-up).

        Shell only: a full `wait_for_ready` also waits 0.2 s for IOPub to fall quiet, which
        nbclient does anyway when it connects.
        """
        kc = pending.warm_client
        if kc is None:
            kc = pending.km.client()
            kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            wanted = pending.warm_id or kc.kernel_info()
            deadline = time.monotonic() + self.start_timeout
            while True:
                if not await pending.km.is_alive():
                    raise RuntimeError("the kernel exited while starting")
                try:
                    msg = await kc.get_shell_msg(timeout=0.5)
                except queue.Empty:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the kernel did not answer") from None
                    continue
                if msg["parent_header"].get("msg_id") == wanted:
                    return
        finally:
            kc.stop_channels()

    def release(self, km) -> None:
        """Kill a kernel that has served its notebook (a kernel serves exactly one)."""
        km.close_clients()
        try:
            self._run(km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001 - already dead is fine
            with contextlib.suppress(Exception):
                self._run(km.cleanup_resources())

    def close(self) -> None:
        while self._pending:
            pending = self._pending.popleft()
            if pending.warm_client is not None:
                pending.warm_client.stop_channels()
            self.release(pending.km)
        import shutil

        shutil.rmtree(self._sockets, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]  # like ipykernel_launcher: the kernel adds its own working folder later
    return serve(args[0], args[1:])


if __name__ == "__main__":
    sys.exit(main())
