#!/usr/bin/env bash
# The main job on the embedded default: the lab, then georedflow-api with SQLite and an
# in-process runner, left running in the background (stop both with 'make stop').
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
state=$top/.state
port=${GEOREDFLOW_PORT:-9797}
url=http://127.0.0.1:$port

scripts/bootstrap.sh
python3 -m lab up

mkdir -p "$state"
cat > "$state/georedflow.conf" <<CONF
[DEFAULT]
state_path = $state

[api]
bind_port = $port

[clouds]
config_file = $top/.lab/clouds.yaml
CONF

.venv/bin/georedflow-manage --config-file "$state/georedflow.conf" db upgrade

if [ -f "$state/api.pid" ] && kill -0 "$(cat "$state/api.pid")" 2>/dev/null; then
    echo "run: georedflow-api already running (pid $(cat "$state/api.pid"))"
else
    nohup .venv/bin/georedflow-api --config-file "$state/georedflow.conf" \
        > "$state/api.log" 2>&1 &
    echo $! > "$state/api.pid"
fi

for _ in $(seq 1 100); do
    if .venv/bin/georedflow --url "$url" status >/dev/null 2>&1; then break; fi
    sleep 0.2
done
.venv/bin/georedflow --url "$url" status

# The main job: two sites and a georedundant link between RegionOne and RegionTwo.
cli=(.venv/bin/georedflow --url "$url")
"${cli[@]}" site show east >/dev/null 2>&1 || "${cli[@]}" site create --name east \
    --cloud lab-east --region RegionOne --external-network public --physnet dci=dci >/dev/null
"${cli[@]}" site show west >/dev/null 2>&1 || "${cli[@]}" site create --name west \
    --cloud lab-west --region RegionTwo --external-network public --physnet dci=dci >/dev/null
"${cli[@]}" site list
if ! "${cli[@]}" -f json connection list --state ACTIVE | grep -q '"name": "demo-standby-link"'; then
    echo "creating an ipsec link east (RegionOne) <-> west (RegionTwo):"
    "${cli[@]}" connection create --name demo-standby-link --mode warm --technology ipsec \
        --local east --remote west --wait
fi
"${cli[@]}" connection list
echo
echo "georedflow-api:  $url   (log: $state/api.log)"
echo "readiness:       curl $url/readyz"
echo "API reference:   $url/docs"
echo "monitoring page: $url/ui/"
echo "lab clouds.yaml: $top/.lab/clouds.yaml"
echo "the CLI:         $top/.venv/bin/georedflow (or: export PATH=$top/.venv/bin:\$PATH)"
echo "the examples:    $top/.venv/bin/python examples/ipsec_vpn.py (the venv's python)"
echo "stop everything: make stop"
