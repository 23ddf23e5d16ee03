"""The FastAPI application, built from an already wired ``Application``."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from prometheus_client import CollectorRegistry

import georedflow
from georedflow.api import (
    connections,
    health,
    job_watch,
    jobs,
    monitoring,
    problems,
    query,
    sites,
    subscriptions,
    ui,
    versions,
)
from georedflow.api.auth import KeystoneTokens
from georedflow.api.limits import BodyLimit
from georedflow.api.reading import AwaitedReads
from georedflow.api.request_id import RequestId
from georedflow.api.schemas import PROBLEM_RESPONSES
from georedflow.storage.metrics import StateCollector
from georedflow.wiring import Application


def create_app(
    application: Application,
    *,
    resume_jobs: bool = True,
    max_body_bytes: int = 2 * 1024 * 1024,
    tokens: KeystoneTokens | None = None,
) -> FastAPI:
    """The API; ``tokens`` validates Keystone tokens, None serves without authentication."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if resume_jobs and application.embedded is not None:
            application.embedded.resume_unfinished()
        if application.auditor is not None:
            application.auditor.start()
        if application.failover is not None:
            application.failover.start()
        yield
        if application.embedded is not None:
            application.embedded.stop(wait=False)

    app = FastAPI(
        title="georedflow",
        version=georedflow.__version__,
        summary="The infrastructure network between two OpenStack sites, built and undone.",
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        dependencies=[Depends(query.only_known)],
    )
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(RequestId)  # outermost: even a refused body's answer carries one
    app.state.tokens = tokens
    app.state.state_registry = CollectorRegistry()
    app.state.state_registry.register(StateCollector(application.core.sessions))
    app.state.engine = application.engine
    app.state.zookeeper = application.zookeeper
    app.state.sites = application.sites
    app.state.connections = application.connections
    app.state.jobs = application.jobs
    app.state.reads = AwaitedReads(application.reads)
    app.state.subscriptions = application.subscriptions
    app.state.destinations = application.destinations
    app.state.job_graphs = application.job_graphs
    app.state.site_service = application.site_service
    app.state.connection_service = application.connection_service
    problems.install(app)
    for module in (
        versions,
        health,
        monitoring,
        sites,
        connections,
        jobs,
        job_watch,
        subscriptions,
    ):
        app.include_router(module.router)
    ui.install(app)
    return app
