#!/usr/bin/env bash
# npm run test:queue — n8n 2.x in queue mode (main + 2 workers, Redis, Postgres) sends one 20,000-recipient
# campaign from two executions at once; see test/queue/run.ts for what it asserts.
#  1. dist/ must be built (npm run build; this script does not build: CI builds first);
#  2. a throwaway PostgreSQL (scripts/pg.sh) and Redis (scripts/redis.sh) on 127.0.0.1, started if needed
#     and left running (other suites share them); the test's own databases and Redis keys are removed;
#  3. the cached n8n install (scripts/n8n-install.sh, under the same lock as test:n8n);
#  4. test/queue/run.ts under Node 24.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../n8n/lib/common.sh" # cd to the project root
wa_require_dist "[test:queue]" dist/simulator/cli.js dist/core/store/index.js

echo "[test:queue] PostgreSQL and Redis (throwaway, 127.0.0.1)"
bash scripts/pg.sh start >/dev/null
bash scripts/redis.sh start >/dev/null

n8n_dir="$(wa_n8n_dir "[test:queue]")"

# One queue run at a time on this machine: it uses fixed database names and three n8n processes.
exec 7>"${TMPDIR:-/tmp}/wa-test-queue.lock"
flock 7
WA_PG_PORT="${WA_PG_PORT:-54329}" WA_REDIS_PORT="${WA_REDIS_PORT:-63799}" \
  wa_run_ts test/queue/run.ts --n8n-dir "$n8n_dir" "$@"
