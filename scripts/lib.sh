#!/usr/bin/env bash
# Shared by scripts/pg.sh, scripts/redis.sh and scripts/chromium.sh (source it; each script defines
# its own `log`, which writes to stderr with the script's name).

# wa_apt_install FINDER MISSING INSTALLING PACKAGE... — when the command FINDER finds nothing,
# installs Debian packages (apt-get install -y PACKAGE...): as root only (otherwise logs MISSING
# and exits 1), one apt at a time on this machine (every script takes /tmp/wa-apt.lock, even when
# several test files start at once), FINDER checked again under the lock, INSTALLING logged first.
wa_apt_install() {
	local finder="$1" missing="$2" installing="$3"
	shift 3
	if "$finder" >/dev/null; then return 0; fi
	if [ "$(id -u)" != 0 ]; then
		log "$missing"
		exit 1
	fi
	exec 8>/tmp/wa-apt.lock
	flock 8
	if ! "$finder" >/dev/null; then
		log "$installing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq "$@" >&2
	fi
	flock -u 8
}
