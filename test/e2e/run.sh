#!/usr/bin/env bash
# npm run test:e2e — the examples end to end in a real n8n 2.x (see test/e2e/README.md).
#  1. the cached n8n install (scripts/n8n-install.sh; cold ≈ 15 min, then reused);
#  2. `npm run build` output in dist/ (this script does not build: CI builds first);
#  3. Debian's chromium (scripts/chromium.sh: installs it as root when missing) and playwright-core (a
#     devDependency) for the browser check at the end (test/e2e/browser.ts);
#  4. test/e2e/run.ts under Node 24: simulator, n8n with the package, the examples, assertions, browser check.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -f dist/simulator/cli.js ] || [ ! -d dist/nodes ]; then
  echo "[test:e2e] dist/ is missing: run 'npm run build' first" >&2
  exit 1
fi

lock="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/n8n-install.lock"
mkdir -p "$(dirname "$lock")"
echo "[test:e2e] locating the cached n8n install (scripts/n8n-install.sh)"
n8n_dir="$(flock "$lock" bash scripts/n8n-install.sh)"
echo "[test:e2e] n8n: $n8n_dir"
WA_CHROMIUM="$(bash scripts/chromium.sh)"
export WA_CHROMIUM
echo "[test:e2e] chromium: $WA_CHROMIUM"
if [ ! -d node_modules/playwright-core ]; then
  echo "[test:e2e] installing playwright-core (devDependency)" >&2
  flock /tmp/npm.lock npm install --no-audit --no-fund --no-save playwright-core >&2
fi
# run.ts uses ESM syntax in a package without "type": "module": Node runs it as ESM and would warn.
exec bash scripts/with-node24.sh node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON \
  test/e2e/run.ts --n8n-dir "$n8n_dir" "$@"
