#!/usr/bin/env bash
# Makes sure Debian's chromium is at /usr/bin/chromium for the browser tests (tests/Vinted.BrowserTests drive it
# with Playwright; Playwright's own browser download needs the internet, which the machines do not have).
# Quiet when it is already there; installs it with apt-get otherwise (root, as on the project's machines).
set -euo pipefail
[[ -x /usr/bin/chromium ]] && exit 0
echo "[browser] installing Debian's chromium (apt-get)" >&2
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo -n)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
"${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
[[ -x /usr/bin/chromium ]] || { echo "[browser] /usr/bin/chromium still missing after apt-get install chromium" >&2; exit 1; }
