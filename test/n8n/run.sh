#!/usr/bin/env bash
# npm run test:n8n — the built package inside a real n8n 2.x (see test/n8n/README.md).
#  1. the cached n8n install (scripts/n8n-install.sh; cold ≈ 15 min, then reused);
#  2. `npm run build` output in dist/ (this script does not build: CI builds first);
#  3. test/n8n/run.ts under Node 24: throwaway user folder, imports, n8n start, type checks, workflows.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # cd to the project root
wa_require_dist "[test:n8n]" dist/credentials
n8n_dir="$(wa_n8n_dir "[test:n8n]")"

# Two ways n8n loads the package (WA_N8N_LOAD=custom|package|both, default both):
#  custom:  N8N_CUSTOM_EXTENSIONS → types CUSTOM.<name> (n8n loads every built *.node.js);
#  package: an installed community package → types n8n-nodes-whatsapp-cloud.<name>, only what
#           package.json's n8n section lists (what users get).
modes="${WA_N8N_LOAD:-both}"
[ "$modes" = both ] && modes="custom package"
for mode in $modes; do
  echo "[test:n8n] ===== load mode: $mode ====="
  WA_N8N_LOAD="$mode" wa_run_ts test/n8n/run.ts --n8n-dir "$n8n_dir" "$@"
done
echo "[test:n8n] all load modes passed ($modes)"
