"""The version documents at ``/`` and ``/v1``, as the API-SIG and keystoneauth expect.

Unauthenticated, like every OpenStack service's: a client (keystoneauth's discovery,
``openstack``) learns from them where version 1 lives before it has a token.
"""

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(tags=["versions"])

V1 = {
    "id": "v1.0",
    "status": "CURRENT",
    "min_version": "",
    "version": "",
    "updated": "2026-12-01T00:00:00Z",
}


def _v1(request: Request) -> dict[str, Any]:
    return {**V1, "links": [{"rel": "self", "href": f"{request.base_url}v1/"}]}


@router.get("/")
async def versions(request: Request) -> dict[str, Any]:
    """Every version of the API this server offers (one: v1)."""
    return {"versions": [_v1(request)]}


@router.get("/v1")
async def version_1(request: Request) -> dict[str, Any]:
    """Version 1 of the API."""
    return {"version": _v1(request)}
