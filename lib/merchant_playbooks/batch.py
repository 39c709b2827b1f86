"""Orchestrate a batch: validate, skip what is up to date, run the rest in parallel, write index and summary.

Safe to run unattended and to stop: every output is moved into place whole
(atomically), `summary.json` is rewritten after each notebook, and Ctrl-C or
SIGTERM stops the workers, keeps every finished output and records what
finished (`"finished": false`); the next run skips those and does the rest.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import ParamsError
from .index import carried_results, write_index, write_summary
from .outfolder import check_foreign, clean_staging, locked, owner_problem, prepare_staging
from .runner import Job, Result, discover, output_paths, plan_jobs, plan_warnings, up_to_date


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
    pdf: bool = False  # also print each handout to an A4 PDF (pdf.py)
    kernel_reuse: int = 8  # notebooks one kernel serves in turn, each in a fresh namespace (1: a kernel each)


def run_batch(inputs: list[Path], opts: BatchOptions, log=print, executor=None) -> list[Result]:
    """Run a batch into `opts.out`, one run at a time per folder; the results of this run.

    `summary.json` and `index.html` list this run's results and every earlier one whose
    merchant is still on disk (a run of some merchants never drops the others). `executor`:
    one kept by the caller between batches (`playbooks watch`'s warm one), else one made here.
    """
    out = opts.out.resolve()
    if out.is_dir():
        check_foreign(out)  # before anything is written, the lock file included
    out.mkdir(parents=True, exist_ok=True)
    with locked(out, log):
        check_foreign(out)  # again: another run may have finished while this one waited
        return _run_locked(inputs, opts, out, log, executor)


def _run_locked(inputs: list[Path], opts: BatchOptions, out: Path, log, executor=None) -> list[Result]:
    started = datetime.now()
    prepare_staging(out, log)
    clean_staging(out, _alive)
    jobs, results, _ = plan_jobs(discover(inputs), out, opts.only, opts.notebook_dir)
    jobs, refused = _owned(jobs, out)
    results += refused
    for r in results:
        log(f"failed  {r.params_file}: invalid params\n{_indent(r.error or '')}")
    earlier = carried_results(out, jobs, results)
    todo: list[Job] = []
    for job in jobs:
        if not opts.force and up_to_date(out, job):
            paths = output_paths(out, job.slug, job.playbook)
            results.append(Result(job.merchant, job.slug, job.playbook, "skipped", 0.0,
                                  {k: str(p.relative_to(out)) for k, p in paths.items()},
                                  params_file=job.source, ran=earlier.last_ran(job.slug, job.playbook),
                                  warnings=plan_warnings(paths["plan"])))
        else:
            todo.append(job)
    progress = Progress(len(todo), log, bar=opts.progress if opts.progress is not None else is_terminal())
    progress.skipped([r for r in results if r.status == "skipped"])
    write_summary(out, earlier.kept + results, started, finished=not todo)
    done = 0

    def on_result(r: Result) -> None:
        nonlocal done
        done += 1
        results.append(earlier.stamp(r))
        progress.update(r)
        write_summary(out, earlier.kept + results, started, finished=False)

    own = None  # an executor made for this batch, closed with it
    try:
        with _sigterm_as_interrupt():
            if todo:
                if executor is None:
                    executor = own = _executor(opts, len(todo), progress)
                executor.run(todo, out, on_result)
            if opts.pdf:
                from .pdf import print_handouts

                print_handouts(out, results, log)
    finally:
        progress.close()
        if own is not None:
            own.close()
        clean_staging(out, _alive)
        write_summary(out, earlier.kept + results, started, finished=done == len(todo))
        write_index(out, earlier.kept + results)
    return results


def _owned(jobs: list[Job], out: Path) -> tuple[list[Job], list[Result]]:
    """Jobs whose merchant folder is theirs (or new); a failed result per params file whose folder is another's."""
    keep, refused, seen = [], [], set()
    for job in jobs:
        problem = owner_problem(out, job.slug, job.params_path)
        if problem is None:
            keep.append(job)
        elif job.source not in seen:
            seen.add(job.source)
            refused.append(Result(merchant=job.merchant, slug="", playbook=None, status="failed",
                                  error=str(ParamsError(job.source, [problem])), params_file=job.source))
    return keep, refused


def worker_config(opts: BatchOptions):
    from .executors import WorkerConfig

    return WorkerConfig(notebook_dir=str(opts.notebook_dir.resolve()) if opts.notebook_dir else None,
                        timeout=opts.timeout, kernels=opts.kernels, modules=opts.warm_modules,
                        reuse=opts.kernel_reuse)


def _executor(opts: BatchOptions, n_jobs: int, progress: Progress):
    """What runs the notebooks; its `close()` ends its processes (the kernel server with them)."""
    from .executors import DaskExecutor, LocalExecutor

    cfg = worker_config(opts)
    if opts.executor == "dask":
        if not opts.scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS")
        return _Closing(DaskExecutor(opts.scheduler, cfg), None)
    if n_jobs == 1:  # one notebook (a client re-run): in this process, no worker process to start
        from .warm import WarmExecutor

        return WarmExecutor(cfg)
    server = None
    if opts.kernels in ("auto", "fork"):
        from .kernels import KernelServer

        server = KernelServer.start(opts.warm_modules)  # imports in the background while workers start
        if server is None and opts.kernels == "fork":
            progress.note("fast kernels are not available here: starting kernels the usual way")
    cfg.server = server.address if server else None
    if cfg.server is None and cfg.kernels == "auto":
        cfg.kernels = "spawn"
    return _Closing(LocalExecutor(max(1, min(opts.workers, n_jobs)), cfg), server)


@dataclass
class _Closing:
    """An executor and the kernel server started for it, stopped together."""

    executor: object
    server: object

    def run(self, jobs: list[Job], out: Path, on_result) -> None:
        self.executor.run(jobs, out, on_result)  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()  # type: ignore[attr-defined]


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
