"""`make bench`: how fast `playbooks run` is against the naive CLI loop, and that its memory stays flat.

    python -m tests.bench            # from the project root (what `make bench` runs)

Prints one `name value` line per figure:

    notebooks <n> (<merchants> merchants x <playbooks> playbooks: ...)
    naive_s_per_notebook <s>         # `papermill` CLI + `jupyter nbconvert --to html --no-input`, one by one
    batch_s_per_notebook <s>         # `playbooks run -j 2`, wall clock, start-up included
    batch_speedup <ratio>            # naive / batch, same run (target: at least 8 on 2 cores, -j 2)
    notebook_cells_s_per_notebook <s>  # the notebooks' own cell time, summed from papermill's metadata
    overhead_s_per_notebook <s>      # wall time x workers / notebooks minus the notebooks' own cell time
                                     # (batch, then the naive loop's in brackets)
    rerun_s <s>                      # one merchant, one playbook, --force, on a warm runner (what
                                     # `playbooks watch` keeps: kernel server, reset kernel, exporter)
    rerun_cli_s <s>                  # `playbooks run ONE.yaml --playbook P --force` from the command line,
                                     # start-up included, second run (warm OS cache)
    watch_s <s>                      # `playbooks watch`: a params file saved -> its handout rewritten
                                     # (targets: watch_s <= 1.5, rerun_s <= 3, memory_growth <= 1.2)
    floor_kernel_start_s <s>         # a bare kernel, started until it answers
    floor_import_s <s>               # the library's imports and first chart render in that kernel
    peak_rss_mb_<n>_merchants <MB>   # the batch's process tree (batch, workers, kernel server, kernels)
    peak_pss_mb_<n>_merchants <MB>   # the same, shared pages counted once
    memory_growth <ratio>            # peak PSS at the largest size / at the smallest
    ...                              # then every tests/bench_*.py's main() (membership, widgets)

Settings (environment): BENCH_MERCHANTS (8), BENCH_JOBS (2), BENCH_MEMORY_MERCHANTS ("20,200";
empty to skip), BENCH_MEMORY_SIMULATIONS (200: the memory runs' Monte Carlo draws per range, fewer
than the samples' 4000 so that 200 merchants stay affordable), BENCH_NAIVE_MAX
(all: how many notebooks the naive loop runs; its time per notebook is what is compared).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"
NOTEBOOKS = ROOT / "playbooks"
BIN = Path(sys.executable).parent


def emit(name: str, value: object) -> None:
    print(f"{name} {value}", flush=True)


# ------------------------------------------------------------------ the batch of merchants


def _absolute_data_paths(section: object, base: Path) -> object:
    """Data files named relative to the sample's params file, made absolute for the copies."""
    from merchant_playbooks.outputs import DATA_SUFFIXES

    if isinstance(section, dict):
        return {k: _absolute_data_paths(v, base) for k, v in section.items()}
    if isinstance(section, list):
        return [_absolute_data_paths(v, base) for v in section]
    if isinstance(section, str) and section.lower().endswith(DATA_SUFFIXES) and not Path(section).is_absolute():
        candidate = (base / section).resolve()
        return str(candidate) if candidate.is_file() else section
    return section


def sample_sections() -> tuple[list[dict], dict[str, dict]]:
    """Every valid sample merchant block, and one valid sample section per playbook that has a notebook."""
    from merchant_playbooks import registry
    from merchant_playbooks.errors import ParamsError
    from merchant_playbooks.loading import load_params

    merchants: list[dict] = []
    sections: dict[str, dict] = {}
    for path in sorted(PARAMS.glob("*.yaml")):
        try:
            load_params(path)
        except ParamsError:
            continue  # a sample being rewritten by someone: use the others
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        merchants.append(data["merchant"])
        for name in registry.names():
            if name in data and name not in sections and (NOTEBOOKS / f"{name}.ipynb").is_file():
                sections[name] = _absolute_data_paths(data[name], path.parent)
    return merchants, sections


def build_batch(folder: Path, n: int, only: list[str] | None = None,
                simulations: int | None = None) -> tuple[list[Path], list[str]]:
    """`n` merchants, each with every playbook that validates for it, replicated from the samples
    (with `simulations` Monte Carlo draws where a section has the key, when given)."""
    from merchant_playbooks.errors import ParamsError
    from merchant_playbooks.loading import load_params

    merchants, sections = sample_sections()
    names = [p for p in sections if not only or p in only]
    if simulations:
        sections = {p: {**sec, "simulations": simulations} for p, sec in sections.items()}
    folder.mkdir(parents=True, exist_ok=True)
    files, used = [], set()
    for i in range(n):
        merchant = dict(merchants[i % len(merchants)], id=f"bench-{i:03d}",
                        name=f"{merchants[i % len(merchants)]['name']} #{i}")
        data = {"merchant": merchant, "playbooks": names, **{p: sections[p] for p in names}}
        path = folder / f"bench-{i:03d}.yaml"
        for _ in range(len(names)):  # drop a playbook this merchant block does not validate with
            path.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True,
                                           sort_keys=False), encoding="utf-8")
            try:
                load_params(path)
                break
            except ParamsError as exc:
                bad = [p for p in data["playbooks"] if p in str(exc)]
                if not bad:
                    raise
                data["playbooks"] = [p for p in data["playbooks"] if p not in bad]
                for p in bad:
                    data.pop(p, None)
        files.append(path)
        used |= set(data["playbooks"])
    return files, sorted(used)


