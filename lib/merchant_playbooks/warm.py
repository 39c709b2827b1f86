"""One warm worker in this process: the kernel server, a kernel pool and the exporter, kept between runs.

`playbooks watch` keeps one for as long as it watches, so a save costs the notebook's
own cells plus a little: no kernel server to start, no papermill or nbconvert to import,
usually no kernel to fork (the pool resets the last one, see `kernels.py`). A batch of one
notebook (`playbooks run ONE.yaml --playbook P`) uses one too, for one run: no worker
process to start. Same `run(jobs, out, on_result)` as the executors in `executors.py`.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from .executors import OnResult, WorkerConfig, _Worker
from .runner import Job, run_job


class WarmExecutor:
    """Runs jobs one after another in this process, on kernels from a pool that outlives each run."""

    def __init__(self, cfg: WorkerConfig) -> None:
        from . import kernels
        from .registry import NOTEBOOK_DIR

        self.server = None
        if cfg.kernels in ("auto", "fork"):
            self.server = kernels.KernelServer.start(cfg.modules)  # imports while papermill loads below
        kind = cfg.kernels if cfg.kernels == "papermill" else ("fork" if self.server else "spawn")
        self.cfg = replace(cfg, server=self.server.address if self.server else None, kernels=kind)
        cwd = str(Path(cfg.notebook_dir).resolve()) if cfg.notebook_dir else str(NOTEBOOK_DIR)
        try:
            self.worker: _Worker | None = _Worker(self.cfg, cwd)
        except BaseException:
            self.close()
            raise

    @property
    def pool(self):
        return self.worker.pool if self.worker else None

    def run(self, jobs: list[Job], out: Path, on_result: OnResult) -> None:
        for job in jobs:
            on_result(run_job(job, out, self.cfg.notebook_dir, self.cfg.timeout, kernels=self.pool))

    def close(self) -> None:
        """Kill every kernel and stop the server (the watch's Ctrl-C, the end of a one-notebook batch)."""
        with contextlib.suppress(Exception):
            if self.worker is not None:
                self.worker.close()
        self.worker = None
        if self.server is not None:
            self.server.stop()
            self.server = None
