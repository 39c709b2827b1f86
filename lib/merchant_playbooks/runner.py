"""The batch run: every merchant × playbook, validated up front, isolated, written atomically.

    playbooks run [PARAMS_FILE_OR_DIR ...] [--out DIR] [--playbook NAME ...] [-j N] [--force]

Per merchant and playbook: `<slug>/<playbook>.ipynb`, `.html` (handout),
`.plan.json`, `.xlsx` and `.ics`; plus `index.html` and `summary.json` for the batch.
Invalid params are reported per merchant without starting a kernel; a failing
notebook is recorded and the others go on.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import registry
from .clock import run_date
from .errors import ParamsError, Problem
from .loading import MerchantParams, display_path, load_params
from .outfolder import STAGING, merchant_folder, staging_root
from .outputs import (
    atomic_write_text,
    data_files,
    fingerprint,
    fsync_dir,
    install_file,
    is_whole_notebook,
)

__all__ = ["STAGING", "Job", "Result", "discover", "execute", "install", "new_staging", "output_paths", "plan_jobs",
           "plan_warnings", "run_job", "up_to_date"]
SUFFIXES = {"notebook": ".ipynb", "html": ".html", "plan": ".plan.json", "xlsx": ".xlsx", "ics": ".ics"}


@dataclass
class Job:
    """One merchant × playbook to run."""

    params_path: str
    source: str
    slug: str
    merchant: str
    playbook: str
    raw: dict
    lang: str
    title: str
    fingerprint: str


@dataclass
class Result:
    merchant: str
    slug: str
    playbook: str | None
    status: str  # ok | failed | skipped
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    params_file: str = ""
    stage: str | None = None
    failing_cell: int | None = None
    failing_source: str | None = None
    ran: str | None = None  # when it last ran (ISO time); a skipped output keeps the time of the run that made it
    stale: dict[str, str] = field(default_factory=dict)  # a failed re-run: the last good run's files, still there
    last_ok: str | None = None  # when the stale files were made
    warnings: list[dict] = field(default_factory=list)  # the plan's warnings ({code, level, message}), from plan.json

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def discover(inputs: list[Path]) -> list[Path]:
    """Params files named, or found (*.yaml, *.yml) in folders named, in a stable order."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            # not is_file(): a broken symlink must be reported ("file not found"), not skipped
            files += sorted(p for p in item.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())
        else:
            files.append(item)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def plan_jobs(
    files: list[Path], out: Path, only: list[str] | None = None, notebook_dir: Path | None = None
) -> tuple[list[Job], list[Result], dict[str, MerchantParams]]:
    """Validate every file (no kernel yet) and list the jobs; invalid files become failed results."""
    jobs: list[Job] = []
    failed: list[Result] = []
    loaded: dict[str, MerchantParams] = {}
    for path in files:
        source = display_path(path)
        try:
            mp = load_params(path, source)
        except ParamsError as exc:
            failed.append(Result(merchant=path.stem, slug="", playbook=None, status="failed", error=str(exc),
                                 params_file=source))
            continue
        loaded[source] = mp
    # two files writing to one folder would overwrite each other: refuse both
    by_slug: dict[str, list[str]] = {}
    for source, mp in loaded.items():
        by_slug.setdefault(mp.slug, []).append(source)
    for slug, sources in by_slug.items():
        if len(sources) > 1:
            for source in sources:
                mp = loaded.pop(source)
                others = ", ".join(s for s in sources if s != source)
                msg = ParamsError(source, [Problem("merchant.id", f"would write to the same output folder as {others} "
                                                   f"('{slug}'); give each merchant its own id", slug, True)])
                failed.append(Result(merchant=mp.merchant.name, slug="", playbook=None, status="failed",
                                     error=str(msg), params_file=source))
    for source, mp in loaded.items():
        for name in mp.playbooks:
            if only and name not in only:
                continue
            nb = registry.notebook(name, notebook_dir)
            raw = {"merchant": mp.raw["merchant"], "playbooks": list(mp.playbooks),
                   name: mp.raw.get(name) or {}}
            files_used = data_files(raw[name], mp.base_dir)
            title = registry.title(name, mp.merchant.language)
            jobs.append(Job(
                params_path=str(mp.path), source=source, slug=mp.slug, merchant=mp.merchant.name, playbook=name,
                raw=raw, lang=mp.merchant.language, title=f"{mp.merchant.name} — {title}",
                # the run date too: relative dates (today+14) and "before today" warnings change with it
                fingerprint=fingerprint(_own_inputs(raw, mp.path) + name.encode(), nb, files_used,
                                        extra=f"today={run_date()}"),
            ))
    return jobs, failed, loaded


