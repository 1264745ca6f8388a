#!/usr/bin/env bash
# System packages the integration tests need on a bare Debian machine (run as root):
# Debian's Chromium for Playwright (driven with executable_path=/usr/bin/chromium, never
# `playwright install`), CJK fonts so Chinese renders in the screenshots, and PostgreSQL for
# `jinbiao studio start --database postgresql` (the server programs only: jinbiao runs its own
# cluster; Label Studio brings the Python driver, psycopg[binary]).
# Idempotent and quiet: does nothing when everything is already installed.
set -euo pipefail

packages=(chromium fonts-noto-cjk fonts-liberation ca-certificates postgresql)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ci_system_deps.sh: need root to install: ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "ci_system_deps.sh: installing ${missing[*]} failed" >&2
    exit 1
fi
test -x /usr/bin/chromium || { echo "ci_system_deps.sh: /usr/bin/chromium missing after install" >&2; exit 1; }
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || { echo "ci_system_deps.sh: pg_ctl missing after install" >&2; exit 1; }
