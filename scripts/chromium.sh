#!/usr/bin/env bash
# Install Debian's headless Chromium and its WebDriver for the monitoring page's browser test.
#   usage: scripts/chromium.sh install|status
#
# The test points Selenium at /usr/bin/chromedriver, so Selenium Manager never downloads one.
set -euo pipefail

have() {
    [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]
}

install() {
    if have; then return 0; fi
    echo "chromium: installing Debian's chromium and chromium-driver packages"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
}

status() {
    if have; then
        /usr/bin/chromedriver --version
    else
        echo "chromium: not installed (scripts/chromium.sh install)"
        return 1
    fi
}

case "${1:-}" in
    install|status) "$1" ;;
    *) echo "usage: $0 install|status" >&2; exit 2 ;;
esac
