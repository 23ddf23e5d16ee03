"""/v1/sites: register, list, change, delete and probe sites."""

from fastapi import APIRouter, Response, status

from georedflow.api import schemas, views
from georedflow.api.deps import CallerDep, SiteActions, Sites
from georedflow.api.policy import enforce

router = APIRouter(prefix="/v1/sites", tags=["sites"])


@router.get("")
def list_sites(sites: Sites, caller: CallerDep) -> schemas.SiteList:
    enforce(caller, "site:list")
    return schemas.SiteList(sites=[schemas.SiteOut.model_validate(s) for s in sites.query()])


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
