"""Issue 16's "Must show", read from the source of `lib/` (no imports, no runs: cheap).

- no import circle in lib/ (function-local imports count: they hide a circle, they do not
  remove it; imports under `if TYPE_CHECKING:` do not run, so they do not count);
- no module in lib/ over 400 lines, no function over 80;
- no model, figures, schema, Monte Carlo, diagnosis or rules-check module imports words
  (i18n, a words/text module, render, compliance's section), charts, widgets (panel,
  show, ipywidgets, altair), the export or the batch (runner, batch, executors, kernels);
  a model module is one named so, and every module of its package it imports;
- no schema imports the rules module (`rules`, or the compliance section over it);
- no `import_module` (or `__import__`) on an f-string or any string built at run time
  in lib/: a module's name is written out, or comes from a declaration or `pkgutil`;
- the playbooks' names are listed once: outside its own package no module of lib/ spells
  a playbook's name.

Each test lists every violation with its file, so one run says what is left to do.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

REAL_LIB = LIB = Path(__file__).resolve().parents[1] / "lib"
PACKAGE = LIB / "merchant_playbooks"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
MODEL_NAMES = {"model", "figures", "schema", "montecarlo", "diagnosis", "rules"}
#: the last part of a module name (inside merchant_playbooks) a model module must not import
FORBIDDEN_LOCAL = {"i18n", "words", "review_text", "diagnosis_text", "render", "compliance", "charts",
                   "review_charts", "show", "export", "runner", "batch", "executors", "kernels", "kernel_server",
                   "app", "index"}
FORBIDDEN_PREFIXES = ("panel",)  # panel.py and whatever it is split into (panel_*.py, panel/)
FORBIDDEN_THIRD_PARTY = {"altair", "ipywidgets", "IPython", "papermill", "nbconvert", "nbclient", "vl_convert",
                         "jinja2", "voila"}
RULES_MODULES = {"rules", "compliance"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"), str(modules()[name]))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(node: ast.AST):
    """Every Import / ImportFrom that runs (module level or inside functions), not under TYPE_CHECKING."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _import_nodes(child)


def _package_of(name: str) -> str:
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


