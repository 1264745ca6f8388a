#!/usr/bin/env bash
# The integration tests need Debian's chromium and CJK fonts (and postgresql for their pass on
# PostgreSQL). Install them when missing and we may (root with apt-get); otherwise say how, and
# the integration tests will skip (or fail, when JINBIAO_REQUIRE_INTEGRATION is set, as in CI).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages) for the browser tests" >&2
  exec bash "$(dirname "$0")/ci_system_deps.sh"
fi
echo "note: ${missing[*]} missing; run 'sudo bash scripts/ci_system_deps.sh' for the integration tests" >&2
