"""/v1/sites: register, list, change, delete and probe sites."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, SiteActions, Sites
from georedflow.api.lists import next_links, ordering
from georedflow.api.policy import enforce
from georedflow.storage.pagination import Order

router = APIRouter(prefix="/v1/sites", tags=["sites"])
SORT = ordering(("name", "created_at", "updated_at", "status", "id"), default="name")


@router.get("")
def list_sites(
    sites: Sites,
    caller: CallerDep,
    request: Request,
    order: Annotated[Order, Depends(SORT)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    marker: str | None = None,
) -> schemas.SiteList:
    """Sites by name (``sort_key`` and ``sort_dir`` change it), a page at a time."""
    enforce(caller, "site:list")
    found = sites.query(limit=limit, marker=marker, order=order)
    return schemas.SiteList(
        sites=[schemas.SiteOut.model_validate(s) for s in found],
        links=next_links(request, found, limit),
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def register_site(
    body: schemas.SiteCreate, actions: SiteActions, caller: CallerDep, response: Response
) -> schemas.SiteOut:
    """Register a site and probe it: its status says whether it answered."""
    enforce(caller, "site:create")
    site = schemas.SiteOut.model_validate(actions.register(body.model_dump()))
    response.headers["Location"] = f"/v1/sites/{site.name}"
    return site


@router.get("/{site}")
def show_site(site: str, sites: Sites, caller: CallerDep) -> schemas.SiteOut:
    enforce(caller, "site:show")
    return schemas.SiteOut.model_validate(sites.get(site))


@router.patch("/{site}")
def update_site(
    site: str, body: schemas.SiteUpdate, sites: Sites, caller: CallerDep
) -> schemas.SiteOut:
    enforce(caller, "site:update")
    changes = body.model_dump(exclude_unset=True)
    return schemas.SiteOut.model_validate(sites.update(site, **changes))


@router.delete("/{site}", status_code=status.HTTP_204_NO_CONTENT)
def delete_site(site: str, sites: Sites, caller: CallerDep) -> None:
    enforce(caller, "site:delete")
    sites.delete(site)


@router.post("/{site}/probe", status_code=status.HTTP_202_ACCEPTED)
def probe_site(
    site: str, actions: SiteActions, caller: CallerDep, response: Response
) -> schemas.JobOut:
    enforce(caller, "site:probe")
    job = actions.probe_later(site)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return views.job(job)
