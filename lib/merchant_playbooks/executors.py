"""Where the notebooks run: local worker processes (`-j N`), or an existing Dask cluster.

Both take the same jobs and hand back the same `Result`s, one at a time, as
they finish; the batch (`batch.py`) decides what to do with them.

* `LocalExecutor`: N worker processes. Each keeps a `KernelPool` (kernels
  started ahead, imports done, see `kernels.py`) and imports papermill and the
  handout exporter once, so a notebook costs its own cells plus a little.
  A worker never runs two notebooks at once; no CLI subprocess per notebook.
* `DaskExecutor`: one task per merchant × playbook on a Dask distributed
  cluster. The notebook and the data files a section names travel with the
  task; the finished files travel back and are written under `--out` here.
  Workers need the project installed; one notebook at a time per worker
  process (`dask worker ADDRESS --nworkers N --nthreads 1`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from .runner import Job, Result, execute, install, new_staging, run_job

OnResult = Callable[[Result], None]


@dataclass
class WorkerConfig:
    """What every worker needs to run notebooks; picklable."""

    notebook_dir: str | None = None
    timeout: float | None = None
    kernels: str = "auto"  # auto | fork | spawn | papermill (papermill starts and stops its own kernel)
    server: str | None = None  # the kernel server's address (fork mode)
    modules: list[str] | None = None  # what warm kernels import ahead (default: kernels.warm_modules())
    ahead: int = 1  # kernels kept starting per worker
    reuse: int = 8  # notebooks one kernel serves, each in a fresh namespace, before a new one (1: never reuse)


# --------------------------------------------------------------------------------------------
# inside a worker process
# --------------------------------------------------------------------------------------------


class _Worker:
    """One worker's state: its kernel pool, kept for every notebook it runs."""

    def __init__(self, cfg: WorkerConfig, cwd: str) -> None:
        from . import kernels

        self.cfg = cfg
        self.pool = None
        if cfg.kernels != "papermill":
            server = cfg.server if cfg.kernels in ("auto", "fork") else None
            self.pool = kernels.KernelPool(cwd=cwd, server=server, ahead=cfg.ahead, reuse=cfg.reuse,
                                           modules=cfg.modules or kernels.warm_modules())
            self.pool.fill()  # the first kernel starts while papermill and nbconvert load
        import papermill  # noqa: F401

        from .export import _exporter

        _exporter()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


_WORKER: _Worker | None = None
_STOPPING = False  # set by SIGTERM: this worker takes no further job, whatever caught the first exit


def _on_sigterm(signum, frame) -> None:
    global _STOPPING
    _STOPPING = True
    raise SystemExit(143)  # unwinds through run_job: staging removed, the kernel killed


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)
            return


