#!/usr/bin/env bash
# Refresh requirements.lock: resolve pyproject.toml's dependencies and test extras to the newest versions
# allowed, for Python 3.11.5+ on any platform (--universal), every file's hash included. `make lock`; then `make test`
# (the venv is rebuilt from the new lock) and commit the lock with the code it was tested with.
# LOCK_FROM_VENV=1 pins what .venv has installed instead (the versions just tested).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=$(command -v uv || echo .venv/bin/uv)
[[ -x "$uv" ]] || .venv/bin/python -m pip install --quiet "uv==0.13.9"
args=(pyproject.toml --extra test --python-version 3.11.5 --universal --generate-hashes --quiet
      --custom-compile-command "make lock" -o requirements.lock)
if [[ "${LOCK_FROM_VENV:-}" == 1 ]]; then
    .venv/bin/python -m pip freeze --exclude-editable | grep -v '^merchant-playbooks' > .venv/tested.txt
    args+=(--constraint .venv/tested.txt)
else
    args+=(--upgrade)
fi
"$uv" pip compile "${args[@]}"
echo "requirements.lock: $(grep -c '==' requirements.lock) packages pinned"
