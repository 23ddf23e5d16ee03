"""X-OpenStack-Request-ID: every response carries one, and every log line of its request.

The caller's own id is kept when it has the form OpenStack uses (``req-<uuid>``), so a
request can be followed from the client through georedflow to the clouds, which get it
as the global request id (a job keeps the id of the request that started it). A pure
ASGI middleware: it adds no task or thread per request.
"""

import re
import uuid
from typing import Any

from georedflow import logs

HEADER = "x-openstack-request-id"
_FORM = re.compile(r"^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def new_id() -> str:
    return f"req-{uuid.uuid4()}"


class RequestId:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(HEADER.encode(), b"").decode("latin-1")
        request_id = given if _FORM.match(given) else new_id()

        async def with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        token = logs.REQUEST_ID.set(request_id)
        try:
            await self.app(scope, receive, with_id)
        finally:
            logs.REQUEST_ID.reset(token)
