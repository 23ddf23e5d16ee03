"""The storage's reads, awaited: each in a worker thread, as many at once as they have
connections.

More GETs than that wait here, in the event loop, for a free connection: not in a thread
each (FastAPI's pool has 40), where they would contend for the GIL and the database pool
and, past its size, open a PostgreSQL connection for one read and close it after.
"""

from collections.abc import Sequence
from functools import partial
from typing import Any

import anyio
from anyio import to_thread
from sqlalchemy import Row

from georedflow.storage.reads import Reads


class AwaitedReads:
    def __init__(self, reads: Reads) -> None:
        self._reads = reads
        self._limiter = anyio.CapacityLimiter(reads.concurrency)

    async def connection(self, connection_id: str) -> Row[Any]:
        return await to_thread.run_sync(
            self._reads.connection, connection_id, limiter=self._limiter
        )

    async def connections(self, **filters: Any) -> Sequence[Row[Any]]:
        """``Reads.connections`` with these keyword arguments."""
        read = partial(self._reads.connections, **filters)
        return await to_thread.run_sync(read, limiter=self._limiter)

    async def job(self, job_id: str) -> Sequence[Row[Any]]:
        return await to_thread.run_sync(self._reads.job, job_id, limiter=self._limiter)
