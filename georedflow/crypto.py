"""Secrets at rest: a Fernet key on disk, and the box that encrypts with it.

Below every other module (storage, notifications, jobs and tasks all use it), so that
none of them reaches into planning for it.
"""

import os

from cryptography.fernet import Fernet, InvalidToken

from georedflow.exceptions import GeoredflowError


def load_or_create_key(path: str) -> bytes:
    """The Fernet key in ``path``; a new one (mode 0600) when the file does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class SecretBox:
    """Encrypts secrets for the database and decrypts them for the one task that needs them."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise GeoredflowError(
                "a stored secret cannot be decrypted: the secret key changed"
            ) from None

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"
