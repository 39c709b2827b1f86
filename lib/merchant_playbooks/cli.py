"""`playbooks`: a thin command line over the library (parse, call, print, exit code).

Exit codes: 0 everything succeeded; 1 a merchant failed or a file is invalid
(the others are still written); 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, registry
from .errors import UserError

DEFAULT_PARAMS = Path("params")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="playbooks", description="Merchant Growth Playbooks: plan campaigns, "
                                "batch-run notebooks, hand out plans.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run every merchant's playbooks and write handouts")
    run.add_argument("inputs", nargs="*", type=Path, help="params files or folders (default: params/)")
    run.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    run.add_argument("--playbook", action="append", choices=registry.names(), dest="only",
                     help="run only this playbook (repeatable)")
    run.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    run.add_argument("--force", action="store_true", help="re-run outputs that are up to date")
    run.add_argument("--timeout", type=float, default=600, help="seconds a notebook cell may run (default 600)")
    run.add_argument("--executor", choices=("local", "dask"), default="local",
                     help="local worker processes (default), or an existing Dask cluster (see --scheduler)")
    run.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    run.add_argument("--kernels", choices=("auto", "fork", "spawn", "papermill"), default="auto",
                     help="how kernels start: forked from a pre-imported server (auto on Linux), spawned and "
                          "warmed ahead, or by papermill per notebook (slowest)")
    run.add_argument("--notebook-dir", type=Path, help="where the playbook notebooks are (default: playbooks/)")
    run.add_argument("--pdf", action="store_true",
                     help="also print each handout to an A4 PDF beside it (needs Chromium: tools/ensure_chromium.sh)")
    run.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="a live progress bar (default: only on a terminal)")

    wat = sub.add_parser("watch", help="run, then re-run what a saved params or data file changes; serve the "
                                       "handouts on 127.0.0.1 with a page that reloads them")
    wat.add_argument("inputs", nargs="*", type=Path, help="params files or folders (default: params/)")
    wat.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    wat.add_argument("--playbook", action="append", choices=registry.names(), dest="only",
                     help="run only this playbook (repeatable)")
    wat.add_argument("--port", type=int, default=8767, help="port on 127.0.0.1 (default 8767; 0: a free one)")
    wat.add_argument("--timeout", type=float, default=600, help="seconds a notebook cell may run (default 600)")

    val = sub.add_parser("validate", help="check params files without running anything")
    val.add_argument("inputs", nargs="+", type=Path)

    dia = sub.add_parser("diagnose", help="say which stage each merchant is in and which playbook fits")
    dia.add_argument("inputs", nargs="+", type=Path)

    new = sub.add_parser("new", help="write a fresh params file for a new client (its own id, commented defaults)")
    new.add_argument("name", help='the client\'s name, e.g. "Bloom Household Goods"')
    new.add_argument("--from", dest="sample", type=Path, help="start from this params file's values (a sample)")
    new.add_argument("--playbook", choices=registry.names(), help="the playbook section to include")
    new.add_argument("--dir", type=Path, default=DEFAULT_PARAMS, help="where to write it (default: params/)")

    ins = sub.add_parser("inspect", help="say what a data file is (a shop's export?) and what a plan takes from it")
    ins.add_argument("files", nargs="+", type=Path, help="orders, customers or product files (CSV or xlsx)")
    ins.add_argument("--format", choices=("auto", "project", "youzan", "qianniu", "weidian"), default="auto",
                     help="read the file as this platform's export (default: from its header row)")

    app = sub.add_parser("app", help="serve a playbook as a code-free page with its live panel (Voila)")
    app.add_argument("playbook", choices=registry.names())
    app.add_argument("--params", type=Path, required=True, help="the merchant's params file (Save writes to it)")
    app.add_argument("--port", type=int, default=8866, help="port on localhost (default 8866)")
    app.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lrn = sub.add_parser("learn", help="pool past campaigns (sections naming actuals:) into priors for new plans")
    lrn.add_argument("inputs", nargs="+", type=Path, help="params files or folders of past campaigns")
    lrn.add_argument("--out", type=Path, required=True, help="the priors file to write, e.g. priors.yaml")

    cal = sub.add_parser("calibrate", help="measure how often the plans' P10-P90 ranges hold simulated campaigns")
    cal.add_argument("inputs", nargs="*", type=Path, help="params files or folders (default: params/)")
    cal.add_argument("--playbook", action="append", choices=registry.names(), dest="only")
    cal.add_argument("--campaigns", type=int, default=100, help="simulated campaigns per merchant and playbook")
    cal.add_argument("--seed", type=int, default=0)
    cal.add_argument("--cases", type=Path, default=Path("data/cases"),
                     help="also measure on the published cases in this folder (default: data/cases/)")

    bt = sub.add_parser("backtest", help="run the published cases (data/cases/) through their playbooks and set "
                                         "each reported figure beside the plan's P10-P90")
    bt.add_argument("cases", nargs="*", metavar="CASE", help="case ids or files (default: every case)")
    bt.add_argument("--out", type=Path, help="also write backtest.json into this folder")
    return p


def cmd_backtest(args: argparse.Namespace) -> int:
    """Exit 0 when every reported figure fits its range, 1 when one does not."""
    from .backtest import backtest, case_paths, table, write_json

    rows = backtest(case_paths(args.cases))
    print("\n".join(table(rows)))
    if args.out:
        print(f"wrote {write_json(rows, args.out)}")
    return 0 if all(r.inside for r in rows) else 1


def cmd_learn(args: argparse.Namespace) -> int:
    from .learn import learn, summary_lines

    doc = learn(_inputs(args.inputs), args.out)
    print("\n".join(summary_lines(doc, args.out)))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibrate import calibrate, report
    from .loading import load_params

    results = {}
    for path in _inputs(args.inputs or [DEFAULT_PARAMS]):
        mp = load_params(path)
        for name in mp.playbooks:
            if not args.only or name in args.only:
                results[f"{mp.slug}.{name}"] = calibrate(name, mp.for_playbook(name), args.campaigns, args.seed)
    cases = None
    if args.cases:
        from .backtest import backtest, case_paths

        found = case_paths(cases_dir=args.cases) if any(args.cases.glob("*.yaml")) else []
        cases = [r for r in backtest(found) if not args.only or r.playbook in args.only]
    print("\n".join(report(results, cases)))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "watch":
            return cmd_watch(args)
        if args.command == "diagnose":
            return cmd_diagnose(args)
        if args.command == "inspect":
            return cmd_inspect(args)
        if args.command == "app":
            return cmd_app(args)
        if args.command == "new":
            return cmd_new(args)
        if args.command == "backtest":
            return cmd_backtest(args)
        if args.command in ("learn", "calibrate"):
            return cmd_learn(args) if args.command == "learn" else cmd_calibrate(args)
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2


def _inputs(paths: list[Path]) -> list[Path]:
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"playbooks: error: {p}: no such file or folder", file=sys.stderr)
        raise SystemExit(2)
    from .runner import discover

    files = discover(paths)
    if not files:
        print(f"playbooks: error: no params files (*.yaml) in {', '.join(map(str, paths))}", file=sys.stderr)
        raise SystemExit(2)
    return files


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import BatchOptions, run_batch
    from .outfolder import OutFolderError

    if args.jobs < 1:
        print("playbooks: error: -j must be at least 1", file=sys.stderr)
        return 2
    if args.executor == "dask" and not args.scheduler:
        print("playbooks: error: --executor dask needs --scheduler ADDRESS", file=sys.stderr)
        return 2
    if args.notebook_dir is not None and not args.notebook_dir.is_dir():
        print(f"playbooks: error: {args.notebook_dir}: no such folder", file=sys.stderr)
        return 2
    files = _inputs(args.inputs or [DEFAULT_PARAMS])
    if args.pdf:
        from .pdf import PdfUnavailable, chromium

        try:
            chromium()
        except PdfUnavailable as exc:
            print(f"playbooks: error: {exc}", file=sys.stderr)
            return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"playbooks: error: --out {args.out}: is a file, expected a folder", file=sys.stderr)
        return 2
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"playbooks: error: --out {args.out}: cannot create the folder ({exc.strerror})", file=sys.stderr)
        return 2
    opts = BatchOptions(out=args.out, only=args.only, workers=args.jobs, force=args.force, timeout=args.timeout,
                        notebook_dir=args.notebook_dir, progress=args.progress, executor=args.executor,
                        scheduler=args.scheduler, kernels=args.kernels, pdf=args.pdf)
    results: list = []
    try:
        results = run_batch(files, opts, log=lambda s: print(s, flush=True))
    except OutFolderError as exc:  # a foreign index.html or summary.json in --out: nothing was written
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: finished outputs are kept and listed in {args.out / 'summary.json'}; "
              "run the same command again to do the rest", file=sys.stderr)
        return 130
    except OSError as exc:  # the output folder went read-only or full mid-run
        print(f"playbooks: error: cannot write to {args.out}: {exc.strerror or exc} "
              f"({getattr(exc, 'filename', '') or ''}); finished outputs are kept, no file is half-written; "
              "free space or fix permissions and run again", file=sys.stderr)
        return 1
    for r in results:  # what each merchant must know before running its plan: after the batch, never lost in it
        for w in r.warnings:
            print(f"warning: {r.slug}/{r.playbook}: {w['message']}", file=sys.stderr)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("ok", "failed", "skipped")}
    print(f"{counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} skipped -> {args.out / 'index.html'}")
    return 1 if counts["failed"] else 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .batch import BatchOptions
    from .outfolder import OutFolderError
    from .watch import watch

    inputs = args.inputs or [DEFAULT_PARAMS]
    _inputs(inputs)  # every one exists, and there is a params file to watch
    if args.out.exists() and not args.out.is_dir():
        print(f"playbooks: error: --out {args.out}: is a file, expected a folder", file=sys.stderr)
        return 2
    opts = BatchOptions(out=args.out, only=args.only, workers=1, timeout=args.timeout)
    try:
        return watch(inputs, opts, args.port, log=lambda s: print(s, flush=True))
    except OutFolderError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:  # the port is taken, the folder cannot be written
        print(f"playbooks: error: {exc.strerror or exc}", file=sys.stderr)
        return 2


def cmd_validate(args: argparse.Namespace) -> int:
    from .loading import check_file, display_path
    from .rule_warnings import plan_warnings

    bad = 0
    for path in _inputs(args.inputs):
        mp, error = check_file(path)
        if error is None:
            try:
                warnings = plan_warnings(mp)  # builds each plan (fewer draws): its data files are read and checked
            except UserError as exc:
                error = exc
        if error is not None:
            bad += 1
            print(str(error), file=sys.stderr)
            continue
        print(f"{display_path(path)}: ok ({mp.merchant.name}: {', '.join(mp.playbooks)})")
        for playbook, w in warnings:  # a forbidden use, a date already past: the consultant decides, never an error
            print(f"warning: {mp.source}: {mp.merchant.name} / {playbook}: {w['message']}", file=sys.stderr)
    return 1 if bad else 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    from .diagnosis_text import text
    from .errors import ParamsError
    from .loading import display_path, load_params

    bad = 0
    for path in _inputs(args.inputs):
        try:
            mp = load_params(path)
        except ParamsError as exc:
            bad += 1
            print(str(exc), file=sys.stderr)
            continue
        d = mp.diagnosis
        print(f"{display_path(path)}: {mp.merchant.name}\n  stage: {d.stage} -> playbook {d.playbook}\n"
              f"  why: {text(d, 'en')}")
    return 1 if bad else 0


def cmd_new(args: argparse.Namespace) -> int:
    from .newparams import display_path, write_new

    if args.sample is not None and not args.sample.is_file():
        print(f"playbooks: error: --from {args.sample}: no such file", file=sys.stderr)
        return 2
    path = write_new(args.name, args.dir, args.sample, args.playbook)
    print(f"{display_path(path)}: new params for {args.name}; fill it in, then: playbooks validate "
          f"{display_path(path)}")
    return 0
def cmd_inspect(args: argparse.Namespace) -> int:
    from .errors import DataFileError
    from .inspection import inspect_file

    bad = 0
    for path in args.files:
        try:
            print(inspect_file(path, args.format))
        except DataFileError as exc:
            bad += 1
            print(str(exc), file=sys.stderr)
    return 1 if bad else 0


def cmd_app(args: argparse.Namespace) -> int:
    from .app import serve

    if not args.params.is_file():
        print(f"playbooks: error: {args.params}: no such file", file=sys.stderr)
        return 2
    return serve(args.playbook, args.params, port=args.port, open_browser=not args.no_browser)


if __name__ == "__main__":
    sys.exit(main())
