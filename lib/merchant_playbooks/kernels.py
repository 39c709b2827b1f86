"""Kernels for the batch: a fresh namespace per notebook, kernels started ahead, imports already done.

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

**Reuse** (`reuse` > 1): a kernel whose notebook ran to its end serves the worker's
next notebook after a reset: IPython's `reset()` empties the namespace (every name
the notebook made, `Out`, `_`, history; the execution count starts again at 1), the
working folder goes back to the pool's, and a garbage collection frees the old
plan. Imported modules and the library's per-file caches stay, which is the point:
no fork, no first chart render, nothing to import. A notebook that failed, timed
out or killed its kernel never hands its kernel on, and a kernel is retired after
`reuse` notebooks, so memory stays flat over a long batch.

The pool is here; the kernel server, the batch's client of it and the list of modules to
import ahead (the shared ones and each declared playbook's `preload`) are `kernel_server.py`.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import queue
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from .kernel_server import (  # noqa: F401 - the server's names, importable from here as before
    BASE_MODULES,
    KERNEL_ARGS,
    ForkedProcess,
    KernelServer,
    first_render,
    fork_supported,
    import_quietly,
    request_fork,
    warm_modules,
)

WARM_CODE = (
    "exec(compile({src!r}, '<batch warm-up>', 'exec'), {{}})"
)
_WARM_SRC = (
    "from merchant_playbooks.kernel_server import import_quietly, first_render\n"
    "import_quietly({mods!r})\n"
    "first_render()\n"
)


_RESET_SRC = (
    "import gc, os\n"
    "from IPython import get_ipython\n"
    "get_ipython().reset(new_session=True)\n"
    "os.chdir({cwd!r})\n"
    "gc.collect()\n"
)


def warm_code(modules: list[str]) -> str:
    """Code a spawned kernel runs silently before its notebook; it leaves no names behind."""
    return WARM_CODE.format(src=_WARM_SRC.format(mods=modules))


def reset_code(cwd: str) -> str:
    """Code that readies a kernel for its next notebook: a fresh namespace, the pool's working folder."""
    return WARM_CODE.format(src=_RESET_SRC.format(cwd=cwd))


