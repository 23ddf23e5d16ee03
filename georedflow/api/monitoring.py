"""/metrics in the Prometheus text format."""

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

router = APIRouter(tags=["monitoring"])


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """This process's counters and histograms, and jobs and connections by state."""
    body = generate_latest(REGISTRY) + generate_latest(request.app.state.state_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