def _own_inputs(raw: dict, path: Path | None) -> bytes:
    """What of the params file one playbook's outputs depend on: the merchant block, the playbook list
    and its own section (as values, not text: a comment or another playbook's section changes nothing),
    and where the file is (data files are named relative to it; the handout's footer names it)."""
    return json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False).encode() + b"\0" + str(path).encode()


def output_paths(out: Path, slug: str, playbook: str) -> dict[str, Path]:
    folder = out / slug
    return {kind: folder / f"{playbook}{suffix}" for kind, suffix in SUFFIXES.items()}


def plan_warnings(path: Path) -> list[dict]:
    """The warnings a written plan.json carries (a forbidden use, a date already past); [] when unreadable."""
    try:
        warnings = json.loads(path.read_text(encoding="utf-8")).get("warnings") or []
    except (OSError, ValueError, AttributeError):
        return []
    return [w for w in warnings if isinstance(w, dict) and "message" in w]


def _stamp(out: Path, job: Job) -> Path:
    return out / job.slug / f".{job.playbook}.fingerprint"


def up_to_date(out: Path, job: Job) -> bool:
    stamp = _stamp(out, job)
    if not stamp.is_file() or stamp.read_text().strip() != job.fingerprint:
        return False
    return all(p.is_file() for p in output_paths(out, job.slug, job.playbook).values())


