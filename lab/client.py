"""Standard-library client for the lab's fault/latency/request-log control API.

Usable from any environment that can import ``lab`` from the repository root::

    from lab.client import LabControl, NEUTRON_URLS

    east = LabControl(NEUTRON_URLS["east"])
    east.arm_fault("POST", r"^/v2.0/networks$", status=503)
    east.arm_fault("POST", r"^/v2.0/networks$", action="lost")  # or east.lose_answer(...)
    east.set_latency(50)
    seen = east.requests(since=0)
"""

import json
import urllib.error
import urllib.parse
import urllib.request

import lab
from lab import clouds_yaml_path, state_dir  # noqa: F401 - re-exported

NEUTRON_URLS = {name: lab.neutron_url(name) for name in lab.NEUTRONS}
KEYSTONE_URLS = {name: lab.keystone_url(name) for name in lab.KEYSTONES}
CLOUDS = dict(lab.CLOUDS)


class LabControlError(Exception):
    def __init__(self, status, payload):
        super().__init__(f"lab control API answered HTTP {status}: {payload}")
        self.status = status
        self.payload = payload


class LabControl:
    """Drive the ``/_lab/`` control paths of one lab Neutron."""

    def __init__(self, base_url, timeout=10.0):
        if base_url in NEUTRON_URLS:  # also accept "east", "west", "far"
            base_url = NEUTRON_URLS[base_url]
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def __repr__(self):
        return f"LabControl({self.base_url!r})"

    def _call(self, method, path, body=None, query=None):
        url = self.base_url + "/_lab/" + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = raw.decode(errors="replace")
            raise LabControlError(exc.code, payload) from None
        return json.loads(raw) if raw else None

    # faults
    def arm_fault(
        self, method, path, status=500, nth=1, count=1, message=None, action="status", each=False
    ):
        """Fail the ``nth`` request matching ``method`` (or "*") and the regex
        ``path`` (searched in PATH_INFO), plus ``count - 1`` following
        matching ones. Returns the fault (with "id").

        ``action`` says how: "status" answers HTTP ``status`` without
        Neutron seeing the request; "drop" closes the connection without an
        answer, Neutron never seeing the request; "lost" lets Neutron do the
        request, then closes the connection without its answer. With "drop"
        and "lost" the client sees a connection error, not an HTTP status.

        With ``each``, fail instead the first occurrence of every distinct matching
        request (a retry of one is the same request and goes through); ``count``
        then limits how many (None: all)."""
        body = {
            "method": method,
            "path": path,
            "status": status,
            "nth": nth,
            "action": action,
            "each": each,
        }
        if count is not None:
            body["count"] = count
        if message:
            body["message"] = message
        return self._call("POST", "faults", body)

    def drop(self, method, path, nth=1, count=1):
        """Close the connection of the ``nth`` matching request unanswered, unperformed."""
        return self.arm_fault(method, path, nth=nth, count=count, action="drop")

    def lose_answer(self, method, path, nth=1, count=1):
        """Let Neutron perform the ``nth`` matching request, then close unanswered."""
        return self.arm_fault(method, path, nth=nth, count=count, action="lost")

    def faults(self, include_spent=False):
        return self._call("GET", "faults", query={"all": "1"} if include_spent else None)

    def disarm_faults(self):
        return self._call("DELETE", "faults")

    def disarm_fault(self, fault_id):
        return self._call("DELETE", "faults/" + urllib.parse.quote(str(fault_id)))

    # latency
    def set_latency(self, ms):
        return self._call("PUT", "latency", {"ms": ms})

    def latency(self):
        return self._call("GET", "latency")["ms"]

    # request log
    def requests(self, since=None):
        """Recorded non-control requests, oldest first, each a dict with
        seq, time, method, path, query, request_id (the X-OpenStack-Request-ID it
        carried, or None), status (0: no answer was sent),
        duration_ms, fault (None, "status", "drop" or "lost"), fault_id and,
        for "lost", neutron_status (what Neutron answered)."""
        return self._call("GET", "requests", query=None if since is None else {"since": since})

    def last_seq(self):
        items = self.requests()
        return items[-1]["seq"] if items else 0

    def clear_requests(self):
        return self._call("DELETE", "requests")

    def reset(self):
        """Disarm all faults, remove latency, clear the request log."""
        self.disarm_faults()
        self.set_latency(0)
        self.clear_requests()


def neutron_urls():
    return dict(NEUTRON_URLS)


def control(name):
    """LabControl for the Neutron "east", "west" or "far"."""
    return LabControl(NEUTRON_URLS[name])
