#!/usr/bin/env bash
# The programs backprop_viz needs from the system, installed with apt-get where they are missing.
#
#   bash scripts/setup-system.sh lab    # Graphviz's dot, fonts, Python's venv: enough for JupyterLab
#   bash scripts/setup-system.sh test   # also Chromium and npm, for the browser tests
#
# Each program is looked for by itself (not by package name), so a machine that has it from
# elsewhere (Homebrew, conda, a hand-built Chromium in $BV_CHROMIUM) is left alone. Where one is
# missing and apt-get cannot be used (not Debian/Ubuntu, or neither root nor sudo), it says
# exactly what to install and stops.
set -euo pipefail
what="${1:-lab}"
python="${PYTHON:-python3}"

packages=()   # Debian packages to install
needs=()      # the same, in words, for a machine without apt-get

if ! command -v dot >/dev/null; then
    packages+=(graphviz); needs+=("Graphviz (the 'dot' program)")
fi
if [[ -d /usr/share/fonts && ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; then
    packages+=(fonts-dejavu-core); needs+=("the DejaVu fonts")
fi
if ! "$python" -c "import ensurepip, venv" 2>/dev/null; then
    packages+=(python3-venv); needs+=("Python's venv module ($python -m venv)")
fi
if [[ "$what" == test ]]; then
    if [[ -z "${BV_CHROMIUM:-}" && ! -x /usr/bin/chromium ]] && ! command -v chromium >/dev/null; then
        packages+=(chromium); needs+=("Chromium (or set BV_CHROMIUM to a Chromium or Chrome program)")
    fi
    if ! command -v npm >/dev/null; then
        packages+=(nodejs npm); needs+=("Node.js and npm")
    fi
fi

if [[ ${#packages[@]} -eq 0 ]]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "backprop_viz needs, and this machine lacks:" >&2
    printf '  - %s\n' "${needs[@]}" >&2
    echo "Install them with your package manager, then run this again." >&2
    exit 1
fi
if [[ "$(id -u)" == 0 ]]; then
    sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "Missing Debian packages: ${packages[*]}. Install them with:" >&2
    echo "  sudo apt-get install ${packages[*]}" >&2
    exit 1
fi
echo "Installing ${packages[*]} (apt-get)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
