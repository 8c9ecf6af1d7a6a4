#!/usr/bin/env bash
# Set up what the browser tests (tests/browser) need beyond the Python packages:
#   * Chromium from Debian's packages (/usr/bin/chromium), when it is missing;
#   * the widget JavaScript for exported notebooks, from npm into tests/browser/node_modules
#     (git-ignored), as pinned by tests/browser/package.json and its lock file.
# Playwright drives the system Chromium; it never downloads a browser of its own.
#
#   bash scripts/setup-browser.sh             # both
#   bash scripts/setup-browser.sh --npm-only  # only the JavaScript
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--npm-only" ]]; then
    if [[ -x /usr/bin/chromium || -n "${BV_CHROMIUM:-}" ]]; then
        echo "setup-browser: chromium: ${BV_CHROMIUM:-/usr/bin/chromium}"
    else
        sudo=""
        if [[ "$(id -u)" != 0 ]]; then
            if command -v sudo >/dev/null; then sudo="sudo"; else
                echo "setup-browser: chromium is missing; install Debian's 'chromium' package as root" >&2
                exit 1
            fi
        fi
        echo "setup-browser: installing chromium (apt-get)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
    fi
fi

if ! command -v npm >/dev/null; then
    echo "setup-browser: npm is missing; install Node.js and npm" >&2
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
