"""Prometheus metrics: what georedflow does, measured where it happens.

Counters and histograms live in the process that does the work (API with the
embedded runner, or each worker). Jobs and connections by state are read from
the database at scrape time (``storage.metrics``), so every API process reports
the same totals. This module imports no storage: the cloud driver counts its calls
here without pulling in the ORM.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

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
