"""A VNF manager's side of georedflow, as docs/tacker.md describes it, against the lab.

The VNFM runs a small HTTP endpoint for georedflow's webhooks (signed with a
secret it chose) and for the spare's activation callback. Around its own life
cycle it:

1. instantiate: subscribes, asks for a cold standby link, and learns from the
   ``job.succeeded`` webhook that the standby is reserved (DORMANT);
2. keeps the VNF's configuration as snapshots, and the primary's lease with
   heartbeats that carry its epoch (the fencing token);
3. heal (the primary datacenter is lost, its heartbeats stop): with
   ``auto_failover`` georedflow activates the standby itself once the lease
   expires — it builds the link and hands the latest snapshot to the spare, with
   the epoch the spare now holds; the old primary, back, is refused (fenced);
4. terminate: deletes the link and the subscription.
"""

import hashlib
import hmac
import http.server
import json
import queue
import secrets
import threading
from typing import Any

from common import client, ensure_sites, wait

SECRET = secrets.token_urlsafe(32)  # the VNFM's own; georedflow never shows it back
LEASE_SECONDS = 3  # a heartbeat holds the primary's lease this long


class VnfmEndpoint:
    """The VNFM's HTTP endpoint: /events for webhooks, /spare-config for the callback."""

    def __init__(self) -> None:
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.configs: queue.Queue[tuple[str, str, bytes]] = queue.Queue()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/events":
                    wanted = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                    signature = self.headers.get("X-Georedflow-Signature", "")
                    if not hmac.compare_digest(wanted, signature):
                        self.send_response(401)  # not from georedflow: refuse it
                        self.end_headers()
                        return
                    owner.events.put(json.loads(body))
                else:
                    version = self.headers["X-Georedflow-Config-Version"]
                    owner.configs.put((version, self.headers["X-Georedflow-Epoch"], body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def event(self, connection_id: str, event_type: str, timeout: float = 120) -> dict[str, Any]:
        """The next webhook of ``event_type`` about the connection (others are skipped)."""
        while True:
            event = self.events.get(timeout=timeout)
            if event["type"] == event_type and event["connection_id"] == connection_id:
                return event


def main() -> None:
    api = client()
    vnfm = VnfmEndpoint()
    ensure_sites(api, "east", "west")

    subscription = api.post(
        "/v1/subscriptions",
        json={
            "callback_uri": f"{vnfm.url}/events",
            "filter": {"event_types": ["job.succeeded", "job.failed", "connection.fenced"]},
            "secret": SECRET,
        },
    )
    subscription.raise_for_status()
    print("instantiate: subscribed to job and fencing events")

    created = api.post(
        "/v1/connections",
        json={
            "name": "vnf-epc-standby",
            "mode": "cold",
            "technology": "vxlan",
            "local": {"site": "east"},
            "remote": {"site": "west"},
            "options": {
                "activation_callback": f"{vnfm.url}/spare-config",
                "auto_failover": True,
                "lease_seconds": LEASE_SECONDS,
            },
        },
    )
    created.raise_for_status()
    connection_id = created.json()["connection"]["id"]
    heartbeat = f"/v1/connections/{connection_id}/heartbeat"
    event = vnfm.event(connection_id, "job.succeeded")
    state = api.get(f"/v1/connections/{connection_id}").json()["state"]
    print(f"instantiate: webhook {event['type']} ({event['data']['job']['kind']}); link {state}")

    config = {"vnf": "epc", "apn": "internet", "peers": ["192.0.2.10"]}
    version = api.put(f"/v1/connections/{connection_id}/config", json=config).json()["version"]
    print(f"running: config snapshot version {version} stored")
    lease = api.post(heartbeat, json={"epoch": 1})
    lease.raise_for_status()
    print(f"running: heartbeat with epoch 1; the lease is held by {lease.json()['primary_site']}")

    # The primary datacenter is lost: no more heartbeats. Once the lease expires,
    # georedflow activates the standby by itself, as a requested activation would.
    event = vnfm.event(connection_id, "job.succeeded")
    job = api.get(f"/v1/jobs/{event['data']['job']['id']}").json()
    delivered_version, epoch, body = vnfm.configs.get(timeout=30)
    shown = api.get(f"/v1/connections/{connection_id}").json()
    print(f"heal: no heartbeat for {LEASE_SECONDS} s: {job['kind']} ({job['trigger']})")
    print(f"heal: webhook {event['type']}; link {shown['state']}, epoch {shown['epoch']}")
    print(f"heal: the spare received config version {delivered_version} with epoch {epoch}")
    print(f"heal: config {json.loads(body)}")
    print(f"heal: primary endpoint is now {shown['primary']} ({shown['remote']['site']})")

    stale = api.post(heartbeat, json={"epoch": 1})  # the old primary is back
    event = vnfm.event(connection_id, "connection.fenced")
    print(f"heal: the old primary's heartbeat with epoch 1: {stale.status_code}")
    print(f"heal: webhook {event['type']} (epoch {event['data']['presented_epoch']} superseded)")
    lease = api.post(heartbeat, json={"epoch": int(epoch)})
    lease.raise_for_status()
    holder = lease.json()["primary_site"]
    print(f"heal: the new primary's heartbeat with epoch {epoch}; the lease is held by {holder}")

    deleted = api.delete(f"/v1/connections/{connection_id}")
    deleted.raise_for_status()
    print(f"terminate: link deleted ({wait(api, deleted.json()['job']['id'])['state']})")
    api.delete(f"/v1/subscriptions/{subscription.json()['id']}").raise_for_status()
    print("terminate: unsubscribed")


if __name__ == "__main__":
    main()
