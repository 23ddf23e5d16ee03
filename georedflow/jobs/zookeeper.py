"""The distributed job board: TaskFlow's ZooKeeper board over one long-lived KazooClient.

A process keeps a single client (creating clients per call churns ZooKeeper
sessions) whose reconnect back-off is bounded, so a restarted ZooKeeper is
found again within about a second.
"""

import logging
from typing import Any

from kazoo.client import KazooClient
from kazoo.retry import KazooRetry
from taskflow.jobs.backends.impl_zookeeper import ZookeeperJobBoard
from taskflow.persistence.backends.impl_sqlalchemy import SQLAlchemyBackend

from georedflow.jobs.runner import JobRunner

LOG = logging.getLogger(__name__)

RECONNECT_MAX_DELAY = 1.0  # seconds; kazoo's default grows towards an hour


def make_client(hosts: list[str], session_timeout: float) -> KazooClient:
    retry = KazooRetry(max_tries=-1, delay=0.1, max_delay=RECONNECT_MAX_DELAY)
    return KazooClient(hosts=",".join(hosts), timeout=session_timeout, connection_retry=retry)


def make_board(
    name: str, client: KazooClient, path: str, backend: SQLAlchemyBackend
) -> ZookeeperJobBoard:
    return ZookeeperJobBoard(name, {"path": path}, client=client, persistence=backend)


class ZookeeperPoster:
    """The API's side of the board: save the job's logbook, then post the job."""

    def __init__(self, board: ZookeeperJobBoard, runner: JobRunner) -> None:
        self._board = board
        self._runner = runner

    def post(self, job_id: str) -> None:
        book = self._runner.prepare(job_id)
        details: dict[str, Any] = {"georedflow_job": job_id}
        posted = self._board.post(f"job-{job_id}", book=book, details=details)
        LOG.info("job %s posted to ZooKeeper as %s", job_id, posted.uuid)
