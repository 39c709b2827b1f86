#!/usr/bin/env bash
# The browser tests (tests/test_handout_browser.py) open handouts in a real headless Chromium.
# Install Debian's `chromium` when it is missing, plus a small CJK system font so Chinese
# handouts render with real glyphs (the handouts themselves never download fonts).
# Another browser binary can be named with CHROMIUM=/path/to/chrome instead.
set -euo pipefail

if [ -n "${CHROMIUM:-}" ]; then
  [ -x "$CHROMIUM" ] && exit 0
  echo "CHROMIUM=$CHROMIUM is not an executable file" >&2
  exit 1
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
  need+=(fonts-wqy-microhei)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "missing: ${need[*]} — install Chromium (or set CHROMIUM=/path/to/chrome) and a CJK font" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing ${need[*]} with apt-get (for the browser tests)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v chromium >/dev/null 2>&1
