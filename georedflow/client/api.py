"""A thin HTTP client of the v1 API; errors carry the API's problem ``detail``.

Two ways to reach the API, one client: a URL and an optional token (httpx), or a
keystoneauth session and the endpoint found in its service catalog (the session adds the
token, and gets a new one when it expires).
"""

from typing import Any, Protocol

import httpx


class ClientError(Exception):
    """The API refused the request or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Response(Protocol):
    """What httpx's and requests' responses have in common, and all the client reads."""

    status_code: int
    headers: Any

    @property
    def content(self) -> bytes: ...

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


class ApiClient:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = 30.0,
        *,
        session: Any = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``session``: a keystoneauth1 Session, which then sends the token instead;
        ``transport``: httpx's, for a fake API in tests."""
        self.url = url.rstrip("/")
        self._session = session
        self._timeout = timeout
        self._http: httpx.Client | None = None
        if session is None:
            headers = {"X-Auth-Token": token} if token else {}
            self._http = httpx.Client(
                base_url=self.url, headers=headers, timeout=timeout, transport=transport
            )

    @property
    def session(self) -> Any:
        """The keystoneauth1 Session that authenticates the calls (None: a plain token)."""
        return self._session

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer (None when empty)."""
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """The answer as it came (e.g. a config snapshot), once it is a success."""
        response = self._send(method, path, params, json, content, headers)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ClientError(f"{response.status_code}: {detail}", status=response.status_code)
        return response

    def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        content: bytes | None,
        headers: dict[str, str] | None,
    ) -> Response:
        if self._http is not None:
            try:
                return self._http.request(
                    method, path, params=params, json=json, content=content, headers=headers
                )
            except httpx.HTTPError as error:
                raise ClientError(f"cannot reach {self.url}: {error}") from None
        from keystoneauth1 import exceptions as ks_exceptions

        try:
            response: Response = self._session.request(
                self.url + path,
                method,
                params=params,
                json=json,
                data=content,
                headers=headers or {},
                raise_exc=False,  # the API's problem detail is ours to show
                authenticated=None,  # a token when the session has auth, none under noauth
                connect_retries=0,
                timeout=self._timeout,
            )
        except ks_exceptions.ConnectionError as error:
            raise ClientError(f"cannot reach {self.url}: {error}") from None
        except ks_exceptions.ClientException as error:  # authentication, catalog
            raise ClientError(f"cannot call {self.url}: {error}") from None
        return response

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
