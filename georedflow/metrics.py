"""Prometheus metrics: what georedflow does, measured where it happens.

Counters and histograms live in the process that does the work (API with the
embedded runner, or each worker). Jobs and connections by state are read from
the database at scrape time, so every API process reports the same totals.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.storage.models import Connection, Job

CLOUD_CALLS = Counter(
    "georedflow_cloud_calls", "Calls to the sites' clouds.", ["site", "operation", "status"]
)
CLOUD_RETRIES = Counter(
    "georedflow_cloud_retries",
    "Cloud calls retried after a transient error.",
    ["site", "operation"],
)
CLOUD_CALL_SECONDS = Histogram(
    "georedflow_cloud_call_seconds", "Latency of cloud calls.", ["site", "operation"]
)
JOB_SECONDS = Histogram(
    "georedflow_job_seconds",
    "Duration of one attempt at a job.",
    ["kind", "state"],
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
)
TASK_SECONDS = Histogram("georedflow_task_seconds", "Duration of tasks.", ["task", "state"])
CLAIMS = Counter("georedflow_worker_claims", "Jobs this process started an attempt at.")
RESUMES = Counter("georedflow_job_resumes", "Attempts that resumed an interrupted job.")


@contextmanager
def cloud_call(site: str, operation: str) -> Iterator[None]:
    started = time.perf_counter()
    status = "ok"
    try:
        yield
    except Exception as error:
        status = str(getattr(error, "http_status", None) or type(error).__name__)
        raise
    finally:
        CLOUD_CALLS.labels(site, operation, status).inc()
        CLOUD_CALL_SECONDS.labels(site, operation).observe(time.perf_counter() - started)


class StateCollector(Collector):
    """Jobs by kind and state, connections by state and technology, from the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def collect(self) -> Iterable[GaugeMetricFamily]:
        jobs = GaugeMetricFamily(
            "georedflow_jobs", "Jobs by kind and state.", labels=["kind", "state"]
        )
        connections = GaugeMetricFamily(
            "georedflow_connections",
            "Connections by state and technology.",
            labels=["state", "technology"],
        )
        with self._sessions() as session:
            for kind, state, count in session.execute(
                select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
            ):
                jobs.add_metric([kind, state], count)
            for state, technology, count in session.execute(
                select(Connection.state, Connection.technology, func.count()).group_by(
                    Connection.state, Connection.technology
                )
            ):
                connections.add_metric([state, technology], count)
        yield jobs
        yield connections
