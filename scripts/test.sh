#!/usr/bin/env bash
# Everything the test suite needs, then the suite: lint, types, unit and integration tests
# against a real ZooKeeper, the real PostgreSQL and the lab. Stops what it started.
# Under CI=true a missing server fails the run instead of skipping its tests.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
started=()

cleanup() {
    for what in "${started[@]}"; do
        case $what in
            zookeeper) scripts/zookeeper.sh stop ;;
            lab) python3 -m lab down ;;
        esac
    done
}
trap cleanup EXIT

scripts/bootstrap.sh

if ! scripts/zookeeper.sh status >/dev/null 2>&1; then
    scripts/zookeeper.sh start
    started+=(zookeeper)
fi
if ! python3 -m lab status >/dev/null 2>&1; then
    python3 -m lab up
    started+=(lab)
fi

echo "== lint and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# The monitoring page's browser test needs Debian's Chromium; without it that test skips
# (and fails under CI=true).
scripts/chromium.sh install || echo "chromium: could not install it"

echo "== tests"
export OS_CLIENT_CONFIG_FILE=$top/.lab/clouds.yaml
.venv/bin/python -m pytest "$@"