def _init_worker(cfg: WorkerConfig, parent: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    signal.signal(signal.SIGTERM, _on_sigterm)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    nb_dir = str(Path(cfg.notebook_dir).resolve()) if cfg.notebook_dir else None
    from .registry import NOTEBOOK_DIR

    _WORKER = _Worker(cfg, nb_dir or str(NOTEBOOK_DIR))
    atexit.register(_WORKER.close)


def _run_in_worker(job: Job, out: str) -> Result:
    assert _WORKER is not None
    if _STOPPING:  # told to stop while a job ran, and the job swallowed the exit: start nothing new
        _WORKER.close()
        os._exit(143)
    cfg = _WORKER.cfg
    try:
        return run_job(job, out, cfg.notebook_dir, cfg.timeout, kernels=_WORKER.pool)
    except SystemExit:  # SIGTERM: the pool would catch this and take the next job; stop for real
        _WORKER.close()
        os._exit(143)


# --------------------------------------------------------------------------------------------
# local worker processes
# --------------------------------------------------------------------------------------------


@dataclass
class LocalExecutor:
    workers: int
    cfg: WorkerConfig = field(default_factory=WorkerConfig)
    max_attempts: int = 2  # a job whose worker process died is tried once more

    def run(self, jobs: list[Job], out: Path, on_result: OnResult) -> None:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        attempts = {id(j): 0 for j in jobs}
        queue = list(jobs)
        while queue:
            ctx = _mp_context()
            pool = ProcessPoolExecutor(max_workers=max(1, min(self.workers, len(queue))), mp_context=ctx,
                                       initializer=_init_worker, initargs=(self.cfg, os.getpid()))
            futures: dict[Future, Job] = {}
            reported: set[Future] = set()
            try:
                futures = {pool.submit(_run_in_worker, job, str(out)): job for job in queue}
                queue = []
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = futures[fut]
                        reported.add(fut)
                        try:
                            on_result(fut.result())
                        except BrokenProcessPool:
                            attempts[id(job)] += 1
                            if attempts[id(job)] >= self.max_attempts:
                                on_result(_failed(job, "the worker process died (out of memory or a crash)"))
                            else:
                                queue.append(job)
                        except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the batch
                            on_result(_failed(job, f"{type(exc).__name__}: {exc}"))
                pool.shutdown(wait=True)
            except BaseException:  # Ctrl-C, SIGTERM: stop the workers, leave finished outputs as they are
                _stop_pool(pool)
                # jobs that finished while the batch was stopping have their outputs in place: record them,
                # so the summary lists every output on disk (and a resume skips them)
                for fut in futures:
                    if fut in reported or not fut.done() or fut.cancelled() or fut.exception() is not None:
                        continue
                    result = fut.result()
                    if result.status == "ok":
                        on_result(result)
                raise


def _mp_context():
    import multiprocessing as mp

    # fork is cheap and the batch process is light and single-threaded; elsewhere spawn
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _stop_pool(pool) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            try:
                os.kill(p.pid, signal.SIGTERM)
            except OSError:
                pass
    deadline = time.monotonic() + 10
    for p in procs:
        p.join(timeout=max(0.1, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(timeout=2)


def _failed(job: Job, error: str) -> Result:
    return Result(job.merchant, job.slug, job.playbook, "failed", 0.0, error=error, params_file=job.source)


# --------------------------------------------------------------------------------------------
# Dask
# --------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    """What a remote worker needs besides the project: the notebook and the section's data files."""

    notebook: bytes
    files: dict[str, bytes]  # path as written in the section (relative to the params file, or absolute)


def collect_inputs(job: Job, notebook: Path) -> Inputs:
    from .outputs import DATA_SUFFIXES

    base = Path(job.params_path).parent
    files: dict[str, bytes] = {}
    for value in _strings(job.raw.get(job.playbook)):
        if value.lower().endswith(DATA_SUFFIXES):
            p = Path(value) if Path(value).is_absolute() else base / value
            if p.is_file():
                files[value] = p.read_bytes()
    return Inputs(notebook.read_bytes(), files)


def _strings(v) -> Iterable[str]:
    if isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)
    elif isinstance(v, str):
        yield v


def _replace_strings(v, mapping: dict[str, str]):
    if isinstance(v, dict):
        return {k: _replace_strings(x, mapping) for k, x in v.items()}
    if isinstance(v, list):
        return [_replace_strings(x, mapping) for x in v]
    return mapping.get(v, v) if isinstance(v, str) else v


class _DaskRuntime:
    """Per Dask worker process: one thread that owns the kernel server, the pool and papermill."""

    def __init__(self, cfg: WorkerConfig) -> None:
        import tempfile
        from concurrent.futures import ThreadPoolExecutor

        self.cfg = cfg
        self.root = Path(tempfile.mkdtemp(prefix="mp-dask-"))
        self.notebooks = self.root / "notebooks"
        self.notebooks.mkdir()
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playbooks")
        self.server = None
        self.worker: _Worker | None = None
        self.thread.submit(self._start).result()
        atexit.register(self.close)

    def _start(self) -> None:
        from . import kernels

        if self.cfg.kernels in ("auto", "fork"):
            self.server = kernels.KernelServer.start(self.cfg.modules)
        cfg = replace(self.cfg, server=self.server.address if self.server else None)
        self.worker = _Worker(cfg, str(self.notebooks))

    def run(self, job: Job, inputs: Inputs) -> tuple[Result, dict[str, bytes]]:
        return self.thread.submit(self._run, job, inputs).result()

    def _run(self, job: Job, inputs: Inputs) -> tuple[Result, dict[str, bytes]]:
        import tempfile

        assert self.worker is not None
        notebook = self.notebooks / f"{job.playbook}.ipynb"
        notebook.write_bytes(inputs.notebook)
        with tempfile.TemporaryDirectory(dir=self.root) as tmp:
            job = _materialize(job, inputs, Path(tmp))
            staging = Path(tmp) / "staging"
            staging.mkdir()
            result = execute(job, notebook, staging, self.cfg.timeout, self.worker.pool)
            files = {p.name: p.read_bytes() for p in staging.iterdir() if p.is_file() and not p.name.startswith(".")}
        return result, files

    def close(self) -> None:
        def stop() -> None:
            if self.worker:
                self.worker.close()
            if self.server:
                self.server.stop()

        with contextlib.suppress(Exception):
            self.thread.submit(stop).result(timeout=30)
        self.thread.shutdown(wait=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _materialize(job: Job, inputs: Inputs, tmp: Path) -> Job:
    """Recreate the data files beside a stand-in params file; relative paths stay as written."""
    depth = max([Path(p).parts.count("..") for p in inputs.files if not Path(p).is_absolute()] + [0])
    params_dir = tmp.joinpath("in", *[f"d{i}" for i in range(depth)])
    params_dir.mkdir(parents=True)
    mapping: dict[str, str] = {}
    for i, (value, data) in enumerate(inputs.files.items()):
        if Path(value).is_absolute():
            target = tmp / "abs" / f"{i}-{Path(value).name}"
            mapping[value] = str(target)
        else:
            target = (params_dir / value).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    raw = dict(job.raw)
    raw[job.playbook] = _replace_strings(raw.get(job.playbook) or {}, mapping)
    return replace(job, raw=raw, params_path=str(params_dir / Path(job.params_path).name))


_RUNTIME: _DaskRuntime | None = None
_RUNTIME_LOCK = threading.Lock()


def _dask_task(job: Job, inputs: Inputs, cfg: WorkerConfig) -> tuple[Result, dict[str, bytes]]:
    global _RUNTIME
    with _RUNTIME_LOCK:
        if _RUNTIME is None:
            _RUNTIME = _DaskRuntime(cfg)
    return _RUNTIME.run(job, inputs)


@dataclass
class DaskExecutor:
    scheduler: str
    cfg: WorkerConfig = field(default_factory=WorkerConfig)
    connect_timeout: float = 30

    def run(self, jobs: list[Job], out: Path, on_result: OnResult) -> None:
        from distributed import Client, as_completed

        from . import registry

        nb_dir = Path(self.cfg.notebook_dir) if self.cfg.notebook_dir else None
        cfg = replace(self.cfg, notebook_dir=None, server=None)
        client = Client(self.scheduler, timeout=self.connect_timeout)
        futures = {}
        try:
            for job in jobs:
                inputs = collect_inputs(job, registry.notebook(job.playbook, nb_dir))
                fut = client.submit(_dask_task, job, inputs, cfg, pure=False,
                                    key=f"playbook-{job.slug}-{job.playbook}-{os.urandom(4).hex()}")
                futures[fut] = job
            for fut in as_completed(list(futures)):
                job = futures.pop(fut)
                try:
                    result, files = fut.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker, a bug: this job only
                    on_result(_failed(job, f"on the cluster: {type(exc).__name__}: {exc}"))
                    continue
                on_result(_install_bytes(job, result, files, out))
        finally:
            if futures:
                client.cancel(list(futures), force=True)
            client.close()


def _install_bytes(job: Job, result: Result, files: dict[str, bytes], out: Path) -> Result:
    staging = new_staging(out, job)
    try:
        for name, data in files.items():
            (staging / Path(name).name).write_bytes(data)
        return install(job, result, staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