def run_job(job: Job, out: str | Path, notebook_dir: str | Path | None = None, timeout: float | None = None,
            kernels=None) -> Result:
    """Execute one notebook and export its handout; move finished files into place atomically.

    Never raises for a notebook's failure: the result says what failed, and the
    failing notebook is kept as `<playbook>.failed.ipynb` beside the outputs.
    """
    out = Path(out).resolve()
    notebook = registry.notebook(job.playbook, Path(notebook_dir) if notebook_dir else None)
    staging = new_staging(out, job)
    try:
        result = execute(job, notebook, staging, timeout, kernels)
        return install(job, result, staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def new_staging(out: Path, job: Job) -> Path:
    """A fresh folder of this process's own under `out/.staging` (never through a symlink)."""
    staging = staging_root(out) / f"{job.slug}.{job.playbook}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def execute(job: Job, notebook: Path, staging: Path, timeout: float | None = None,
            kernels=None) -> Result:
    """Run the notebook into `staging` (notebook, plan.json, xlsx, ics, handout). Never raises for a notebook."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    staged = {kind: staging / f"{job.playbook}{suffix}" for kind, suffix in SUFFIXES.items()}
    result = Result(merchant=job.merchant, slug=job.slug, playbook=job.playbook, status="failed",
                    params_file=job.source)
    started = time.perf_counter()
    km, finished = None, False
    try:
        parameters = {**job.raw, "params_file": job.params_path, "plan_out": str(staging / job.playbook)}
        kwargs = {}
        if kernels is not None:
            km = kernels.take()
            kwargs["km"] = km
        else:
            kwargs["cwd"] = str(notebook.parent)
        engine = _engine()
        try:
            # one write at the end (or with the error banner), not two per cell: papermill's default
            # re-serialises and re-validates the growing notebook ~70 times, seconds per notebook
            nb = pm.execute_notebook(
                str(notebook), str(staged["notebook"]), parameters=parameters, kernel_name="python3",
                progress_bar=False, log_output=False, execution_timeout=timeout, engine_name=engine.name,
                request_save_on_cell_execute=False, **kwargs,
            )
            engine.current = None
            finished = True  # every cell ran: the kernel may serve the next notebook, in a fresh namespace
        except PapermillExecutionError as exc:
            result.failing_cell = exc.exec_count
            result.failing_source = _first_line(exc.source)
            result.error = f"cell {exc.exec_count}: {exc.ename}: {_first_line(exc.evalue)}"
            return result
        except Exception as exc:  # noqa: BLE001 - a kernel that died, a cell past --timeout
            engine.save_partial(staged["notebook"])
            cell = _running_cell(staged["notebook"])
            if cell is not None:
                result.failing_cell, result.failing_source = cell
            where = f"cell {result.failing_cell}: " if result.failing_cell is not None else ""
            result.error = where + _describe(exc, timeout)
            return result
        finally:
            if km is not None:
                kernels.release(km, reusable=finished)
        from .export import handout_html

        atomic_write_text(staged["html"], handout_html(nb, lang=job.lang, title=job.title,
                                                       source=Path(job.source).name))
        missing = [k for k, p in staged.items() if not p.is_file()]
        if missing:
            result.error = f"the notebook did not write: {', '.join(missing)}"
            return result
        result.status = "ok"
        return result
    except Exception as exc:  # noqa: BLE001 - a full disk, a kernel that never started: record it, go on
        result.error = _describe(exc, timeout)
        return result
    finally:
        result.seconds = round(time.perf_counter() - started, 3)


def install(job: Job, result: Result, staging: Path, out: Path) -> Result:
    """Move what `execute` left in `staging` into `out/<slug>/`: each file fsynced and renamed, the handout last.

    A failed run keeps its notebook as `<playbook>.failed.ipynb` only when the notebook is whole (a
    full disk can cut it short); the last good run's files stay, listed as stale.
    """
    final = output_paths(out, job.slug, job.playbook)
    staged = {kind: staging / p.name for kind, p in final.items()}
    failed_nb = final["notebook"].with_name(f"{job.playbook}.failed.ipynb")
    try:
        folder = merchant_folder(out, job.slug, job.params_path)
        if result.status != "ok":
            result.stale = {k: str(p.relative_to(out)) for k, p in final.items() if p.is_file()}
            if staged["notebook"].is_file() and is_whole_notebook(staged["notebook"]):
                install_file(staged["notebook"], failed_nb)  # the failing notebook, error banner and all
                result.outputs["notebook"] = str(failed_nb.relative_to(out))
            elif staged["notebook"].is_file():
                result.error = f"{result.error}; the failed notebook could not be saved whole, so it is not kept"
            fsync_dir(folder)
            return result
        if not is_whole_notebook(staged["notebook"]):
            raise OSError(errno.EIO, "the notebook was not written whole")
        for kind, path in staged.items():
            if kind != "html":
                install_file(path, final[kind])
        install_file(staged["html"], final["html"])
        failed_nb.unlink(missing_ok=True)
        atomic_write_text(_stamp(out, job), job.fingerprint)
        fsync_dir(folder)
        result.outputs = {k: str(p.relative_to(out)) for k, p in final.items()}
        result.warnings = plan_warnings(final["plan"])
    except OSError as exc:
        result.status, result.error = "failed", _describe(exc)
        result.outputs = {}
        result.stale = {k: str(p.relative_to(out)) for k, p in final.items() if p.is_file()}
    return result


@functools.lru_cache(maxsize=1)
def _engine():  # papermill's nbclient engine, keeping hold of the notebook it runs
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb

    class BatchEngine(NBClientEngine):
        """Remembers the notebook being run, so a run that stops half way can still be saved."""

        name = "merchant_playbooks_batch"
        current = None

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            cls.current = nb_man
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

        @classmethod
        def save_partial(cls, path: Path) -> None:
            if cls.current is not None:
                with contextlib.suppress(Exception):  # nothing worth keeping
                    write_ipynb(cls.current.nb, str(path))
                cls.current = None

    papermill_engines.register(BatchEngine.name, BatchEngine)
    return BatchEngine


def _first_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[0].strip()[:200] if lines else ""


def _running_cell(path: Path) -> tuple[int | None, str] | None:
    """The cell that was executing when a run stopped, from papermill's per-cell metadata."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - nothing written yet
        return None
    started = [c for c in nb.cells if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return None
    cell = started[-1]
    return cell.get("execution_count"), _first_line(cell.get("source"))


def _describe(exc: BaseException, timeout: float | None = None) -> str:
    name = type(exc).__name__
    text = _first_line(str(exc))
    if name in ("DeadKernelError",):
        return "the kernel died (out of memory, a crash or a kill)"
    if name in ("CellTimeoutError", "TimeoutError"):
        return f"timed out: the cell ran past --timeout {timeout:g} s" if timeout else f"timed out: {text}"
    if isinstance(exc, OSError):
        return f"could not write outputs: {exc.strerror or text}"
    return f"{name}: {text}" if text else name + "\n" + traceback.format_exc(limit=3)
