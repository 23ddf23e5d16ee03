"""Dependencies of the routes, as Annotated aliases; the objects live on app.state.

They are ``async``: FastAPI runs a plain ``def`` dependency in its thread pool, a
hand-over each way per dependency and request, for what is an attribute lookup.
"""

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from georedflow.api.auth import NOAUTH, Caller, KeystoneTokens
from georedflow.api.reading import AwaitedReads
from georedflow.notifications.destinations import Destinations
from georedflow.services.connections import ConnectionService
from georedflow.services.job_graphs import JobGraphs
from georedflow.services.sites import SiteService
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.jobs import JobRepository
from georedflow.storage.sites import SiteRepository
from georedflow.storage.subscriptions import SubscriptionRepository


def _state(name: str):  # type: ignore[no-untyped-def]
    async def get(request: Request):  # type: ignore[no-untyped-def]
        return getattr(request.app.state, name)

    return get


Sites = Annotated[SiteRepository, Depends(_state("sites"))]
Connections = Annotated[ConnectionRepository, Depends(_state("connections"))]
Jobs = Annotated[JobRepository, Depends(_state("jobs"))]
Shown = Annotated[AwaitedReads, Depends(_state("reads"))]
Subscriptions = Annotated[SubscriptionRepository, Depends(_state("subscriptions"))]
SiteActions = Annotated[SiteService, Depends(_state("site_service"))]
ConnectionActions = Annotated[ConnectionService, Depends(_state("connection_service"))]
JobGraphsDep = Annotated[JobGraphs, Depends(_state("job_graphs"))]
CallbackDestinations = Annotated[Destinations, Depends(_state("destinations"))]


async def _caller(request: Request, x_auth_token: Annotated[str | None, Header()] = None) -> Caller:
    tokens: KeystoneTokens | None = request.app.state.tokens
    if tokens is None:
        return NOAUTH
    # Asking Keystone blocks: only a token not validated lately goes to a thread for it.
    cached = tokens.cached(x_auth_token)
    return cached if cached is not None else await run_in_threadpool(tokens.caller, x_auth_token)


CallerDep = Annotated[Caller, Depends(_caller)]