@functools.lru_cache(maxsize=1)
def _ready_client_class():
    from jupyter_client import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        """nbclient's client, ready as soon as the kernel has answered on both channels.

        jupyter_client's `wait_for_ready` ends by waiting for IOPub to stay quiet for 0.2 s (and for a
        first IOPub message for 0.2 s more each time the subscription is not yet connected): a fixed
        0.2-0.4 s per notebook. Here the kernel's own busy/idle status for our `kernel_info` request,
        seen on IOPub, says both channels are connected; older IOPub messages, if any come through,
        belong to other requests and nbclient skips them (it reads only its cell's own messages).
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                wanted = self.kernel_info()
                reply = await self._matching(self.get_shell_msg, wanted, 1.0)
                if reply is not None and await self._matching(self.get_iopub_msg, wanted, 0.2, idle=True):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        @staticmethod
        async def _matching(get, wanted: str, timeout: float, idle: bool = False) -> dict | None:
            """The next message on a channel answering `wanted` (its idle status, with `idle`), or None
            when none comes within `timeout` seconds."""
            end = time.monotonic() + timeout
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = await get(timeout=left)
                except queue.Empty:
                    return None
                if msg["parent_header"].get("msg_id") != wanted:
                    continue
                if not idle or (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"):
                    return msg
            return None

    return ReadyClient


@functools.lru_cache(maxsize=1)
def _manager_class():
    from jupyter_client import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import Type, Unicode

    ReadyClient = _ready_client_class()

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
        client_factory = Type(ReadyClient)

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
    reuse: int = 1  # notebooks one kernel may serve, each in a fresh namespace (1: a new kernel for each)
    _pending: collections.deque = field(default_factory=collections.deque)
    _reset: list = field(default_factory=list)  # kernels reset after a notebook, ready for the next
    _sockets: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="mpk-"))
    started: int = 0
    reused: int = 0

    @property
    def mode(self) -> str:
        return "fork" if self.server else "spawn"

    def _run(self, coro):
        """Run one of the kernel manager's coroutines to its end, from synchronous code.

        The same way jupyter_client's blocking clients and nbclient (papermill's `execute`) do it,
        `jupyter_core.utils.run_sync`: on this thread's own loop when none is running here, else on a
        loop in a background thread. A plain `run_until_complete` fails ("Cannot run the event loop
        while another loop is running") wherever this thread already runs a loop: called from a
        notebook or Voila, or while Playwright's sync API is open in the same thread (the browser
        tests' session fixture), and then every batch after it in that process.
        """
        from jupyter_core.utils import run_sync

        async def wait():
            return await coro

        return run_sync(wait)()

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
        """A ready kernel for one notebook: a reset one if there is one, else a new one (the next starts)."""
        while self._reset:
            pending = self._reset.pop()
            try:
                status = self._run(self._ready(pending))["content"].get("status")
            except Exception:  # noqa: BLE001 - a kernel that could not be reset is not handed on
                status = "error"
            if status == "ok":
                self.reused += 1
                return pending.km
            self._kill(pending.km)
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
                self._kill(pending.km)
        if self.server:  # the kernel server is gone or broken: go on with ordinary kernels
            print(f"playbooks: forked kernels failed ({error}); starting kernels the usual way",
                  file=sys.stderr)
            self.close()
            self.server = None
            self._sockets = tempfile.mkdtemp(prefix="mpk-")
            return self.take()
        raise RuntimeError(f"could not start a kernel ({self.attempts} attempts): {error}")

    async def _ready(self, pending: _Pending) -> dict:
        """The kernel answers on its shell channel (and, spawned, has finished its warm-up).

        Shell only: a full `wait_for_ready` also waits 0.2 s for IOPub to fall quiet, which
        nbclient does anyway when it connects.
        """
        kc = pending.warm_client
        if kc is None:
            kc = _shell_client(pending.km)
        return await self._reply(pending.km, kc, pending.warm_id or kc.kernel_info(), self.start_timeout)

    async def _reply(self, km, kc, wanted: str, timeout: float) -> dict:
        """The shell reply to message `wanted` (the client's channels are stopped after)."""
        try:
            deadline = time.monotonic() + timeout
            while True:
                if not await km.is_alive():
                    raise RuntimeError("the kernel exited while starting")
                try:
                    msg = await kc.get_shell_msg(timeout=0.5)
                except queue.Empty:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the kernel did not answer") from None
                    continue
                if msg["parent_header"].get("msg_id") == wanted:
                    return msg
        finally:
            kc.stop_channels()

    def release(self, km, reusable: bool = False) -> None:
        """Done with a kernel: when `reusable` (its notebook ran to the end) and it has served fewer than
        `reuse`, ask it to reset for the next notebook and return at once (the reset runs while the
        handout is exported; `take()` waits for its reply); otherwise kill it."""
        km.close_clients()
        uses = km.__dict__["_batch_uses"] = km.__dict__.get("_batch_uses", 0) + 1
        if reusable and uses < self.reuse:
            try:
                kc = _shell_client(km)
                msg_id = kc.execute(reset_code(self.cwd), silent=True, store_history=False)
                self._reset.append(_Pending(km, time.perf_counter(), warm_client=kc, warm_id=msg_id))
                return
            except Exception:  # noqa: BLE001 - a kernel that cannot be asked is not handed on
                km.close_clients()
        self._kill(km)

    def _kill(self, km) -> None:
        try:
            self._run(km.shutdown_kernel(now=True))
        except Exception:  # noqa: BLE001 - already dead is fine
            with contextlib.suppress(Exception):
                self._run(km.cleanup_resources())

    def close(self) -> None:
        while self._pending or self._reset:
            pending = (self._pending or self._reset).pop()
            if pending.warm_client is not None:
                pending.warm_client.stop_channels()
            self._kill(pending.km)
        import shutil

        shutil.rmtree(self._sockets, ignore_errors=True)


def _shell_client(km):
    kc = km.client()
    kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    return kc
