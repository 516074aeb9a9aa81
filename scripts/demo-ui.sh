#!/usr/bin/env bash
# npm run demo -- --ui: a real n8n 2.x on 127.0.0.1 with this package, the examples and the Cloud API
# simulator, to click through (scripts/demo-ui.ts). Installs what it needs: npm dependencies, Node 24
# (scripts/node24.sh), the build, n8n 2.x (scripts/n8n-install.sh, cached; the first run takes ≈ 15 min).
#   bash scripts/demo-ui.sh [--port 5678] [--email demo@example.com] [--password …] [--keep]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
for a in "$@"; do [ "$a" = "--ui" ] || args+=("$a"); done

[ -d node_modules ] || npm install --no-audit --no-fund
# One build at a time when other scripts build on the same machine.
if command -v flock >/dev/null 2>&1; then flock /tmp/build.lock npm run build --silent; else npm run build --silent; fi
# demo-ui.ts uses ESM syntax in a package without "type": "module": Node runs it as ESM and would warn.
exec bash scripts/with-node24.sh node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/demo-ui.ts ${args[@]+"${args[@]}"}
