#!/usr/bin/env bash
# Everything the test suite needs, then the suite: lint, types, unit and integration tests
# against a real ZooKeeper, the real PostgreSQL and the lab. Stops what it started.
# Under CI=true a missing server fails the run instead of skipping its tests.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
started=()

# The tests get a lab of their own: its own state directory and ports, so `make run`'s lab
# (.lab, the default ports) is never touched and both can run at once. It shares the
# venv of .lab, so Keystone and Neutron are installed once, and its state lives under
# .lab/test (ignored by git like .lab; `lab reset` of the default lab leaves it alone).
export GEOREDFLOW_LAB_DIR=${GEOREDFLOW_TEST_LAB_DIR:-$top/.lab/test}
export GEOREDFLOW_LAB_PORT_OFFSET=${GEOREDFLOW_TEST_LAB_PORT_OFFSET:-1000}
export GEOREDFLOW_LAB_VENV=${GEOREDFLOW_LAB_VENV:-$top/.lab/venv}
export OS_CLIENT_CONFIG_FILE=$GEOREDFLOW_LAB_DIR/clouds.yaml
if [ "$(realpath -m "$GEOREDFLOW_LAB_DIR")" = "$(realpath -m "$top/.lab")" ] \
    || [ "$GEOREDFLOW_LAB_PORT_OFFSET" = 0 ]; then
    echo "test: the test lab must not be the default lab (.lab, port offset 0)" >&2
    exit 1
fi

cleanup() {
    for what in "${started[@]}"; do
        case $what in
            zookeeper) scripts/zookeeper.sh stop ;;
            lab) python3 -m lab down >/dev/null ;;
        esac
    done
}
trap cleanup EXIT

scripts/bootstrap.sh

if ! scripts/zookeeper.sh status >/dev/null 2>&1; then
    scripts/zookeeper.sh start
    started+=(zookeeper)
fi
# Fresh every run: a test lab left running by an interrupted run is stopped, and the
# databases of the last run are wiped (the leak check counts what this run leaves).
python3 -m lab reset >/dev/null
started+=(lab)
python3 -m lab up

echo "== lint and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# The monitoring page's browser test needs Debian's Chromium; without it that test skips
# (and fails under CI=true).
scripts/chromium.sh install || echo "chromium: could not install it"

echo "== tests (lab: $GEOREDFLOW_LAB_DIR, port offset $GEOREDFLOW_LAB_PORT_OFFSET)"
.venv/bin/python -m pytest "$@"
