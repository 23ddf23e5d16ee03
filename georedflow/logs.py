"""Logging through oslo.log, with secrets masked and every line naming its job.

oslo.log does the rest as in every OpenStack service: ``[DEFAULT] log_file`` or
``log_dir``, ``use_syslog``, ``use_json`` (one JSON object per line),
``default_log_levels`` per library, ``debug``.

The masking filter rewrites every record's final message, so it also covers the
libraries underneath (keystoneauth and openstacksdk log request bodies at DEBUG),
and the formatters mask the tracebacks they render.

Every record also carries the job, connection and site it was logged for (set
by the job runner, carried into task threads by ``ContextExecutor``): in JSON
they are under ``extra``.
"""

import contextlib
import contextvars
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from concurrent import futures
from types import MappingProxyType
from typing import Any

from oslo_config import cfg
from oslo_log import log

MASK = "***"

_KEYS = r"psk|password|secret|token|x-auth-token|x-subject-token|fernet_key"
# "psk": "value", 'psk': 'value', psk=value, X-Auth-Token: value
_PATTERNS = [
    re.compile(rf"""(?i)(["']?(?:{_KEYS})["']?\s*:\s*["'])([^"']*)(["'])"""),
    # (a value stops at a backslash too: in a JSON line it escapes the quote after it)
    re.compile(rf"""(?i)(\b(?:{_KEYS})=)([^\s&,;'"\\]+)()"""),
    re.compile(r"""(?i)((?:x-auth-token|x-subject-token)\s*:\s*)([^\s'"\\]+)()"""),
]


# Every pattern names one of the keys: a text that names none (an access line, most
# lines) is returned as it is. Looked for in its casefolded form, which matches whatever
# the patterns' (?i) does for these keys (none has an "i"): 2 us instead of 40 us of
# case-insensitive regular expressions for an access line.
_KEY_WORDS = tuple(_KEYS.split("|"))


def mask(text: str) -> str:
    folded = text.casefold()
    if not any(word in folded for word in _KEY_WORDS):
        return text
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
# The X-OpenStack-Request-ID of the API request being served, or of the one that asked
# for the job being run: on every log line, and sent to the clouds as the global id.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


@contextlib.contextmanager
def job_context(
    job_id: str,
    connection_id: str | None,
    sites: dict[str, str],
    request_id: str | None = None,
) -> Iterator[None]:
    """Everything logged inside (and in the tasks it starts) names this job, and the
    request that asked for it."""
    job, connection, where = JOB_ID.set(job_id), CONNECTION_ID.set(connection_id), SITES.set(sites)
    asked = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(asked)
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


CONTEXT_KEYS = ("request_id", "job_id", "connection_id", "site")


class JobContext(logging.Filter):
    """Adds ``job_id``, ``connection_id`` and ``site`` to every record (and to the keys
    oslo.log's JSON formatter puts under ``extra``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        record.job_id = JOB_ID.get()
        record.connection_id = CONNECTION_ID.get()
        role = ROLE.get()
        record.site = SITES.get().get(role) if role else None
        keys = list(getattr(record, "extra_keys", ()))
        record.extra_keys = keys + [key for key in CONTEXT_KEYS if key not in keys]
        return True


def _masking(formatter: logging.Formatter) -> None:
    """Mask what ``formatter`` renders beyond the record's message: oslo.log's formatters
    render the exception themselves (a traceback, an error summary), not the masked text
    the filter leaves on the record. Masked before JSON escapes it, and after."""
    render_exception, render = formatter.formatException, formatter.format

    def exception(*args: Any, **kwargs: Any) -> str:
        return mask(render_exception(*args, **kwargs))

    def line(record: logging.LogRecord) -> str:
        return mask(render(record))

    formatter.formatException = exception  # type: ignore[method-assign]
    formatter.format = line  # type: ignore[method-assign]


def setup(conf: cfg.ConfigOpts, version: str) -> None:
    """Configure logging from ``conf`` with oslo.log: then mask and add the job context."""
    if conf.log_format == "json":  # the deprecated spelling of use_json
        conf.set_override("use_json", True)
    log.set_defaults(default_log_levels=[*log.get_default_log_levels(), *QUIET])
    conf.set_default("logging_default_format_string", TEXT_FORMAT)
    log.setup(conf, "georedflow", version)
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretMasker())
        handler.addFilter(JobContext())
        if handler.formatter is not None:
            _masking(handler.formatter)


# oslo.log's, with the request id where its "[-]" stands for a request context.
TEXT_FORMAT = (
    "%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [%(request_id)s] %(message)s"
)
# Alembic announces its context on every readiness probe; that is not news.
QUIET = ("alembic=WARN", "kazoo.client=WARN")
