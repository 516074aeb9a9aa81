#!/usr/bin/env bash
# The browser check (test/e2e/browser.ts): Debian's headless Chromium opens the n8n 2.x editor on the
# example workflows, screenshots them and asserts our nodes render with their SVG icons.
#
#   bash test/e2e/browser.sh                 start the demo's n8n (scripts/demo-ui.ts: simulator, package-mode
#                                            n8n, examples imported), check every example, write
#                                            docs/screenshots/<example>.png (+ <first>-panel.png), stop
#   bash test/e2e/browser.sh --only 3-       only examples whose file name contains "3-"
#   bash test/e2e/browser.sh --out DIR       screenshots elsewhere
#   bash test/e2e/browser.sh --run 1-        also execute example 1 from the editor ("Execute workflow"), assert
#                                            the execution succeeded, write <example>-run.png
#     --run-panel "Campaign Report"          … then open that node's output: <example>-run-campaign-report.png
#   bash test/e2e/browser.sh --panel 1-:Campaign   open that node's parameter panel (default: the first
#                                            non-trigger node of the package in the first example; none = skip)
#   bash test/e2e/browser.sh --url http://127.0.0.1:5678 --email E --password P --workflow <id>[=<name>] …
#                                            check an n8n that is already running
#
# It installs what it needs: Debian's chromium (scripts/chromium.sh, as root), playwright-core (a
# devDependency), the cached n8n (scripts/n8n-install.sh, via test/n8n/lib). It tests dist/: build first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../n8n/lib/common.sh" # cd to the project root
wa_require_dist "[browser]" dist/credentials
wa_browser "[browser]"
wa_run_ts test/e2e/browser.ts "$@"
