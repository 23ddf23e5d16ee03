"""Pre-shared keys: generated with ``secrets``, kept encrypted (``georedflow.crypto``)."""

import secrets


def generate_psk() -> str:
    # 32 bytes of entropy, URL-safe so any IPsec implementation takes it as text.
    return secrets.token_urlsafe(32)
