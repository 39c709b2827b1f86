#!/usr/bin/env bash
# Install the exact tested versions (requirements.lock, with hashes) and the project (editable) into a venv.
# uv when it is on PATH or can be installed into the venv from the package index (seconds from a warm
# cache); pip otherwise, when uv fails, or with PLAYBOOKS_NO_UV=1. Usage: tools/install_env.sh [VENV]
# Bytecode is compiled at install (--compile-bytecode; pip does it by default): with PYTHONDONTWRITEBYTECODE
# set, as on CI machines, every process would otherwise compile every import from source (~2x the start-up).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}
py="$venv/bin/python"
UV_VERSION=0.13.9
lock=requirements.lock

uv=$(command -v uv || true)
[[ "${PLAYBOOKS_NO_UV:-}" == 1 ]] && uv=""  # force the pip path
if [[ -z "$uv" && "${PLAYBOOKS_NO_UV:-}" != 1 ]] && "$py" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>/dev/null; then
    uv="$venv/bin/uv"
fi
if [[ -n "$uv" ]]; then
    if "$uv" pip install --quiet --python "$py" --require-hashes --compile-bytecode -r "$lock" \
        && "$uv" pip install --quiet --python "$py" --no-deps -e .; then
        exit 0
    fi
    echo "install_env: uv could not install $lock; falling back to pip" >&2
fi
"$py" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
"$py" -m pip install --quiet --disable-pip-version-check --no-deps -e .
