"""`playbooks watch [PARAMS_FILE_OR_DIR ...] [--out DIR] [--port N]`: re-run on save, at the speed of a conversation.

Runs every merchant's playbooks once (skipping what is up to date, like `playbooks run`),
then watches the params files (and folders named) and the data files each one names.
When one is saved, only the playbooks whose inputs changed run again (the fingerprint of
a playbook covers the merchant block, its own section and its data files, see
`runner.plan_jobs`), on a warm worker kept for the whole session (`warm.py`: kernel
server, a reset kernel, papermill and the exporter loaded), and their handout, plan.json,
xlsx and whatever else the runner writes are replaced as `playbooks run` replaces them.

A save that does not validate is reported at once, in the terminal and on the page, with
the same `file:line` messages as `playbooks validate`, and runs nothing: the last good
handout stays. A notebook that fails keeps the last good files too (marked stale in the
index). The page (`watch_page.py`) reloads the handout when its file is replaced.
Ctrl-C (or SIGTERM, SIGHUP) stops the watch, its server and every kernel.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from .batch import BatchOptions, run_batch, worker_config
from .loading import MerchantParams, check_file, display_path
from .outputs import DATA_SUFFIXES
from .runner import discover

DEBOUNCE_MS, STEP_MS = 400, 30  # changes are gathered until 30 ms pass without one (400 ms at most)


def named_files(mp: MerchantParams) -> set[Path]:
    """Every data file the merchant's sections name, found or not (a missing one may be created)."""
    from .executors import _strings

    found = set()
    for name in mp.playbooks:
        for value in _strings(mp.raw.get(name)):
            if value.lower().endswith(DATA_SUFFIXES):
                p = Path(value)
                found.add((p if p.is_absolute() else mp.base_dir / p).resolve())
    return found


@dataclass
class Watch:
    inputs: list[Path]
    opts: BatchOptions
    board: object  # watch_page.Board
    runner: object  # warm.WarmExecutor
    log: object = print
    err: object = field(default=lambda s: print(s, file=sys.stderr, flush=True))
    deps: dict[Path, set[Path]] = field(default_factory=dict)  # params file -> the data files it names

    def files(self) -> list[Path]:
        return discover([p for p in self.inputs if p.exists() or p.suffix in (".yaml", ".yml")])

    def watched(self) -> list[Path]:
        """The folders to watch: of every params file, input folder and named data file (those that exist)."""
        folders = {p.resolve() if p.is_dir() else p.resolve().parent for p in self.inputs}
        folders |= {f.parent for files in self.deps.values() for f in files}
        return sorted(f for f in folders if f.is_dir())

    def round(self, files: list[Path]) -> None:
        """Validate `files`; run the valid ones (what is up to date is skipped); report every error."""
        good: list[Path] = []
        for path in files:
            source = display_path(path)
            mp, error = check_file(path)
            if error is not None:
                self.err(f"{error}\n  (not run: the last good handout stays)")
                self.board.set_errors(source, str(error).splitlines())
                self.deps.setdefault(path.resolve(), set())  # known: said once, again when it is saved
                continue
            self.deps[path.resolve()] = named_files(mp)
            self.board.set_errors(source, [])
            good.append(path)
        if not good:
            return
        self.board.busy = True
        try:
            results = run_batch(good, self.opts, log=self.log, executor=self.runner)
        finally:
            self.board.busy = False
        failed: dict[str, list[str]] = {}
        for r in results:
            if r.status == "failed":
                failed.setdefault(r.params_file, []).append(
                    f"{r.params_file}: {r.slug or '?'}/{r.playbook or '?'} failed: {r.error} "
                    "(the last good handout stays)")
        for source in {display_path(p) for p in good}:
            self.board.set_errors(source, failed.get(source, []))

    def affected(self, changed: set[Path]) -> list[Path]:
        """The params files a set of saved files touches: themselves, those naming them, new ones."""
        return [f for f in self.files()
                if (key := f.resolve()) in changed or key not in self.deps or self.deps[key] & changed]

    def loop(self, stop_event=None) -> None:
        import watchfiles

        while True:
            folders = self.watched()
            for changes in watchfiles.watch(*folders, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop_event,
                                            recursive=False, raise_interrupt=True):
                todo = self.affected({Path(p).resolve() for _, p in changes})
                if todo:
                    self.round(todo)
                if self.watched() != folders:  # a data file in a new folder: watch that too
                    break
            else:
                return  # stop_event was set


def watch(inputs: list[Path], opts: BatchOptions, port: int = 8767, log=print, stop_event=None) -> int:
    """Run, serve and watch until Ctrl-C (or `stop_event`); 0 when stopped."""
    from .app import _stop_signals_interrupt
    from .warm import WarmExecutor
    from .watch_page import Board, serve

    out = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    opts = replace(opts, out=out, progress=False, force=False)
    board = Board(out)
    server = runner = None
    with _stop_signals_interrupt():
        try:
            runner = WarmExecutor(worker_config(opts))
            session = Watch(inputs, opts, board, runner, log)
            server = serve(board, port)
            session.round(session.files())
            url = f"http://127.0.0.1:{server.server_address[1]}/watch/"
            log(f"watching {len(session.files())} params files and {sum(map(len, session.deps.values()))} "
                f"data files; handouts at {url} (Ctrl-C stops)")
            session.loop(stop_event)
        except KeyboardInterrupt:
            pass
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()
            if runner is not None:
                runner.close()
    log("stopped: every kernel is shut down")
    return 0
