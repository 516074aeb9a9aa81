#!/usr/bin/env bash
# Shared preamble of the real-n8n suites (test/n8n/run.sh, test/e2e/run.sh, test/e2e/browser.sh,
# test/queue/run.sh). Sourcing it moves to the project root (the paths below are relative to it):
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../n8n/lib/common.sh"   # from test/e2e/ (any cwd)
#   wa_require_dist "[test:e2e]" dist/simulator/cli.js dist/nodes   # dist/ must be built (CI builds first)
#   n8n_dir="$(wa_n8n_dir "[test:e2e]")"                           # the cached n8n install (cold ≈ 15 min)
#   wa_browser "[test:e2e]"                                         # Debian chromium + playwright-core
#   wa_run_ts test/e2e/run.ts --n8n-dir "$n8n_dir" "$@"              # a .ts entry under Node 24

cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"

# Exits with a clear message when a built file or folder is missing.
wa_require_dist() {
  local label="$1"; shift
  local f
  for f in "$@"; do
    if [ ! -e "$f" ]; then
      echo "$label dist/ is missing ($f): run 'npm run build' first" >&2
      exit 1
    fi
  done
}

# Prints the cached n8n install folder (scripts/n8n-install.sh), one install at a time on this machine
# (a CI run and a developer run may overlap).
wa_n8n_dir() {
  local label="$1"
  local lock="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/n8n-install.lock"
  mkdir -p "$(dirname "$lock")"
  echo "$label locating the cached n8n install (scripts/n8n-install.sh)" >&2
  local dir
  dir="$(flock "$lock" bash scripts/n8n-install.sh)"
  echo "$label n8n: $dir" >&2
  echo "$dir"
}

# Debian's chromium (scripts/chromium.sh installs it as root when missing) → $WA_CHROMIUM, and
# playwright-core (a devDependency; installed without saving when a checkout skipped dev deps).
wa_browser() {
  local label="$1"
  WA_CHROMIUM="$(bash scripts/chromium.sh)"
  export WA_CHROMIUM
  echo "$label chromium: $WA_CHROMIUM" >&2
  if [ ! -d node_modules/playwright-core ]; then
    echo "$label installing playwright-core (devDependency)" >&2
    flock /tmp/npm.lock npm install --no-audit --no-fund --no-save playwright-core >&2
  fi
}

# Runs a TypeScript entry under Node 24 (type stripping). The entries use ESM syntax in a package
# without "type": "module": Node runs them as ESM and would warn.
wa_run_ts() {
  bash scripts/with-node24.sh node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON "$@"
}
