"""A real webhook receiver for tests: an HTTP server on 127.0.0.1, in a thread."""

import http.server
import queue
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]  # names lower-cased
    body: bytes


class Receiver:
    """Records every POST; answers ``failures`` times with 503, then 204."""

    def __init__(self, failures: int = 0, port: int = 0) -> None:
        self.failures = failures
        self.attempts = 0
        self.received: queue.Queue[Received] = queue.Queue()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.attempts += 1
                if owner.attempts <= owner.failures:
                    self.send_response(503)
                else:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    owner.received.put(Received(headers, body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def next(self, timeout: float = 60) -> Received:
        """The next event taken (with a 2xx), waiting up to ``timeout`` seconds."""
        return self.received.get(timeout=timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