def jobs_of(files: list[Path]) -> list[tuple[Path, str]]:
    return [(f, p) for f in files for p in yaml.safe_load(f.read_text(encoding="utf-8"))["playbooks"]]


# ------------------------------------------------------------------ the two sides


def naive_loop(jobs: list[tuple[Path, str]], out: Path) -> float:
    """What a consultant's shell loop does: papermill CLI, then nbconvert CLI, per notebook."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for params, playbook in jobs:
        stem = out / f"{params.stem}.{playbook}"
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOKS / f"{playbook}.ipynb"), f"{stem}.ipynb",
                        "-f", str(params), "-p", "params_file", str(params), "-p", "plan_out", str(stem),
                        "--cwd", str(NOTEBOOKS), "--no-progress-bar"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", f"{stem}.ipynb"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def batch_run(params: Path, out: Path, jobs: int, memory: bool = False, only: str | None = None) -> tuple[float, dict]:
    """`playbooks run -j N` as a user runs it; optionally sampling the process tree's memory."""
    cmd = [sys.executable, "-m", "merchant_playbooks.cli", "run", str(params), "--out", str(out),
           "-j", str(jobs), "--force", "--no-progress", *(["--playbook", only] if only else [])]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks = {"rss": 0.0, "pss": 0.0}
    sampler = None
    if memory:
        sampler = threading.Thread(target=_sample_memory, args=(proc.pid, peaks), daemon=True)
        sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    if sampler:
        sampler.join(timeout=5)
    if proc.returncode != 0:
        print(output[-3000:], file=sys.stderr)
        raise SystemExit(f"playbooks run failed (exit {proc.returncode})")
    return seconds, peaks


def _sample_memory(pid: int, peaks: dict) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
        rss = pss = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in procs:
            try:
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peaks["rss"] = max(peaks["rss"], rss / 2**20)
        peaks["pss"] = max(peaks["pss"], pss / 2**20)
        time.sleep(0.2)


def cells_seconds(out: Path, pattern: str = "*/*.ipynb") -> list[float]:
    """Each notebook's own execution time: papermill's per-cell durations, summed."""
    import nbformat

    totals = []
    for path in out.glob(pattern):
        if path.name.endswith(".failed.ipynb"):
            continue
        nb = nbformat.read(str(path), as_version=4)
        totals.append(sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in nb.cells))
    return totals


def floor() -> tuple[float, float]:
    """A bare kernel's start, then the library's imports and a first chart in it (what pre-warming hides)."""
    from jupyter_client.manager import start_new_kernel
    from merchant_playbooks.kernels import warm_modules

    code = (f"from merchant_playbooks.kernels import import_quietly, first_render\n"
            f"import_quietly({warm_modules()!r})\nfirst_render()")
    starts, imports = [], []
    for _ in range(2):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name="python3", cwd=str(NOTEBOOKS), stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        try:
            kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
            t2 = time.perf_counter()
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        starts.append(t1 - t0)
        imports.append(t2 - t1)
    return min(starts), min(imports)


# ------------------------------------------------------------------ main


