#!/usr/bin/env bash
# Debian's Chromium for the headless browser check (test/e2e/browser.ts) and screenshots (issue #8).
#
#   chromium.sh            install Debian's `chromium` package when no Chromium is found, then print its path
#   chromium.sh path       print the path of the Chromium binary (exit 1 when none is installed)
#   chromium.sh version    print `chromium --version`
#
# Idempotent: a second run finds the binary and installs nothing. `npx playwright install` cannot work on
# these machines (it downloads its own browser); playwright-core drives this binary instead
# (executablePath). WA_CHROMIUM=<path> uses another Chromium/Chrome binary.
# Status lines go to stderr; stdout carries only the path, so `bin=$(chromium.sh)` works.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
log() { echo "[chromium.sh] $*" >&2; }

find_chromium() {
	local c
	for c in "${WA_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
		if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
	done
	return 1
}

install_chromium() {
	wa_apt_install find_chromium \
		"Chromium is not installed and this is not root: run 'apt-get install -y chromium' as root (or set WA_CHROMIUM)" \
		"installing Debian's chromium package (≈ 100 MB)" \
		--no-install-recommends chromium fonts-liberation
	find_chromium >/dev/null || { log "chromium is still missing after apt-get install"; exit 1; }
}

case "${1:-install}" in
	install) install_chromium; find_chromium ;;
	path) find_chromium ;;
	version) "$(find_chromium)" --version ;;
	*) echo "usage: $0 [install|path|version]" >&2; exit 2 ;;
esac
