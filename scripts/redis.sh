#!/usr/bin/env bash
# A throwaway Redis on 127.0.0.1 for n8n queue mode (issue #9: main + workers share a Bull queue).
#
#   redis.sh install     install Debian's `redis-server` package if missing
#   redis.sh start       install if needed, start redis-server daemonised (no persistence) and
#                        print its URL; already running → just print the URL
#   redis.sh url         print the URL (does not start anything)
#   redis.sh status      exit 0 when the server answers PING, 1 otherwise
#   redis.sh stop        shut it down (nothing is saved)
#
# Environment: WA_REDIS_DIR (default /tmp/wa-redis), WA_REDIS_PORT (default 63799).
# Status lines go to stderr; stdout carries only the URL.
set -euo pipefail

REDIS_DIR="${WA_REDIS_DIR:-/tmp/wa-redis}"
REDIS_PORT="${WA_REDIS_PORT:-63799}"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
log() { echo "[redis.sh] $*" >&2; }

has_redis() { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; }

install_redis() {
	wa_apt_install has_redis \
		"redis-server is not installed and this is not root: run 'apt-get install -y redis-server' as root" \
		"installing Debian's redis-server package" \
		redis-server
}

url() { echo "redis://127.0.0.1:$REDIS_PORT"; }

answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start() {
	install_redis
	mkdir -p "$REDIS_DIR"
	exec 9>"$REDIS_DIR.lock"
	flock 9
	if ! answers; then
		log "starting redis-server on 127.0.0.1:$REDIS_PORT"
		redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
			--daemonize yes --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
		for _ in $(seq 1 100); do answers && break; sleep 0.1; done
		answers || { tail -n 20 "$REDIS_DIR/redis.log" >&2; log "redis-server did not answer"; exit 1; }
	fi
	flock -u 9
	url
}

stop() {
	if command -v redis-cli >/dev/null 2>&1 && answers; then
		redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
		for _ in $(seq 1 50); do answers || break; sleep 0.1; done
	else
		log "not running"
	fi
}

case "${1:-start}" in
	install) install_redis ;;
	start | ensure) start ;;
	url) url ;;
	status) answers ;;
	stop) stop ;;
	*) echo "usage: $0 install|start|ensure|url|status|stop" >&2; exit 2 ;;
esac
