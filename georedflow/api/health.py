"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError

from georedflow.exceptions import ServiceUnavailable
from georedflow.storage import db, migrate

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> dict[str, str]:
    """The database answers at the expected schema, and the job board is connected."""
    engine = request.app.state.engine
    try:
        db.ping(engine)
        current = migrate.current_revision(engine)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(f"the database does not answer: {exc.__class__.__name__}") from exc
    head = migrate.head_revision()
    if current != head:
        raise ServiceUnavailable(
            f"the database schema is at revision {current or 'none'}, not {head}: "
            "run 'georedflow-manage db upgrade'"
        )
    zookeeper = request.app.state.zookeeper
    if zookeeper is not None and not zookeeper.connected:
        raise ServiceUnavailable(
            "the ZooKeeper job board is not connected: new jobs cannot be posted"
        )
    return {"status": "ready", "database_revision": current or ""}
