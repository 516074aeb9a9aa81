#!/usr/bin/env bash
# npm run demo: installs what it needs (dependencies, Node 24), builds, and runs the headless demo
# (demo/run.ts): the Cloud API simulator, the embedded store and the example flows end to end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "${1:-}" = "--ui" ]; then
  # A real n8n 2.x with the package, the examples and the simulator, until Ctrl-C (scripts/demo-ui.sh).
  exec bash scripts/demo-ui.sh "${@:2}"
fi
[ -d node_modules ] || npm install --no-audit --no-fund
npm run build --silent
exec bash scripts/with-node24.sh node dist/demo/run.js
