"""Mistral actions: create and delete connections, and wait for a job to end.

Each action talks to the georedflow API. Without ``url`` it finds the API in the
service catalog Mistral hands the action (service type ``georedundancy``, the
internal endpoint first, in the workflow's region), and without ``token`` it calls
with the token of the workflow's caller; with neither catalog nor URL, the API of
this host. A refused request or a failed job is returned as a Mistral ``Result``
error, so a workflow can branch on it with ``on-error``.
"""

import json
import time
from typing import Any

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1.access import service_catalog
from mistral_lib import actions

from georedflow.client.api import ApiClient, ClientError
from georedflow.osc.plugin import SERVICE_TYPE, base_url
from georedflow.states import JOB_FINISHED, JobState

DEFAULT_URL = "http://127.0.0.1:9797"  # no URL given and no catalog: this host's API


def endpoint(context: Any) -> str | None:
    """The API's URL from the catalog in a Mistral action's security context, if any."""
    security = getattr(context, "security", None)
    catalog = getattr(security, "service_catalog", None)
    if isinstance(catalog, str):
        catalog = json.loads(catalog)
    if isinstance(catalog, dict):  # the token's body rather than its catalog
        catalog = catalog.get("catalog") or catalog.get("token", {}).get("catalog")
    if not catalog:
        return None
    found = service_catalog.ServiceCatalogV3(catalog)
    for interface in ("internal", "public"):
        try:
            url = found.url_for(
                service_type=SERVICE_TYPE,
                interface=interface,
                region_name=getattr(security, "region_name", None),
            )
        except ks_exceptions.EndpointNotFound:
            continue
        return base_url(str(url))
    return None


class _GeoredflowAction(actions.Action):  # type: ignore[misc]
    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.token = token

    def run(self, context: Any) -> actions.Result:
        url = self.url or endpoint(context) or DEFAULT_URL
        token = self.token or getattr(getattr(context, "security", None), "auth_token", None)
        api = ApiClient(url, token)
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
    """Start building a connection; returns ``{"connection": ..., "job": ...}`` at once.

    ``remote`` names a site, or ``{"candidates": [...]}`` / ``{"any": true}`` for
    georedflow to choose the backup; ``dry_run`` returns the plan instead."""

    def __init__(
        self,
        name: str,
        technology: str,
        local: dict[str, Any],
        remote: dict[str, Any],
        mode: str = "warm",
        options: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        dry_run: bool = False,
        url: str | None = None,
        token: str | None = None,
    ) -> None:
        super().__init__(url, token)
        self.dry_run = dry_run  # the plan (and a candidates' ranking), nothing built
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
        params = {"dry_run": "true"} if self.dry_run else None
        return api.call("POST", "/v1/connections", json=self.body, headers=headers, params=params)


class _ConnectionAction(_GeoredflowAction):
    """An action on one existing connection."""

    def __init__(
        self, connection_id: str, url: str | None = None, token: str | None = None
    ) -> None:
        super().__init__(url, token)
        self.connection_id = connection_id


class DeleteConnectionAction(_ConnectionAction):
    """Start deleting a connection; returns ``{"connection": ..., "job": ...}``."""

    def call(self, api: ApiClient) -> Any:
        return api.call("DELETE", f"/v1/connections/{self.connection_id}")


class ActivateConnectionAction(_ConnectionAction):
    """Fail over to the backup (building a cold one first); returns the connection and job.

    Refused while the primary's lease is live, unless ``force``.
    """

    def __init__(
        self,
        connection_id: str,
        force: bool = False,
        url: str | None = None,
        token: str | None = None,
    ) -> None:
        super().__init__(connection_id, url, token)
        self.force = force

    def call(self, api: ApiClient) -> Any:
        body = {"force": True} if self.force else None
        return api.call("POST", f"/v1/connections/{self.connection_id}/activate", json=body)


class HeartbeatAction(_ConnectionAction):
    """Renew the primary's lease with the epoch it holds; returns the lease. An error
    (409) when that epoch was failed over: the sender must stop acting as primary."""

    def __init__(
        self, connection_id: str, epoch: int, url: str | None = None, token: str | None = None
    ) -> None:
        super().__init__(connection_id, url, token)
        self.epoch = epoch

    def call(self, api: ApiClient) -> Any:
        return api.call(
            "POST", f"/v1/connections/{self.connection_id}/heartbeat", json={"epoch": self.epoch}
        )


class WaitForJobAction(_GeoredflowAction):
    """Wait for a job to end; the job on success, an error naming the failed task if not."""

    def __init__(
        self,
        job_id: str,
        timeout: float = 600.0,
        interval: float = 1.0,
        url: str | None = None,
        token: str | None = None,
    ) -> None:
        super().__init__(url, token)
        self.job_id, self.timeout, self.interval = job_id, timeout, interval

    def call(self, api: ApiClient) -> Any:
        deadline = time.monotonic() + self.timeout
        while (job := api.call("GET", f"/v1/jobs/{self.job_id}"))["state"] not in JOB_FINISHED:
            if time.monotonic() > deadline:
                raise ClientError(
                    f"job {self.job_id} is still {job['state']} after {self.timeout:.0f} s"
                )
            time.sleep(self.interval)
        if job["state"] == JobState.FAILED:
            error = job.get("error") or {}
            raise ClientError(
                f"job {self.job_id} failed in {error.get('task')}: {error.get('message')}"
            )
        return job
