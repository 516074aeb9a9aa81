#!/usr/bin/env bash
# npm run test:n8n — the built package inside a real n8n 2.x (see test/n8n/README.md).
#  1. the cached n8n install (scripts/n8n-install.sh; cold ≈ 15 min, then reused);
#  2. `npm run build` output in dist/ (this script does not build: CI builds first);
#  3. test/n8n/run.ts under Node 24: throwaway user folder, imports, n8n start, type checks, workflows.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -d dist/credentials ]; then
  echo "[test:n8n] dist/ is missing: run 'npm run build' first" >&2
  exit 1
fi

# One install at a time on this machine (a CI run and a developer run may overlap).
lock="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/n8n-install.lock"
mkdir -p "$(dirname "$lock")"
echo "[test:n8n] locating the cached n8n install (scripts/n8n-install.sh)"
n8n_dir="$(flock "$lock" bash scripts/n8n-install.sh)"
echo "[test:n8n] n8n: $n8n_dir"

# Two ways n8n loads the package (WA_N8N_LOAD=custom|package|both, default both):
#  custom:  N8N_CUSTOM_EXTENSIONS → types CUSTOM.<name> (n8n loads every built *.node.js);
#  package: an installed community package → types n8n-nodes-whatsapp-cloud.<name>, only what
#           package.json's n8n section lists (what users get).
modes="${WA_N8N_LOAD:-both}"
[ "$modes" = both ] && modes="custom package"
for mode in $modes; do
  echo "[test:n8n] ===== load mode: $mode ====="
  # run.ts uses ESM syntax in a package without "type": "module": Node runs it as ESM and would warn.
  WA_N8N_LOAD="$mode" bash scripts/with-node24.sh node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON \
    test/n8n/run.ts --n8n-dir "$n8n_dir" "$@"
done
echo "[test:n8n] all load modes passed ($modes)"
