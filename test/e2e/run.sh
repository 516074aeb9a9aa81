#!/usr/bin/env bash
# npm run test:e2e — the examples end to end in a real n8n 2.x (see test/e2e/README.md).
#  1. the cached n8n install (scripts/n8n-install.sh; cold ≈ 15 min, then reused);
#  2. `npm run build` output in dist/ (this script does not build: CI builds first);
#  3. Debian's chromium (scripts/chromium.sh: installs it as root when missing) and playwright-core (a
#     devDependency) for the browser check at the end (test/e2e/browser.ts);
#  4. test/e2e/run.ts under Node 24: simulator, n8n with the package, the examples, assertions, browser check.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../n8n/lib/common.sh" # cd to the project root
wa_require_dist "[test:e2e]" dist/simulator/cli.js dist/nodes
n8n_dir="$(wa_n8n_dir "[test:e2e]")"
wa_browser "[test:e2e]"
wa_run_ts test/e2e/run.ts --n8n-dir "$n8n_dir" "$@"
