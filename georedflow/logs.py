"""Logging with secrets masked: pre-shared keys, passwords and tokens never reach a log.

The filter rewrites every record's final message, so it also covers the
libraries underneath (keystoneauth and openstacksdk log request bodies at DEBUG).
"""

import logging
import re

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


def install(level: int) -> None:
    """Configure the root logger with the masking filter on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretMasker())
    # Alembic announces its context on every readiness probe; that is not news.
    logging.getLogger("alembic").setLevel(logging.WARNING)
