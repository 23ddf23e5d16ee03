"""Mistral actions: create and delete connections, and wait for a job to end.

Each action talks to the georedflow API (``url``, and ``token`` when the API
uses Keystone); a refused request or a failed job is returned as a Mistral
``Result`` error, so a workflow can branch on it with ``on-error``.
"""

import time
from typing import Any

from mistral_lib import actions

from georedflow.client.api import ApiClient, ClientError

DEFAULT_URL = "http://127.0.0.1:9797"


class _GeoredflowAction(actions.Action):  # type: ignore[misc]
    def __init__(self, url: str = DEFAULT_URL, token: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.token = token

    def run(self, context: Any) -> actions.Result:
        api = ApiClient(self.url, self.token)
        try:
            return actions.Result(data=self.call(api))
        except ClientError as error:
            return actions.Result(error=str(error))
        finally:
            api.close()

    def call(self, api: ApiClient) -> Any:
        raise NotImplementedError

    def test(self, context: Any) -> actions.Result:
        return actions.Result(data={"url": self.url})


class CreateConnectionAction(_GeoredflowAction):
    """Start building a connection; returns ``{"connection": ..., "job": ...}`` at once."""

    def __init__(
        self,
        name: str,
        technology: str,
        local: dict[str, Any],
        remote: dict[str, Any],
        mode: str = "warm",
        options: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        url: str = DEFAULT_URL,
        token: str | None = None,
    ) -> None:
        super().__init__(url, token)
        self.body = {
            "name": name,
            "mode": mode,
            "technology": technology,
            "local": local,
            "remote": remote,
            "options": options or {},
        }
        self.idempotency_key = idempotency_key

    def call(self, api: ApiClient) -> Any:
        # Mistral may run an action twice; the key makes that create one connection.
        headers = {"Idempotency-Key": self.idempotency_key} if self.idempotency_key else {}
        return api.call("POST", "/v1/connections", json=self.body, headers=headers)


class _ConnectionAction(_GeoredflowAction):
    """An action on one existing connection."""

    def __init__(
        self, connection_id: str, url: str = DEFAULT_URL, token: str | None = None
    ) -> None:
        super().__init__(url, token)
        self.connection_id = connection_id


class DeleteConnectionAction(_ConnectionAction):
    """Start deleting a connection; returns ``{"connection": ..., "job": ...}``."""

    def call(self, api: ApiClient) -> Any:
        return api.call("DELETE", f"/v1/connections/{self.connection_id}")


class ActivateConnectionAction(_ConnectionAction):
    """Fail over to the backup (building a cold one first); returns the connection and job."""

    def call(self, api: ApiClient) -> Any:
        return api.call("POST", f"/v1/connections/{self.connection_id}/activate")


class WaitForJobAction(_GeoredflowAction):
    """Wait for a job to end; the job on success, an error naming the failed task if not."""

    def __init__(
        self,
        job_id: str,
        timeout: float = 600.0,
        interval: float = 1.0,
        url: str = DEFAULT_URL,
        token: str | None = None,
    ) -> None:
        super().__init__(url, token)
        self.job_id, self.timeout, self.interval = job_id, timeout, interval

    def call(self, api: ApiClient) -> Any:
        deadline = time.monotonic() + self.timeout
        while (job := api.call("GET", f"/v1/jobs/{self.job_id}"))["state"] not in (
            "SUCCEEDED",
            "FAILED",
        ):
            if time.monotonic() > deadline:
                raise ClientError(
                    f"job {self.job_id} is still {job['state']} after {self.timeout:.0f} s"
                )
            time.sleep(self.interval)
        if job["state"] == "FAILED":
            error = job.get("error") or {}
            raise ClientError(
                f"job {self.job_id} failed in {error.get('task')}: {error.get('message')}"
            )
        return job
