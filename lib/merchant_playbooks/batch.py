"""Orchestrate a batch: validate, skip what is up to date, run the rest, write index and summary."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .index import write_index, write_summary
from .runner import Job, Result, discover, output_paths, plan_jobs, run_job, up_to_date


@dataclass
class BatchOptions:
    out: Path
    only: list[str] | None = None
    workers: int = 1
    force: bool = False
    timeout: float | None = None
    notebook_dir: Path | None = None
    progress: bool | None = None  # None: a bar on a terminal, plain lines otherwise


def run_batch(inputs: list[Path], opts: BatchOptions, log=print) -> list[Result]:  # noqa: ANN001
    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.now()
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
            log(f"skipped {job.slug}/{job.playbook} (up to date)")
        else:
            todo.append(job)
    write_summary(out, results, started, finished=False)
    try:
        for job in todo:
            r = run_job(job, out, opts.notebook_dir, opts.timeout)
            results.append(r)
            log(_line(r))
            write_summary(out, results, started, finished=False)
    finally:
        write_summary(out, results, started, finished=len(results) >= len(jobs))
        write_index(out, results)
    return results


def _line(r: Result) -> str:
    where = f"{r.slug}/{r.playbook}"
    if r.status == "ok":
        return f"ok      {where} ({r.seconds:.1f}s)"
    return f"{r.status:<7} {where} ({r.seconds:.1f}s): {r.error}"


def _indent(text: str) -> str:
    return "\n".join("  " + ln for ln in text.splitlines())


def is_terminal() -> bool:
    return sys.stderr.isatty()
