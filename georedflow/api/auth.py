"""Who is calling: a Keystone token validated (and cached for a short time), or noauth.

Not keystonemiddleware's ``auth_token``: it is a WSGI (webob) middleware, so fronting
this ASGI app would put every request through a WSGI bridge and a thread, which the
async reads avoid; its own cache wants memcached. What it would do for us is small and
done with keystoneauth's own parts: a session for the service user (any plugin) and
``access`` to read Keystone's answer.
"""

import collections
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from keystoneauth1 import access
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import plugin as ks_plugin
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from georedflow.exceptions import ServiceUnavailable, Unauthenticated


@dataclass(frozen=True)
class Caller:
    user_id: str | None
    project_id: str | None
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


# Without authentication (loopback only) the caller may do everything.
NOAUTH = Caller(user_id=None, project_id=None, roles=frozenset({"admin", "member", "reader"}))


@dataclass(frozen=True)
class KeystoneSettings:
    auth_url: str
    username: str
    password: str
    project_name: str = "service"
    user_domain_name: str = "Default"
    project_domain_name: str = "Default"
    token_cache_seconds: float = 60.0


CACHE_SIZE = 4096  # validated tokens kept at once


class KeystoneTokens:
    """Validates tokens against Keystone with the service user's own token."""

    def __init__(
        self, settings: KeystoneSettings, service_user: ks_plugin.BaseAuthPlugin | None = None
    ) -> None:
        """``service_user``: any keystoneauth plugin (loaded from ``[service_auth]``); by
        default the password plugin with the settings' user."""
        self.auth_url = settings.auth_url.rstrip("/")
        self._cache_seconds = settings.token_cache_seconds
        self._session = ks_session.Session(
            auth=service_user
            or v3.Password(
                auth_url=self.auth_url,
                username=settings.username,
                password=settings.password,
                project_name=settings.project_name,
                user_domain_name=settings.user_domain_name,
                project_domain_name=settings.project_domain_name,
            )
        )
        # token → (trusted until, caller), oldest first; bounded: tokens come and go.
        self._cache: collections.OrderedDict[str, tuple[float, Caller]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def cached(self, token: str | None) -> Caller | None:
        """The caller of a token validated lately (without asking Keystone), else None."""
        if not token:
            return None
        with self._lock:
            cached = self._cache.get(token)
        return cached[1] if cached is not None and cached[0] > time.monotonic() else None

    def caller(self, token: str | None) -> Caller:
        if not token:
            raise Unauthenticated("this request needs an X-Auth-Token header")
        cached = self.cached(token)
        if cached is not None:
            return cached
        now = time.monotonic()
        caller, expires_in = self._validate(token)
        with self._lock:
            self._cache[token] = (now + min(self._cache_seconds, expires_in), caller)
            self._cache.move_to_end(token)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return caller

    def _validate(self, token: str) -> tuple[Caller, float]:
        try:
            response = self._session.get(
                f"{self.auth_url}/auth/tokens",
                headers={"X-Subject-Token": token},
                raise_exc=False,
            )
        except ks_exc.ClientException as error:
            raise ServiceUnavailable(f"Keystone does not answer: {error}") from None
        if response.status_code in (401, 403, 404):
            raise Unauthenticated("the token is invalid, expired or revoked")
        if response.status_code != 200:
            raise ServiceUnavailable(f"Keystone answered {response.status_code}")
        # keystoneauth's parser: the expiry is a UTC datetime (no local-time arithmetic).
        info = access.create(body=response.json(), auth_token=token)
        caller = Caller(
            user_id=info.user_id,
            project_id=info.project_id,
            roles=frozenset(info.role_names or ()),
        )
        if info.expires is None:  # Keystone always says; trust it no longer than the cache
            return caller, self._cache_seconds
        return caller, max(0.0, (info.expires - datetime.now(UTC)).total_seconds())
