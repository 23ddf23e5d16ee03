"""RFC 9457 problem+json responses: every error leaves the API through here."""

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match

from georedflow.exceptions import GeoredflowError, Unauthenticated

MEDIA_TYPE = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


async def _georedflow_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GeoredflowError)
    response = problem(exc.status, exc.title, str(exc))
    tokens = getattr(request.app.state, "tokens", None)
    if isinstance(exc, Unauthenticated) and tokens is not None:
        # Where to get a token, the way OpenStack services say it.
        response.headers["WWW-Authenticate"] = f'Keystone uri="{tokens.auth_url}"'
    return response


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only its first match)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE and isinstance(route, APIRoute):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    response = problem(exc.status_code, HTTPStatus(exc.status_code).phrase, str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = _allowed_methods(request)
    return response


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
    detail = "; ".join(_describe(e) for e in exc.errors()) or "the request is not valid"
    return problem(422, "Invalid input", detail, errors=errors)


def install(app: FastAPI) -> None:
    app.add_exception_handler(GeoredflowError, _georedflow_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
