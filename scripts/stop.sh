#!/usr/bin/env bash
# Stop what 'make run' started: georedflow-api and the lab.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
pidfile=.state/api.pid
if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null && echo "stop: georedflow-api stopped"
    rm -f "$pidfile"
fi
python3 -m lab down
