#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH (see node24.sh): `with-node24.sh jest --ci`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$("$here/node24.sh")"
export PATH="$(dirname "$bin"):$PATH"
exec "$@"
