"""Fault and latency injection plus a request log, as a WSGI middleware.

Standard library only. Wraps each Neutron application of the lab; requests
under ``/_lab/`` are handled here (no authentication):

    GET    /_lab/faults            armed faults (``?all=1`` also lists spent ones)
    POST   /_lab/faults            arm {"method", "path" (regex searched against
                                   PATH_INFO), "nth" (1), "count" (1), "action"
                                   ("status"), "status" (500), "each" (false)}
    DELETE /_lab/faults            disarm all
    DELETE /_lab/faults/<id>       disarm one
    GET    /_lab/latency           {"ms": N}
    PUT    /_lab/latency           {"ms": N}: added to every non-control request
    GET    /_lab/requests          recorded requests (``?since=<seq>``)
    DELETE /_lab/requests          clear the record

A fault fails the ``nth`` matching request and the ``count - 1`` matching
requests after it, then it is spent. With ``each``, it fails instead the first
occurrence of every distinct matching request (method, path, query and body: a
client's retry is the same request, so it goes through), ``count`` of them if
given, else all. Its action says how:

    status   answer with HTTP ``status``; Neutron never sees the request
    drop     close the connection without an answer; Neutron never sees it
    lost     Neutron performs the request, then the connection is closed
             without its answer (the client cannot tell whether it happened)

The request log lists every request, faulted ones too: ``fault`` names the
action (None when none fired), ``status`` is what the client received (0 for
no answer) and, for "lost", ``neutron_status`` is what Neutron answered.

Closing the connection needs the server's socket: the lab server puts it in
the environ as ``lab.socket`` (see lab/serve.py). The middleware shuts it down
and raises ConnectionAbortedError, which wsgiref takes as a client that went
away, so it writes nothing more.
"""

import collections
import contextlib
import hashlib
import http
import io
import json
import re
import socket
import threading
import time
import urllib.parse
import uuid

CONTROL_PREFIX = "/_lab"
MAX_RECORDED = 5000
ACTIONS = ("status", "drop", "lost")
SOCKET_KEY = "lab.socket"


class _BadRequest(Exception):
    pass


class _Fault:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise _BadRequest("body must be a JSON object")
        method = str(spec.get("method") or "*").upper()
        path = spec.get("path", "")
        if not isinstance(path, str):
            raise _BadRequest("path must be a string (a regular expression)")
        try:
            self.regex = re.compile(path)
        except re.error as exc:
            raise _BadRequest(f"bad path regex: {exc}") from None
        self.each = bool(spec.get("each", False))
        try:
            nth = int(spec.get("nth", 1))
            count = int(spec.get("count", 10**9 if self.each else 1))
            status = int(spec.get("status", 500))
        except (TypeError, ValueError):
            raise _BadRequest("nth, count and status must be integers") from None
        if nth < 1 or count < 1:
            raise _BadRequest("nth and count must be >= 1")
        if not 100 <= status <= 599:
            raise _BadRequest("status must be an HTTP status code")
        action = str(spec.get("action") or "status").lower()
        if action not in ACTIONS:
            raise _BadRequest(f"action must be one of {', '.join(ACTIONS)}")
        self.id = uuid.uuid4().hex[:12]
        self.action = action
        self.method = method
        self.path = path
        self.nth = nth
        self.count = count
        self.status = status
        self.message = str(spec.get("message") or "")
        self.matched = 0
        self.fired = 0
        self._seen = set()  # with each: the requests already failed once

    @property
    def armed(self):
        return self.fired < self.count

    def matches(self, method, path):
        if self.method not in ("*", "ANY") and self.method != method:
            return False
        return self.regex.search(path) is not None

    def consider(self, key):
        """Count a matching request (``key`` identifies it); True when it must fail."""
        if self.each:
            if key in self._seen:
                return False
            self._seen.add(key)
            self.matched += 1
            self.fired += 1
            return True
        self.matched += 1
        if self.nth <= self.matched < self.nth + self.count:
            self.fired += 1
            return True
        return False

    def to_dict(self):
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "nth": self.nth,
            "count": self.count,
            "each": self.each,
            "action": self.action,
            "status": self.status,
            "matched": self.matched,
            "fired": self.fired,
            "armed": self.armed,
        }


