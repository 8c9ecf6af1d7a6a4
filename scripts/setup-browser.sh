#!/usr/bin/env bash
# The widget JavaScript that notebooks exported to HTML load in the browser tests: from npm into
# tests/browser/node_modules (git-ignored), as pinned by tests/browser/package.json and its lock
# file; no page of the tests loads anything from a CDN. Chromium itself comes from
# scripts/setup-system.sh (make setup); Playwright never downloads a browser of its own.
#
#   bash scripts/setup-browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
    echo "setup-browser: npm is missing; install Node.js and npm (make setup does, on Debian/Ubuntu)" >&2
    exit 1
fi
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.package-lock.json
if [[ -f "$stamp" && "$stamp" -nt "$lock" && "$stamp" -nt tests/browser/package.json ]]; then
    echo "setup-browser: tests/browser/node_modules is up to date"
else
    echo "setup-browser: npm ci in tests/browser"
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
