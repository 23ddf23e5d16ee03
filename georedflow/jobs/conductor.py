"""georedflow-worker's conductor: claims jobs from the ZooKeeper board and runs them.

Fencing: TaskFlow alone keeps running a flow after its claim is gone (a worker
paused past its session, a partition). Before every cloud or logbook write the
runner asks this conductor whether the ZooKeeper session is still the one the
job was claimed in and the board still names this worker as the owner; if not,
or if that cannot be told, the write is refused and the job left to its new
owner (see ``georedflow.jobs.fencing``).
"""

import logging
import threading
from typing import Any

from kazoo.client import KazooClient
from taskflow.conductors.backends.impl_blocking import BlockingConductor
from taskflow.jobs.backends.impl_zookeeper import ZookeeperJobBoard
from taskflow.jobs.base import POSTED
from taskflow.types.timing import Timeout

from georedflow.jobs.fencing import Fence
from georedflow.jobs.runner import JobRunner

LOG = logging.getLogger(__name__)

# How long a yes from ZooKeeper is trusted (see Fence): far below any session timeout.
OWNERSHIP_FRESH_FOR = 0.1


class WakeOnPost(Timeout):  # type: ignore[misc]
    """The conductor's idle wait, ended early when a job is posted to the board.

    TaskFlow's conductor sleeps its wait timeout (0.5 s) whenever it found nothing to
    claim, and nothing but a stop ends that sleep: a job posted to an idle worker
    waited up to that long to be claimed. The board tells of each posting (its
    notifier, from the board's own thread); ``posted`` ends the sleep then. Stopping
    is TaskFlow's as before: ``interrupt`` sets the stop event, and wakes the sleep.
    """

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self._woken = threading.Event()

    def posted(self, *_args: Any) -> None:
        self._woken.set()

    def interrupt(self) -> None:
        super().interrupt()
        self._woken.set()

    def wait(self) -> None:
        # Cleared before the conductor looks at the board again, so a job posted after
        # the wake is either seen by that look or wakes the next wait.
        self._woken.wait(self.value)
        self._woken.clear()


class Conductor(BlockingConductor):  # type: ignore[misc]
    def __init__(
        self, runner: JobRunner, board: ZookeeperJobBoard, client: KazooClient, **kwargs: Any
    ) -> None:
        super().__init__(runner.name, board, **kwargs)
        self._runner = runner
        self._board = board
        self._client = client
        self._wait_timeout = WakeOnPost(self._wait_timeout.value)  # type: ignore[has-type]
        board.notifier.register(POSTED, self._wait_timeout.posted)

    def still_owns(self, job: Any, session: Any) -> bool:
        try:
            same_session = self._client.client_id == session
            return bool(same_session and self._board.find_owner(job) == self._runner.name)
        except Exception:  # cannot tell: assume another worker may have the job
            LOG.exception("job %s: ownership check failed", job)
            return False

    def _dispatch_job(self, job: Any) -> bool:
        """Run the job's flow; True to consume the job, False to abandon it."""
        job_id = job.details["georedflow_job"]
        session = self._client.client_id

        fence = Fence(job_id, lambda: self.still_owns(job, session), OWNERSHIP_FRESH_FOR)

        def should_stop() -> bool:
            return bool(self._wait_timeout.is_stopped() or fence.lost)

        outcome = self._runner.run(job_id, should_stop=should_stop, fence=fence)
        return outcome != "SUSPENDED"
