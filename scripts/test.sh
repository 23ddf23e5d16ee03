#!/usr/bin/env bash
# Everything the test suite needs, then the suite: lint, types, unit and integration tests
# against a real ZooKeeper, the real PostgreSQL and the lab. Stops what it started.
# Under CI=true a missing server fails the run instead of skipping its tests.
#
# The whole suite runs as two pytest processes side by side, each against a lab of its
# own: most of a test's time is spent waiting (on a Neutron, a session timeout, a
# restarted process), so two at once finish sooner on two cores. With arguments
# (`make test` passes none; `scripts/test.sh tests/unit -x` does) one process runs them.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
started=()

# The tests' labs: their own state directories and ports, so `make run`'s lab (.lab, the
# default ports) is never touched and both can run at once. They share the venv of .lab,
# so Keystone and Neutron are installed once; their state lives under .lab/ (ignored by
# git; `lab reset` of the default lab leaves it alone).
export GEOREDFLOW_LAB_VENV=${GEOREDFLOW_LAB_VENV:-$top/.lab/venv}
LABS=("${GEOREDFLOW_TEST_LAB_DIR:-$top/.lab/test}:${GEOREDFLOW_TEST_LAB_PORT_OFFSET:-1000}"
      "$top/.lab/test-b:2000")
[ $# -gt 0 ] && LABS=("${LABS[0]}")  # one process, one lab

# What the first process runs, files or test ids (the second runs all the rest). Chosen
# by their durations so that both take about as long (run 2026-12-04: 1,070 s and
# 1,295 s; l2gw-create's 47 s and segments-create's 41 s then moved to the first).
# Every test that talks to ZooKeeper runs in the first process: test_workers restarts
# the one ZooKeeper both share, and a job posted from the other process meanwhile failed
# (seen 2026-12-04: test_job_events' worker test got a 500, ConnectionLoss).
FIRST=(
    tests/integration/test_crash_matrix.py
    tests/integration/test_workers.py
    tests/integration/test_zookeeper.py
    tests/integration/test_subscriptions_cluster.py
    tests/integration/test_job_events.py
    tests/integration/test_failover.py
    tests/integration/test_upgrade_check.py
    tests/integration/test_postgres.py
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[vxlan-hot-create]"
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[vxlan-cold-activate]"
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[bgpvpn-create]"
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[evpn-create]"
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[l2gw-create]"
    "tests/integration/test_fault_matrix.py::test_every_write_faulted_every_way[segments-create]"
)

with_lab() {  # LAB CMD...: run CMD against LAB ("dir:port offset")
    local dir=${1%:*} offset=${1##*:}
    shift
    if [ "$(realpath -m "$dir")" = "$(realpath -m "$top/.lab")" ] || [ "$offset" = 0 ]; then
        echo "test: a test lab must not be the default lab (.lab, port offset 0)" >&2
        return 1
    fi
    GEOREDFLOW_LAB_DIR=$dir GEOREDFLOW_LAB_PORT_OFFSET=$offset \
        OS_CLIENT_CONFIG_FILE=$dir/clouds.yaml "$@"
}

cleanup() {
    for what in "${started[@]}"; do
        case $what in
            zookeeper) scripts/zookeeper.sh stop ;;
            lab:*) with_lab "${what#lab:}" python3 -m lab down >/dev/null ;;
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
# The labs start in the background while lint and types run.
ups=()
for each in "${LABS[@]}"; do
    with_lab "$each" python3 -m lab reset >/dev/null
    started+=("lab:$each")
    with_lab "$each" python3 -m lab up >"${each%:*}.up.log" 2>&1 &
    ups+=($!)
done

echo "== lint and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# The monitoring page's browser test needs Debian's Chromium; without it that test skips
# (and fails under CI=true).
scripts/chromium.sh install || echo "chromium: could not install it"

for i in "${!ups[@]}"; do
    dir=${LABS[$i]%:*}
    if ! wait "${ups[$i]}"; then
        cat "$dir.up.log" >&2
        echo "test: the lab in $dir did not start" >&2
        exit 1
    fi
    tail -n 2 "$dir.up.log"
done

if [ $# -gt 0 ]; then
    echo "== tests (lab: ${LABS[0]})"
    with_lab "${LABS[0]}" .venv/bin/python -m pytest "$@"
    exit
fi

echo "== tests: two processes (labs: ${LABS[*]})"
others=()
for each in "${FIRST[@]}"; do
    case $each in
        *::*) others+=("--deselect=$each") ;;
        *) others+=("--ignore=$each") ;;
    esac
done
logs=("${LABS[0]%:*}.pytest.log" "${LABS[1]%:*}.pytest.log")
with_lab "${LABS[0]}" .venv/bin/python -m pytest -p no:cacheprovider "${FIRST[@]}" \
    >"${logs[0]}" 2>&1 &
first=$!
with_lab "${LABS[1]}" .venv/bin/python -m pytest -p no:cacheprovider tests "${others[@]}" \
    >"${logs[1]}" 2>&1 &
second=$!
status=0
wait "$first" || status=1
wait "$second" || status=1
for i in 0 1; do
    echo "== tests, process $((i + 1)) of 2 (lab: ${LABS[$i]})"
    cat "${logs[$i]}"
done
exit $status
