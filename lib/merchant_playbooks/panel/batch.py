"""Batch or a person? The panel is built only for a person looking through a Jupyter frontend."""

from __future__ import annotations

import os


def batch_run(plan_out: str = "") -> bool:
    """True unless a person looks at this kernel through a Jupyter frontend.

    Papermill, nbval and `playbooks run` run notebooks in kernels no frontend is
    connected to; widgets there would only leave state and placeholders in the output
    notebook (and `@interact`-style waiting can hang papermill, nteract/papermill#723).
    The panel is built only when the kernel was started for a frontend: by Voilà (it
    gives its kernels `VOILA_*` variables) or by a Jupyter server for an open notebook
    (jupyter_server's session manager sets `JPY_SESSION_NAME`) — and never when the
    batch runner asks for plan files (`plan_out`), which also covers a `playbooks run`
    started from a notebook whose kernel passed those variables on. No runner change is
    needed. `MERCHANT_PLAYBOOKS_PANEL=1` or `=0` forces either way.
    """
    forced = os.environ.get("MERCHANT_PLAYBOOKS_PANEL", "").strip().lower()
    if forced in ("1", "on", "yes", "true"):
        return False
    if forced in ("0", "off", "no", "false"):
        return True
    if plan_out:
        return True
    try:
        from IPython import get_ipython  # optional: plain Python has no IPython
    except ImportError:
        return True
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return True  # plain Python or terminal IPython: nothing renders widgets
    voila = any(k.startswith("VOILA_") for k in os.environ) or os.environ.get(
        "SERVER_SOFTWARE", "").startswith("voila")
    return not (voila or os.environ.get("JPY_SESSION_NAME"))
