"""The body of an event as sent, and its signature: HMAC-SHA256 with the subscription's secret.

A receiver recomputes ``hmac(secret, raw body, sha256)`` over the exact bytes it
received and compares it (in constant time) with the signature header.
"""

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_HEADER = "X-Georedflow-Signature"
EVENT_HEADER = "X-Georedflow-Event"
EVENT_ID_HEADER = "X-Georedflow-Event-Id"
DELIVERY_HEADER = "X-Georedflow-Delivery"


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes sent, and signed: compact, keys sorted, UTF-8."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True, default=str).encode()


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: ``sha256=<hex digest>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature)
