"""The batch run: every merchant × playbook, validated up front, isolated, written atomically.

    playbooks run [PARAMS_FILE_OR_DIR ...] [--out DIR] [--playbook NAME ...] [-j N] [--force]

Per merchant and playbook: `<slug>/<playbook>.ipynb`, `.html` (handout),
`.plan.json` and `.xlsx`; plus `index.html` and `summary.json` for the batch.
Invalid params are reported per merchant without starting a kernel; a failing
notebook is recorded and the others go on.
"""

from __future__ import annotations

import shutil
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ParamsError, Problem
from .loading import MerchantParams, display_path, load_params
from .outputs import atomic_write_json, atomic_write_text, data_files, fingerprint
from .registry import NOTEBOOK_DIR, PLAYBOOKS

STAGING = ".staging"
SUFFIXES = {"notebook": ".ipynb", "html": ".html", "plan": ".plan.json", "xlsx": ".xlsx"}


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

    def to_dict(self) -> dict:
        return asdict(self)


def discover(inputs: list[Path]) -> list[Path]:
    """Params files named, or found (*.yaml, *.yml) in folders named, in a stable order."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
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
    from . import i18n

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
        params_bytes = mp.path.read_bytes() if mp.path else b""
        for name in mp.playbooks:
            if only and name not in only:
                continue
            spec = PLAYBOOKS[name]
            nb = spec.notebook(notebook_dir)
            raw = {"merchant": mp.raw["merchant"], "playbooks": list(mp.playbooks),
                   name: mp.raw.get(name) or {}}
            files_used = data_files(raw[name], mp.base_dir)
            title = i18n.t(f"common.playbook.{name}", mp.merchant.language)
            jobs.append(Job(
                params_path=str(mp.path), source=source, slug=mp.slug, merchant=mp.merchant.name, playbook=name,
                raw=raw, lang=mp.merchant.language, title=f"{mp.merchant.name} — {title}",
                fingerprint=fingerprint(params_bytes + name.encode(), nb, files_used),
            ))
    return jobs, failed, loaded


def output_paths(out: Path, slug: str, playbook: str) -> dict[str, Path]:
    folder = out / slug
    return {kind: folder / f"{playbook}{suffix}" for kind, suffix in SUFFIXES.items()}


def _stamp(out: Path, job: Job) -> Path:
    return out / job.slug / f".{job.playbook}.fingerprint"


def up_to_date(out: Path, job: Job) -> bool:
    stamp = _stamp(out, job)
    if not stamp.is_file() or stamp.read_text().strip() != job.fingerprint:
        return False
    return all(p.is_file() for p in output_paths(out, job.slug, job.playbook).values())


def run_job(job: Job, out: str | Path, notebook_dir: str | Path | None = None, timeout: float | None = None,
            kernel_manager_factory=None) -> Result:  # noqa: ANN001
    """Execute one notebook and export its handout; move finished files into place atomically.

    Never raises for a notebook's failure: the result says what failed, and the
    failing notebook is kept as `<playbook>.failed.ipynb` beside the outputs.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = Path(out).resolve()
    nb_dir = Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR
    notebook = PLAYBOOKS[job.playbook].notebook(nb_dir)
    staging = out / STAGING / f"{job.slug}.{job.playbook}.{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True, exist_ok=True)
    final = output_paths(out, job.slug, job.playbook)
    staged = {kind: staging / p.name for kind, p in final.items()}
    result = Result(merchant=job.merchant, slug=job.slug, playbook=job.playbook, status="failed",
                    params_file=job.source)
    started = time.perf_counter()
    try:
        parameters = {**job.raw, "params_file": job.params_path, "plan_out": str(staging / job.playbook)}
        kwargs = {}
        if kernel_manager_factory is not None:
            kwargs["km"] = kernel_manager_factory()
        try:
            nb = pm.execute_notebook(
                str(notebook), str(staged["notebook"]), parameters=parameters, kernel_name="python3",
                progress_bar=False, log_output=False, cwd=str(nb_dir), execution_timeout=timeout, **kwargs,
            )
        except PapermillExecutionError as exc:
            result.error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
            result.failing_cell = exc.exec_count
            failed_nb = final["notebook"].with_name(f"{job.playbook}.failed.ipynb")
            if staged["notebook"].is_file():
                failed_nb.parent.mkdir(parents=True, exist_ok=True)
                staged["notebook"].replace(failed_nb)
                result.outputs["notebook"] = str(failed_nb.relative_to(out))
            return result
        from .export import handout_html

        atomic_write_text(staged["html"], handout_html(nb, lang=job.lang, title=job.title,
                                                       source=Path(job.source).name))
        missing = [k for k, p in staged.items() if not p.is_file()]
        if missing:
            result.error = f"the notebook did not write: {', '.join(missing)}"
            return result
        final["notebook"].parent.mkdir(parents=True, exist_ok=True)
        for kind, path in staged.items():  # each move is atomic; the handout goes last
            if kind != "html":
                path.replace(final[kind])
        staged["html"].replace(final["html"])
        final["notebook"].with_name(f"{job.playbook}.failed.ipynb").unlink(missing_ok=True)
        atomic_write_text(_stamp(out, job), job.fingerprint)
        result.status = "ok"
        result.outputs = {k: str(p.relative_to(out)) for k, p in final.items()}
        return result
    except Exception as exc:  # a kernel that died, a timeout, a full disk: record it, go on
        result.error = _describe(exc)
        return result
    finally:
        result.seconds = round(time.perf_counter() - started, 3)
        shutil.rmtree(staging, ignore_errors=True)


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if name in ("DeadKernelError",):
        return f"the kernel died: {text or 'it stopped responding'}"
    if name in ("CellTimeoutError", "TimeoutError"):
        return f"timed out: {text}"
    if isinstance(exc, OSError):
        return f"could not write outputs: {exc.strerror or text}"
    return f"{name}: {text}" if text else name + "\n" + traceback.format_exc(limit=3)
