"""Orchestrate a batch: validate, skip what is up to date, run the rest in parallel, write index and summary.

Safe to run unattended and to stop: every output is moved into place whole
(atomically), `summary.json` is rewritten after each notebook, and Ctrl-C or
SIGTERM stops the workers, keeps every finished output and records what
finished (`"finished": false`); the next run skips those and does the rest.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .index import write_index, write_summary
from .runner import STAGING, Job, Result, discover, output_paths, plan_jobs, up_to_date


@dataclass
class BatchOptions:
    out: Path
    only: list[str] | None = None
    workers: int = 1
    force: bool = False
    timeout: float | None = None
    notebook_dir: Path | None = None
    progress: bool | None = None  # None: a bar on a terminal, plain lines otherwise
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # the Dask scheduler's address, for executor="dask"
    kernels: str = "auto"  # auto | fork | spawn | papermill (see kernels.py)
    warm_modules: list[str] | None = None  # what kernels import ahead (default: kernels.warm_modules())


def run_batch(inputs: list[Path], opts: BatchOptions, log=print) -> list[Result]:
    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.now()
    _clean_staging(out)
    files = discover(inputs)
    jobs, results, _ = plan_jobs(files, out, opts.only, opts.notebook_dir)
    for r in results:
        log(f"failed  {r.params_file}: invalid params\n{_indent(r.error or '')}")
    todo: list[Job] = []
    for job in jobs:
        if not opts.force and up_to_date(out, job):
            results.append(Result(job.merchant, job.slug, job.playbook, "skipped", 0.0,
                                  {k: str(p.relative_to(out)) for k, p in output_paths(out, job.slug,
                                                                                        job.playbook).items()},
                                  params_file=job.source))
        else:
            todo.append(job)
    progress = Progress(len(todo), log, bar=opts.progress if opts.progress is not None else is_terminal())
    progress.skipped([r for r in results if r.status == "skipped"])
    write_summary(out, results, started, finished=not todo)
    done = 0

    def on_result(r: Result) -> None:
        nonlocal done
        done += 1
        results.append(r)
        progress.update(r)
        write_summary(out, results, started, finished=False)

    server = None
    try:
        with _sigterm_as_interrupt():
            if todo:
                executor, server = _executor(opts, len(todo), progress)
                executor.run(todo, out, on_result)
    finally:
        progress.close()
        if server is not None:
            server.stop()
        _clean_staging(out)
        write_summary(out, results, started, finished=done == len(todo))
        write_index(out, results)
    return results


def _executor(opts: BatchOptions, n_jobs: int, progress: Progress):
    from .executors import DaskExecutor, LocalExecutor, WorkerConfig

    cfg = WorkerConfig(notebook_dir=str(opts.notebook_dir.resolve()) if opts.notebook_dir else None,
                       timeout=opts.timeout, kernels=opts.kernels, modules=opts.warm_modules)
    if opts.executor == "dask":
        if not opts.scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        return DaskExecutor(opts.scheduler, cfg), None
    server = None
    if opts.kernels in ("auto", "fork"):
        from .kernels import KernelServer

        server = KernelServer.start(opts.warm_modules)  # imports in the background while workers start
        if server is None and opts.kernels == "fork":
            progress.note("fast kernels are not available here: starting kernels the usual way")
    cfg.server = server.address if server else None
    if cfg.server is None and cfg.kernels == "auto":
        cfg.kernels = "spawn"
    return LocalExecutor(max(1, min(opts.workers, n_jobs)), cfg), server


class Progress:
    """A live bar on a terminal (done/total, failures, elapsed, ETA); one plain line per notebook otherwise."""

    def __init__(self, total: int, log, bar: bool) -> None:
        self.total, self.log, self.done, self.failed = total, log, 0, 0
        self.started = time.monotonic()
        self.bar = None
        if bar and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="nb", desc="playbooks", file=sys.stderr, dynamic_ncols=True,
                            smoothing=0.1, bar_format="{desc}: {n_fmt}/{total_fmt} {bar}{postfix} "
                                                      "[{elapsed} elapsed, {remaining} left]")
            self.bar.set_postfix_str("0 failed")

    def skipped(self, results: list[Result]) -> None:
        if self.bar is None:
            for r in results:
                self.log(f"skipped {r.slug}/{r.playbook} (up to date)")
        elif results:
            self.note(f"skipped {len(results)} up-to-date outputs (--force re-runs them)")

    def note(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            self.log(text)

    def update(self, r: Result) -> None:
        self.done += 1
        self.failed += r.status == "failed"
        if self.bar is None:
            self.log(f"[{self.done}/{self.total}] {_line(r)}")
            return
        if r.status == "failed":
            self.bar.write(_line(r), file=sys.stderr)
        self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def _sigterm_as_interrupt():
    """SIGTERM stops the batch the way Ctrl-C does (finished outputs kept, summary written)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _clean_staging(out: Path) -> None:
    """Remove staging folders no running process owns (left by a kill -9); the folder too when empty."""
    root = out / STAGING
    if not root.is_dir():
        return
    for d in root.iterdir():
        parts = d.name.split(".")
        pid = int(parts[-2]) if len(parts) >= 2 and parts[-2].isdigit() else None
        if pid is None or not _alive(pid):
            shutil.rmtree(d, ignore_errors=True)
    try:
        root.rmdir()
    except OSError:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _line(r: Result) -> str:
    where = f"{r.slug}/{r.playbook}"
    if r.status == "ok":
        return f"ok      {where} ({r.seconds:.1f}s)"
    return f"{r.status:<7} {where} ({r.seconds:.1f}s): {r.error}"


def _indent(text: str) -> str:
    return "\n".join("  " + ln for ln in text.splitlines())


def is_terminal() -> bool:
    return sys.stderr.isatty()
