#!/usr/bin/env bash
# npm run bench:n8n — webhook capacity of a real n8n 2.x with default settings, directly and through the
# webhook receiver, plus the receiver crash test (test/n8n/capacity.ts; flags are passed through:
# --configs direct,direct-store,direct-nocache,listener,receiver,crash --seconds 10 --levels … --receiver-levels …).
# Needs `npm run build` first. Takes ~5–10 minutes with the defaults; uses both cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" # cd to the project root
wa_require_dist "[bench:n8n]" dist/receiver/cli.js dist/nodes/WhatsAppCloudTrigger
n8n_dir="$(wa_n8n_dir "[bench:n8n]")"
wa_run_ts test/n8n/capacity.ts --n8n-dir "$n8n_dir" "$@"