def speed(tmp: Path) -> None:
    n = int(os.environ.get("BENCH_MERCHANTS", "8"))
    workers = int(os.environ.get("BENCH_JOBS", "2"))
    files, used = build_batch(tmp / "params", n)
    jobs = jobs_of(files)
    emit("notebooks", f"{len(jobs)} ({n} merchants x {len(used)} playbooks: {', '.join(used)})")
    start, imports = floor()
    emit("floor_kernel_start_s", f"{start:.2f}")
    emit("floor_import_s", f"{imports:.2f}")
    emit("floor_s_per_notebook", f"{start + imports:.2f}")

    naive_jobs = jobs[: int(os.environ.get("BENCH_NAIVE_MAX") or len(jobs))]
    naive = naive_loop(naive_jobs, tmp / "naive") / len(naive_jobs)
    emit("naive_s_per_notebook", f"{naive:.2f}")
    seconds, _ = batch_run(tmp / "params", tmp / "batch", workers)
    summary = json.loads((tmp / "batch" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["ok"] == len(jobs), summary["counts"]
    ours = seconds / len(jobs)
    emit("batch_s_per_notebook", f"{ours:.2f}  (-j {workers}, {seconds:.1f} s for {len(jobs)})")
    emit("batch_speedup", f"{naive / ours:.2f}")
    cells = cells_seconds(tmp / "batch")
    emit("notebook_cells_s_per_notebook", f"{statistics.mean(cells):.2f}")
    naive_cells = cells_seconds(tmp / "naive", "*.ipynb")
    emit("overhead_s_per_notebook", f"{ours * workers - statistics.mean(cells):.2f}  (naive loop: "
                                    f"{naive - statistics.mean(naive_cells):.2f}; wall x workers / notebooks "
                                    "minus the notebook's own cell time)")
    iteration(tmp, files[0])


def iteration(tmp: Path, params: Path) -> None:
    """One merchant, one playbook: a re-run from the command line, and a save seen by `playbooks watch`."""
    playbook = yaml.safe_load(params.read_text(encoding="utf-8"))["playbooks"][0]
    out = tmp / "rerun"
    times = [batch_run(params, out, 1, only=playbook)[0] for _ in range(2)]
    try:
        warm = warm_reruns(params, playbook, tmp / "rerun-warm")
        emit("rerun_s", f"{statistics.median(warm):.2f}  (1 merchant x {playbook}, --force, on the warm runner "
                        f"playbooks watch keeps; median of {len(warm)})")
    except ImportError as exc:  # before the warm runner existed
        emit("rerun_s", f"n/a ({exc})")
    emit("rerun_cli_s", f"{times[-1]:.2f}  (playbooks run, 1 merchant x {playbook}, --force, from the command "
                        f"line, start-up included, second run; first {times[0]:.2f})")
    try:
        from bench_watch import watch_seconds
    except ImportError:  # run as a file (python tests/bench.py)
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_watch import watch_seconds
    try:
        seconds = watch_seconds(params, playbook, tmp / "watch")
    except Exception as exc:  # noqa: BLE001 - e.g. before `playbooks watch` existed
        emit("watch_s", f"n/a ({type(exc).__name__}: {str(exc)[:200]})")
        return
    emit("watch_s", f"{statistics.median(seconds):.2f}  (median of {len(seconds)} saves; "
                    f"each {' '.join(f'{s:.2f}' for s in seconds)})")


def warm_reruns(params: Path, playbook: str, out: Path, n: int = 3) -> list[float]:
    """`run_batch` of one merchant x one playbook on a warm runner (as `playbooks watch` has), `n` times."""
    from merchant_playbooks.batch import BatchOptions, run_batch, worker_config
    from merchant_playbooks.warm import WarmExecutor

    opts = BatchOptions(out=out, only=[playbook], force=True, progress=False)
    warm = WarmExecutor(worker_config(opts))
    try:
        times = []
        for _ in range(n + 1):  # the first warms the runner up (the kernel server's imports)
            started = time.perf_counter()
            results = run_batch([params], opts, log=lambda s: None, executor=warm)
            assert [r.status for r in results] == ["ok"], [r.error for r in results]
            times.append(time.perf_counter() - started)
        return times[1:]
    finally:
        warm.close()


def memory(tmp: Path) -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_MEMORY_MERCHANTS", "20,200").split(",") if s.strip()]
    if not sizes:
        return
    simulations = int(os.environ.get("BENCH_MEMORY_SIMULATIONS", "200"))
    _, sections = sample_sections()
    one = ["first_event_bargaining"] if "first_event_bargaining" in sections else list(sections)[:1]
    workers = int(os.environ.get("BENCH_JOBS", "2"))
    peaks = {}
    for size in sizes:
        folder = tmp / f"mem{size}"
        build_batch(folder / "params", size, only=one, simulations=simulations)
        seconds, peak = batch_run(folder / "params", folder / "out", workers, memory=True)
        peaks[size] = peak
        emit(f"peak_rss_mb_{size}_merchants", f"{peak['rss']:.0f}  ({size} notebooks of {one[0]}, "
                                              f"{simulations} simulations, in {seconds:.0f} s)")
        emit(f"peak_pss_mb_{size}_merchants", f"{peak['pss']:.0f}")
        shutil.rmtree(folder, ignore_errors=True)
    if len(sizes) > 1:
        emit("memory_growth", f"{peaks[max(sizes)]['pss'] / peaks[min(sizes)]['pss']:.2f}  "
                              f"(peak PSS, {max(sizes)} vs {min(sizes)} merchants; flat is ~1)")


def others() -> None:
    """Every other tests/bench_*.py with a main(): membership, widget_update_ms, ..."""
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            if hasattr(module, "main"):
                module.main()
        except Exception as exc:  # noqa: BLE001 - another playbook's bench must not hide ours
            print(f"{path.name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="playbooks-bench-"))
    try:
        emit("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        speed(tmp)
        memory(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    others()


if __name__ == "__main__":
    main()
