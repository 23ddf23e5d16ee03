"""A thin HTTP client of the v1 API; errors carry the API's problem ``detail``."""

from typing import Any

import httpx


class ClientError(Exception):
    """The API refused the request or could not be reached."""


class ApiClient:
    def __init__(self, url: str, token: str | None = None, timeout: float = 30.0) -> None:
        headers = {"X-Auth-Token": token} if token else {}
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)
        self.url = url

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer (None when empty)."""
        response = self.request(method, path, **kwargs)
        return response.json() if response.content else None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The answer as it came (e.g. a config snapshot), once it is a success."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise ClientError(f"cannot reach {self.url}: {error}") from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ClientError(f"{response.status_code}: {detail}")
        return response

    def close(self) -> None:
        self._http.close()
