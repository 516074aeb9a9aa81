#!/usr/bin/env bash
# npm run test:queue — n8n 2.x in queue mode (main + 2 workers, Redis, Postgres) sends one 20,000-recipient
# campaign from two executions at once; see test/queue/run.ts for what it asserts.
#  1. dist/ must be built (npm run build; this script does not build: CI builds first);
#  2. a throwaway PostgreSQL (scripts/pg.sh) and Redis (scripts/redis.sh) on 127.0.0.1, started if needed
#     and left running (other suites share them); the test's own databases and Redis keys are removed;
#  3. the cached n8n install (scripts/n8n-install.sh, under the same lock as test:n8n);
#  4. test/queue/run.ts under Node 24.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [ ! -f dist/simulator/cli.js ] || [ ! -f dist/core/store/index.js ]; then
  echo "[test:queue] dist/ is missing: run 'npm run build' first" >&2
  exit 1
fi

echo "[test:queue] PostgreSQL and Redis (throwaway, 127.0.0.1)"
bash scripts/pg.sh start >/dev/null
bash scripts/redis.sh start >/dev/null

lock="${WA_CACHE_DIR:-$HOME/.cache/n8n-nodes-whatsapp-cloud}/n8n-install.lock"
mkdir -p "$(dirname "$lock")"
n8n_dir="$(flock "$lock" bash scripts/n8n-install.sh)"

# One queue run at a time on this machine: it uses fixed database names and three n8n processes.
exec 7>"${TMPDIR:-/tmp}/wa-test-queue.lock"
flock 7
WA_PG_PORT="${WA_PG_PORT:-54329}" WA_REDIS_PORT="${WA_REDIS_PORT:-63799}" \
  bash scripts/with-node24.sh node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON \
  test/queue/run.ts --n8n-dir "$n8n_dir" "$@"
