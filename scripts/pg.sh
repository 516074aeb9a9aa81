#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for tests, benchmarks and a local try-out (issue #9).
#
#   pg.sh install        install Debian's `postgresql` package if no server binaries are found
#   pg.sh start [db]     install if needed, initdb a cluster in $WA_PG_DIR, start it, create the
#                        database (default $WA_PG_DB) and print its connection URL
#   pg.sh ensure [db]    same as start (already running → just make sure the database exists)
#   pg.sh url [db]       print the connection URL (does not start anything)
#   pg.sh status         exit 0 when the server answers, 1 otherwise
#   pg.sh stop           stop the server (the cluster folder stays for the next start)
#   pg.sh destroy        stop and delete the cluster folder
#
# Environment: WA_PG_DIR (default /tmp/wa-pg), WA_PG_PORT (default 54329), WA_PG_DB (default wa).
# The cluster is throwaway: trust auth, listening on 127.0.0.1 only (plus a socket inside
# $WA_PG_DIR), durability off (fsync, synchronous_commit) for speed. Never point it at real data.
# Postgres refuses to run as root: as root the cluster belongs to the `postgres` system user the
# Debian package creates (runuser); as any other user it simply belongs to that user.
# Status lines go to stderr; stdout carries only the URL, so `url=$(pg.sh start)` works.
set -euo pipefail

PG_DIR="${WA_PG_DIR:-/tmp/wa-pg}"
PG_PORT="${WA_PG_PORT:-54329}"
PG_DB="${WA_PG_DB:-wa}"
PG_USER=postgres
DATA="$PG_DIR/data"
LOG="$PG_DIR/server.log"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
log() { echo "[pg.sh] $*" >&2; }

# Newest installed server version's bin folder (Debian: /usr/lib/postgresql/<major>/bin).
find_bindir() {
	local d
	d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
	if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"; return 0
	fi
	return 1
}

install_pg() {
	wa_apt_install find_bindir \
		"PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' as root" \
		"installing Debian's postgresql package" \
		postgresql
}

# Runs a server-side command as the cluster owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

url_of() { echo "postgres://$PG_USER@127.0.0.1:$PG_PORT/$1"; }

answers() {
	local bindir="$1"
	"$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres -U "$PG_USER" >/dev/null 2>&1
}

psql_admin() {
	local bindir="$1"; shift
	PGCONNECT_TIMEOUT=5 "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

ensure_db() {
	local bindir="$1" db="$2"
	if [[ ! "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then log "database name must match [a-z_][a-z0-9_]*: $db"; exit 1; fi
	if [ "$(psql_admin "$bindir" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		# Two callers may race here: a duplicate_database error from the loser is fine.
		psql_admin "$bindir" -c "CREATE DATABASE $db" >/dev/null 2>&1 || true
		[ "$(psql_admin "$bindir" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ] || { log "could not create database $db"; exit 1; }
	fi
}

start() {
	local db="$1" bindir
	install_pg
	bindir="$(find_bindir)"
	mkdir -p "$PG_DIR"
	# Serialise concurrent starts (several jest workers, CI steps) on one lock per cluster.
	exec 9>"$PG_DIR.lock"
	flock 9
	if ! answers "$bindir"; then
		if [ "$(id -u)" = 0 ]; then chown "$PG_USER" "$PG_DIR"; fi
		chmod 700 "$PG_DIR"
		if ! as_owner test -w "$PG_DIR"; then
			log "$PG_DIR is not writable by the '$PG_USER' user (is a parent folder private?): set WA_PG_DIR, e.g. under /tmp"
			exit 1
		fi
		if [ ! -f "$DATA/PG_VERSION" ]; then
			log "initdb $DATA"
			as_owner "$bindir/initdb" -D "$DATA" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
				|| as_owner "$bindir/initdb" -D "$DATA" -U "$PG_USER" --auth=trust --encoding=UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
				|| { cat "$PG_DIR/initdb.log" >&2; exit 1; }
			# Loopback only, trust auth (throwaway cluster).
			cat >"$DATA/pg_hba.conf" <<-HBA
				local all all trust
				host all all 127.0.0.1/32 trust
			HBA
		fi
		log "starting PostgreSQL on 127.0.0.1:$PG_PORT ($DATA)"
		as_owner "$bindir/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o "\
-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
-c shared_buffers=128MB" >&2 || { tail -n 30 "$LOG" >&2; exit 1; }
	fi
	ensure_db "$bindir" "$db"
	flock -u 9
	url_of "$db"
}

stop() {
	local bindir
	bindir="$(find_bindir)" || { log "PostgreSQL is not installed"; return 0; }
	if [ -f "$DATA/postmaster.pid" ]; then
		as_owner "$bindir/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
	else
		log "not running"
	fi
}

cmd="${1:-start}"
db="${2:-$PG_DB}"
case "$cmd" in
	install) install_pg; find_bindir ;;
	start | ensure) start "$db" ;;
	url) url_of "$db" ;;
	status) bindir="$(find_bindir)" && answers "$bindir" ;;
	stop) stop ;;
	destroy) stop; rm -rf "$PG_DIR" "$PG_DIR.lock" ;;
	*) echo "usage: $0 install|start|ensure|url|status|stop|destroy [database]" >&2; exit 2 ;;
esac