def _status_line(code):
    try:
        return f"{code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Lab Status"


def _abort(environ):
    """Close the client's connection without an answer (see the module docstring)."""
    sock = environ.get(SOCKET_KEY)
    if sock is not None:
        # OSError: the client went away already, the same outcome
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("lab fault: connection closed without an answer")


def _status_code(status_line):
    try:
        return int(status_line.split(" ", 1)[0])
    except ValueError:
        return 0


def _read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    return environ["wsgi.input"].read(length)


class LabMiddleware:
    def __init__(self, app, name="neutron", max_recorded=MAX_RECORDED):
        self.app = app
        self.name = name
        self._lock = threading.Lock()
        self._faults = []  # armed and spent, in arming order
        self._latency_ms = 0
        self._requests = collections.deque(maxlen=max_recorded)
        self._seq = 0

    # -- the data path ----------------------------------------------------
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or ""
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self._control(environ, start_response, path)

        started = time.time()
        t0 = time.monotonic()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        query = environ.get("QUERY_STRING", "")
        request_id = environ.get("HTTP_X_OPENSTACK_REQUEST_ID")  # the caller's global one
        with self._lock:
            latency = self._latency_ms
        if latency > 0:
            time.sleep(latency / 1000.0)

        key = None
        with self._lock:
            identify = any(f.armed and f.each and f.matches(method, path) for f in self._faults)
        if identify:  # read the body to tell a request from its retry, then put it back
            body = _read_body(environ)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            key = (method, path, query, hashlib.sha256(body).hexdigest())
        fault = None
        with self._lock:
            for candidate in self._faults:
                # every armed, matching fault counts the request (consider())
                if (
                    candidate.armed
                    and candidate.matches(method, path)
                    and candidate.consider(key)
                    and fault is None
                ):
                    fault = candidate
        if fault is not None and fault.action == "status":
            return self._answer_fault(
                environ, start_response, fault, method, path, query, started, t0
            )
        if fault is not None and fault.action == "drop":
            _read_body(environ)  # closing with unread data would send a reset instead
            self._record(started, t0, method, path, query, request_id, 0, fault)
            _abort(environ)
        if fault is not None:
            self._lose_answer(environ, fault, method, path, query, started, t0)

        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = _status_code(status)
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, recording_start_response)
        except Exception:
            self._record(started, t0, method, path, query, request_id, 500)
            raise
        self._record(started, t0, method, path, query, request_id, seen.get("status", 0))
        return result

    def _lose_answer(self, environ, fault, method, path, query, started, t0):
        """Let Neutron do the request, then close the connection instead of answering."""
        seen = {}

        def swallowing_start_response(status, headers, exc_info=None):
            seen["status"] = _status_code(status)
            return lambda data: None

        try:
            result = self.app(environ, swallowing_start_response)
            try:
                for _ in result:  # produce the whole body: the work is done then
                    pass
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            seen["status"] = 500
        request_id = environ.get("HTTP_X_OPENSTACK_REQUEST_ID")
        self._record(started, t0, method, path, query, request_id, 0, fault, seen.get("status", 0))
        _abort(environ)

    def _answer_fault(self, environ, start_response, fault, method, path, query, started, t0):
        _read_body(environ)  # never leave a request body unread
        message = fault.message or (
            f"Lab injected fault {fault.id}: {fault.status} for {method} {path}"
        )
        body = json.dumps(
            {"NeutronError": {"type": "LabInjectedFault", "message": message, "detail": ""}}
        ).encode()
        start_response(
            _status_line(fault.status),
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("X-Lab-Fault", fault.id),
            ],
        )
        request_id = environ.get("HTTP_X_OPENSTACK_REQUEST_ID")
        self._record(started, t0, method, path, query, request_id, fault.status, fault)
        return [body]

    def _record(
        self, started, t0, method, path, query, request_id, status, fault=None, neutron_status=None
    ):
        duration_ms = round((time.monotonic() - t0) * 1000.0, 2)
        record = {
            "method": method,
            "path": path,
            "query": query,
            "request_id": request_id,
            "status": status,
            "duration_ms": duration_ms,
            "time": started,
            "fault": None if fault is None else fault.action,
            "fault_id": None if fault is None else fault.id,
        }
        if neutron_status is not None:
            record["neutron_status"] = neutron_status
        with self._lock:
            self._seq += 1
            record["seq"] = self._seq
            self._requests.append(record)

    # -- the control path -------------------------------------------------
    def _control(self, environ, start_response, path):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        sub = path[len(CONTROL_PREFIX) :].strip("/")
        try:
            raw = _read_body(environ)
            body = None
            if raw:
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    raise _BadRequest("body is not valid JSON") from None
            code, payload = self._dispatch(method, sub, params, body)
        except _BadRequest as exc:
            code, payload = 400, {"error": str(exc)}
        data = json.dumps(payload).encode()
        start_response(
            _status_line(code),
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _dispatch(self, method, sub, params, body):
        parts = sub.split("/") if sub else []
        if not parts:
            if method == "GET":
                return 200, {
                    "name": self.name,
                    "endpoints": ["faults", "latency", "requests"],
                }
            return 405, {"error": "method not allowed"}
        head = parts[0]
        if head == "faults" and len(parts) == 1:
            if method == "GET":
                show_all = params.get("all", ["0"])[0].lower() in ("1", "true", "yes")
                with self._lock:
                    return 200, [f.to_dict() for f in self._faults if show_all or f.armed]
            if method == "POST":
                fault = _Fault(body if body is not None else {})
                with self._lock:
                    self._faults = [f for f in self._faults if f.armed]
                    self._faults.append(fault)
                    return 201, fault.to_dict()
            if method == "DELETE":
                with self._lock:
                    n = sum(1 for f in self._faults if f.armed)
                    self._faults = []
                return 200, {"disarmed": n}
        elif head == "faults" and len(parts) == 2:
            if method == "GET":
                with self._lock:
                    for f in self._faults:
                        if f.id == parts[1]:
                            return 200, f.to_dict()
                return 404, {"error": "no such fault"}
            if method == "DELETE":
                with self._lock:
                    kept = [f for f in self._faults if f.id != parts[1]]
                    found = len(kept) != len(self._faults)
                    self._faults = kept
                if found:
                    return 200, {"disarmed": 1}
                return 404, {"error": "no such fault"}
        elif head == "latency" and len(parts) == 1:
            if method == "GET":
                with self._lock:
                    return 200, {"ms": self._latency_ms}
            if method in ("PUT", "POST"):
                if not isinstance(body, dict) or "ms" not in body:
                    raise _BadRequest('body must be {"ms": <number>}')
                try:
                    ms = float(body["ms"])
                except (TypeError, ValueError):
                    raise _BadRequest("ms must be a number") from None
                if ms < 0:
                    raise _BadRequest("ms must be >= 0")
                if ms == int(ms):
                    ms = int(ms)
                with self._lock:
                    self._latency_ms = ms
                return 200, {"ms": ms}
            if method == "DELETE":
                with self._lock:
                    self._latency_ms = 0
                return 200, {"ms": 0}
        elif head == "requests" and len(parts) == 1:
            if method == "GET":
                since = params.get("since", [None])[0]
                try:
                    since = int(since) if since not in (None, "") else None
                except ValueError:
                    raise _BadRequest("since must be an integer") from None
                with self._lock:
                    items = list(self._requests)
                if since is not None:
                    items = [r for r in items if r["seq"] > since]
                return 200, items
            if method == "DELETE":
                with self._lock:
                    n = len(self._requests)
                    self._requests.clear()
                return 200, {"cleared": n}
        else:
            return 404, {"error": "unknown lab control path"}
        return 405, {"error": "method not allowed"}
