#!/usr/bin/env bash
# Installs a real n8n 2.x into a cache outside the work tree and prints its folder.
# Facts behind each step: ../shared/reference/n8n.md ("Installing a real n8n 2.x").
#  - n8n 2.41.0 resolves on the registry reachable here (2.41.3 does not);
#  - cssomnom is missing from the registry: an override maps it to cssom;
#  - lifecycle scripts that download things fail: install with --ignore-scripts, then
#    build only the native modules n8n needs (sqlite3, isolated-vm) from source against Node 24.
# A finished install is marked with a stamp file and reused (CI on the same machine, later runs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
N8N_VERSION="${N8N_VERSION:-2.41.0}"
node24="$("$here/node24.sh")"
node24dir="$(dirname "$(dirname "$node24")")"
dir="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/n8n-$N8N_VERSION"
if [ -f "$dir/.installed" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
cat > "$dir/package.json" <<JSON
{ "name": "n8n-harness", "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "cssomnom": "npm:cssom@^0.5.0" } }
JSON
export PATH="$(dirname "$node24"):$PATH"
export npm_config_nodedir="$node24dir"
start=$(date +%s)
echo "[n8n-install] installing n8n@$N8N_VERSION into $dir (cold: ~15 min)" >&2
( cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2 )
echo "[n8n-install] building sqlite3 and isolated-vm for Node $("$node24" -v)" >&2
( cd "$dir" && npm rebuild sqlite3 isolated-vm --build-from-source --loglevel=error >&2 )
touch "$dir/.installed"
echo "[n8n-install] done in $(( $(date +%s) - start )) s" >&2
echo "$dir"
