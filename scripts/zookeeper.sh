#!/usr/bin/env bash
# Install (from Debian) and run a local ZooKeeper for tests and the distributed setup,
# without systemd.   usage: scripts/zookeeper.sh install|start|stop|status
#
# Tuned for fast failover tests: tickTime 200 ms, sessions between 0.4 s and 20 s.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${GEOREDFLOW_ZK_DIR:-$top/.state/zookeeper}
port=${GEOREDFLOW_ZK_PORT:-2181}
pidfile=$dir/zookeeper.pid

install() {
    if [ -f /usr/share/java/zookeeper.jar ]; then return 0; fi
    echo "zookeeper: installing Debian's zookeeper package"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq zookeeper >/dev/null
}

answers() {
    # An open port is not enough: the server is ready when 'srvr' reports its mode.
    python3 - "$port" <<'PY'
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
        s.sendall(b"srvr")
        sys.exit(0 if b"Mode:" in s.recv(4096) else 1)
except OSError:
    sys.exit(1)
PY
}

running() {
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {
    install
    if answers; then echo "zookeeper: already answering on 127.0.0.1:$port"; return 0; fi
    mkdir -p "$dir/data"
    cat > "$dir/zoo.cfg" <<CFG
tickTime=200
minSessionTimeout=400
maxSessionTimeout=20000
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok,envi
CFG
    local cp=/usr/share/java/zookeeper.jar
    for jar in slf4j-nop slf4j-api; do
        [ -f "/usr/share/java/$jar.jar" ] && cp="$cp:/usr/share/java/$jar.jar"
    done
    nohup java -Xmx256m -cp "$cp" org.apache.zookeeper.server.ZooKeeperServerMain \
        "$dir/zoo.cfg" > "$dir/zookeeper.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 100); do
        if answers; then echo "zookeeper: answering on 127.0.0.1:$port"; return 0; fi
        running || break
        sleep 0.2
    done
    echo "zookeeper: did not start; see $dir/zookeeper.log" >&2
    tail -20 "$dir/zookeeper.log" >&2 || true
    return 1
}

stop() {
    if running; then
        kill "$(cat "$pidfile")"
        for _ in $(seq 1 50); do running || break; sleep 0.1; done
        echo "zookeeper: stopped"
    fi
    rm -f "$pidfile"
}

status() {
    if answers; then echo "zookeeper: answering on 127.0.0.1:$port"; else echo "zookeeper: down"; return 1; fi
}

case "${1:-}" in
    install|start|stop|status) "$1" ;;
    *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
