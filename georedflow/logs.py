"""Logging with secrets masked: pre-shared keys, passwords and tokens never reach a log.

The filter rewrites every record's final message, so it also covers the
libraries underneath (keystoneauth and openstacksdk log request bodies at DEBUG).

Every record also carries the job, connection and site it was logged for (set
by the job runner, carried into task threads by ``ContextExecutor``); the JSON
format (``[DEFAULT] log_format = json``) puts them on every line.
"""

import contextlib
import contextvars
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from concurrent import futures
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

MASK = "***"

_KEYS = r"psk|password|secret|token|x-auth-token|x-subject-token|fernet_key"
# "psk": "value", 'psk': 'value', psk=value, X-Auth-Token: value
_PATTERNS = [
    re.compile(rf"""(?i)(["']?(?:{_KEYS})["']?\s*:\s*["'])([^"']*)(["'])"""),
    re.compile(rf"""(?i)(\b(?:{_KEYS})=)([^\s&,;'"]+)()"""),
    re.compile(r"""(?i)((?:x-auth-token|x-subject-token)\s*:\s*)([^\s'"]+)()"""),
]


def mask(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    return text


class SecretMasker(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_text is None:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True


JOB_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)
CONNECTION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "connection_id", default=None
)
SITES: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "sites", default=MappingProxyType({})
)
ROLE: contextvars.ContextVar[str | None] = contextvars.ContextVar("role", default=None)


@contextlib.contextmanager
def job_context(job_id: str, connection_id: str | None, sites: dict[str, str]) -> Iterator[None]:
    """Everything logged inside (and in the tasks it starts) names this job."""
    job, connection, where = JOB_ID.set(job_id), CONNECTION_ID.set(connection_id), SITES.set(sites)
    try:
        yield
    finally:
        SITES.reset(where)
        CONNECTION_ID.reset(connection)
        JOB_ID.reset(job)


class ContextExecutor(futures.Executor):
    """Runs each call on a shared pool inside a copy of the submitter's context."""

    def __init__(self, pool: futures.Executor) -> None:
        self._pool = pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        return self._pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        pass  # the pool belongs to the process, not to one job


class JobContext(logging.Filter):
    """Adds ``job_id``, ``connection_id`` and ``site`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.job_id = JOB_ID.get()
        record.connection_id = CONNECTION_ID.get()
        role = ROLE.get()
        record.site = SITES.get().get(role) if role else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the job context of ``JobContext``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "job_id": getattr(record, "job_id", None),
            "connection_id": getattr(record, "connection_id", None),
            "site": getattr(record, "site", None),
            "thread": record.threadName,
        }
        if record.exc_info:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def install(level: int, json_lines: bool = False) -> None:
    """Configure the root logger: secrets masked and job context on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretMasker())
        handler.addFilter(JobContext())
        if json_lines:
            handler.setFormatter(JsonFormatter())
    # Alembic announces its context on every readiness probe; that is not news.
    logging.getLogger("alembic").setLevel(logging.WARNING)