@cache
def imports(name: str) -> tuple[str, ...]:
    """The modules `name` imports: inside lib/ as module names, others as their top-level name."""
    found: list[str] = []
    for node in _import_nodes(tree(name)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
            continue
        if node.level:
            base = _package_of(name).split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        for alias in node.names:  # `from . import registry` imports the module `registry`
            sub = f"{target}.{alias.name}"
            found.append(sub if sub in modules() else target)
    return tuple(dict.fromkeys(found))


def local_imports(name: str) -> list[str]:
    return [m for m in imports(name) if m in modules()]


def where(name: str) -> str:
    return str(modules()[name].relative_to(LIB.parent))


def test_no_import_circle_in_lib():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in local_imports(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in local_imports(v):
                circles.append(sorted(component))

    for name in modules():
        if name not in index:
            visit(name)
    assert not circles, "import circles (function-local imports included):\n" + "\n".join(
        " <-> ".join(where(m) for m in c) for c in circles)


def test_no_module_over_400_lines():
    long = {where(n): len(p.read_text(encoding="utf-8").splitlines()) for n, p in modules().items()}
    over = {k: v for k, v in long.items() if v > MAX_MODULE_LINES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines: " + ", ".join(f"{k} ({v})" for k, v in over.items())


def test_no_function_over_80_lines():
    over = []
    for name in modules():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    over.append(f"{where(name)}:{node.lineno} {node.name} ({lines})")
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(over)


def model_modules() -> set[str]:
    """Modules named as models (and the rules check), and every module of their package they import."""
    found = {n for n in modules() if n.rpartition(".")[2] in MODEL_NAMES}
    todo = list(found)
    while todo:
        name = todo.pop()
        package = _package_of(name)
        for m in local_imports(name):
            if package != "merchant_playbooks" and m.startswith(f"{package}.") and m not in found:
                found.add(m)
                todo.append(m)
    return found


def _forbidden(target: str) -> bool:
    if target not in modules():
        return target.partition(".")[0] in FORBIDDEN_THIRD_PARTY
    last = target.rpartition(".")[2]
    return last in FORBIDDEN_LOCAL or last.startswith(FORBIDDEN_PREFIXES) or any(
        part.startswith(FORBIDDEN_PREFIXES) for part in target.split(".")[1:-1])


def test_no_model_schema_montecarlo_diagnosis_or_rules_module_imports_words_charts_widgets_or_the_batch():
    bad = [f"{where(n)} imports {m}" for n in sorted(model_modules()) for m in imports(n) if _forbidden(m)]
    assert not bad, "model-side modules importing the view or the batch:\n" + "\n".join(bad)


def test_no_schema_imports_the_rules_module():
    bad = [f"{where(n)} imports {m}" for n in modules() if n.rpartition(".")[2] == "schema"
           for m in local_imports(n) if m.rpartition(".")[2] in RULES_MODULES]
    assert not bad, "schemas importing the rules:\n" + "\n".join(bad)


def _built_at_run_time(arg: ast.expr) -> bool:
    if isinstance(arg, ast.JoinedStr):
        return True
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Add | ast.Mod):
        return True
    return isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr in ("format", "join")


def test_no_import_module_on_an_f_string_in_lib():
    bad = []
    for name in modules():
        for node in ast.walk(tree(name)):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and _built_at_run_time(node.args[0]):
                bad.append(f"{where(name)}:{node.lineno}")
    assert not bad, "import_module on a name built from strings: " + ", ".join(bad)


def declared_names() -> dict[str, str]:
    """Each playbook package's name (its folder), read from the source: packages whose `__init__` assigns PLAYBOOK."""
    found = {}
    for init in PACKAGE.glob("*/__init__.py"):
        for node in tree(module_name(init)).body:
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            if any(isinstance(t, ast.Name) and t.id == "PLAYBOOK" for t in targets):
                found[init.parent.name] = module_name(init)
    return found


def test_the_playbooks_declare_themselves_and_lib_lists_no_names():
    names = declared_names()
    assert len(names) >= 4, f"playbook packages declaring PLAYBOOK: {sorted(names)}"
    bad = []
    for name in modules():
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.Constant) and node.value in names and not name.startswith(names[node.value]):
                bad.append(f"{where(name)}:{node.lineno} names {node.value!r}")
    assert not bad, "playbook names spelled outside their own package:\n" + "\n".join(bad)


@pytest.mark.parametrize("rule", ["cycles", "layers"])
def test_the_checks_catch_what_they_look_for(rule, tmp_path):
    """The checker itself: a planted circle and a planted model importing i18n are found."""
    pkg = tmp_path / "merchant_playbooks"
    (pkg / "toy").mkdir(parents=True)
    for f in ("__init__.py", "i18n.py", "toy/__init__.py"):
        (pkg / f).write_text("")
    (pkg / "toy" / "model.py").write_text("def f():\n    from .. import i18n\n")
    (pkg / "a.py").write_text("def g():\n    from . import b\n")
    (pkg / "b.py").write_text("from .a import g\n")
    globals()["LIB"], globals()["PACKAGE"] = tmp_path, pkg
    for f in (modules, tree, imports):
        f.cache_clear()
    try:
        if rule == "cycles":
            with pytest.raises(AssertionError, match="a.py <-> .*b.py"):
                test_no_import_circle_in_lib()
        else:
            with pytest.raises(AssertionError, match="toy/model.py imports merchant_playbooks.i18n"):
                test_no_model_schema_montecarlo_diagnosis_or_rules_module_imports_words_charts_widgets_or_the_batch()
    finally:
        globals()["LIB"], globals()["PACKAGE"] = REAL_LIB, REAL_LIB / "merchant_playbooks"
        for f in (modules, tree, imports):
            f.cache_clear()


def test_loading_every_sample_params_file_stays_light():
    """`playbooks validate` and the batch's parent process read params without pandas, pyarrow or altair
    (a schema importing a heavy module through a package `__init__` costs every run a few tenths of a second)."""
    import subprocess
    import sys

    code = ("import sys, pathlib; from merchant_playbooks.loading import load_params\n"
            "[load_params(p) for p in sorted(pathlib.Path('params').glob('*.yaml'))]\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'altair', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REAL_LIB.parent, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
