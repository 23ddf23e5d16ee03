"""Creating and deleting connections: every check, the pre-flight of the sites, then a job."""

import dataclasses
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from georedflow import technologies
from georedflow.clouds.openstack import Clouds
from georedflow.exceptions import Conflict, GeoredflowError, InvalidInput, NotFound, TooLarge
from georedflow.jobs.board import JobBoard
from georedflow.notifications.destinations import Destinations
from georedflow.planning.addresses import overlapping, parse_cidr
from georedflow.planning.planner import public_parameters
from georedflow.roles import ROLES
from georedflow.services import preflight, selection
from georedflow.services.requests import ConnectionRequest
from georedflow.services.scope import derive_scope
from georedflow.standby import StandbySettings
from georedflow.states import ACTIVATABLE, BUILT, ConnectionState
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import ConfigSnapshot, Connection, Job, Site, utcnow
from georedflow.storage.sites import SiteRepository
from georedflow.technologies.base import Technology

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Prepared:
    """A create that passed every check: its sites, cells, scope and pre-flight."""

    request: preflight.Request
    cells: dict[str, str | None]
    outcome: dict[str, Any]
    selection: list[dict[str, Any]] | None = None


class ConnectionService:
    def __init__(
        self,
        connections: ConnectionRepository,
        jobs: JobRepository,
        sites: SiteRepository,
        clouds: Clouds,
        board: JobBoard,
        *,
        configs: ConfigRepository,
        standby: StandbySettings,
        destinations: Destinations,
        preflight: preflight.Preflight,
    ) -> None:
        self._preflight = preflight
        self._configs = configs
        self._standby = standby
        self._destinations = destinations
        self._connections = connections
        self._jobs = jobs
        self._sites = sites
        self._clouds = clouds
        self._board = board

    def _site(self, ref: str, field: str) -> Site:
        try:
            return self._sites.get(ref)
        except Exception:
            raise InvalidInput(f"{field}: no site named '{ref}' is registered") from None

    def create(
        self,
        body: ConnectionRequest,
        project_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Connection, Job]:
        """Validate and store the connection, then post its create job.

        With an ``idempotency_key``, the same key and body return the connection and
        job the first request made; the same key with another body is a conflict.
        """
        digest = body.digest()
        if idempotency_key:
            earlier = self._replay(project_id, idempotency_key, digest)
            if earlier is not None:
                return earlier
        idempotency = (idempotency_key, digest) if idempotency_key else None
        try:
            return self._create(body, project_id, idempotency)
        except IntegrityError:
            # The same key raced us to the insert: answer with what it made.
            earlier = self._replay(project_id, idempotency_key or "", digest)
            if earlier is None:
                raise
            return earlier

    def _replay(
        self, project_id: str | None, key: str, digest: str
    ) -> tuple[Connection, Job] | None:
        found = self._connections.idempotent_result(project_id, key)
        if found is None:
            return None
        if found.request_hash != digest:
            raise Conflict(
                f"Idempotency-Key '{key}' was already used with a different request body"
            )
        try:
            return self._connections.get(found.connection_id), self._jobs.get(found.job_id)
        except NotFound:
            raise Conflict(
                f"Idempotency-Key '{key}' created connection {found.connection_id}, "
                "which has since been deleted"
            ) from None

    def plan(self, body: ConnectionRequest) -> dict[str, Any]:
        """A dry run: every check a create makes, and the plan; nothing built or held."""
        prepared = self._prepare(body)
        plan, outcome = prepared.outcome["plan"], prepared.outcome
        return {
            "name": body.name,
            "mode": body.mode,
            "technology": str(prepared.request.technology),
            "scope": prepared.request.scope,
            **{
                role: {
                    "site": plan[role]["site"],
                    "cell": prepared.cells[role],
                    "cidr": plan[role]["cidr"],
                    "allocation_pool": plan[role]["allocation_pool"],
                    "physical_network": plan[role]["physical_network"],
                    "makes": outcome["makes"][role],
                }
                for role in ROLES
            },
            "identifiers": public_parameters(plan),
            "quota_headroom": outcome["quota_headroom"],
            "checks": outcome["checks"],
            "selection": prepared.selection,
        }

    def _create(
        self,
        body: ConnectionRequest,
        project_id: str | None,
        idempotency: tuple[str, str] | None,
    ) -> tuple[Connection, Job]:
        prepared = self._prepare(body)
        sites, cells = prepared.request.sites, prepared.cells
        cidrs = self._check_cidrs(body, prepared.request.technology.needs.stretched)
        connection, job = self._connections.create(
            name=body.name,
            project_id=project_id,
            mode=body.mode,
            technology=str(prepared.request.technology),
            scope=prepared.request.scope,
            state=ConnectionState.PENDING,
            options=body.options.stored(),
            selection=prepared.selection,
            # The flow plans from these reads while they are young (tasks/plan.py).
            surveys={"read_at": time.time(), **prepared.outcome["surveys"]},
            job_kind="create",
            idempotency=idempotency,
            endpoints=[
                {"role": role, "site_id": sites[role].id, "cell": cells[role], "cidr": cidrs[role]}
                for role in ROLES
            ],
        )
        self._board.post(job.id)
        return connection, job

    def _prepare(self, body: ConnectionRequest) -> "_Prepared":
        """Every check, without a cloud call first, then the pre-flight of both sites;
        with candidates, of each, and the best one chosen."""
        tech = technologies.get(body.technology)
        if body.options.activation_callback is not None:
            self._destinations.check(
                body.options.activation_callback, "options.activation_callback"
            )
        self._check_cidrs(body, tech.needs.stretched)
        self._check_options(body, tech)
        if body.local.site is None:
            raise InvalidInput("local.site: the local end names its site")
        local = self._site(body.local.site, "local.site")
        remote = body.remote
        chosen_by = [remote.site is not None, remote.candidates is not None, remote.any]
        if sum(chosen_by) != 1:
            raise InvalidInput(
                "remote names one site, or candidates, or any: true (exactly one of them)"
            )
        if remote.site is not None:
            return self._prepare_pair(body, local, self._site(remote.site, "remote.site"))
        if remote.candidates is not None:
            names = list(dict.fromkeys(remote.candidates))
            for name in names:
                self._site(name, "remote.candidates")
        else:
            names = [s.name for s in self._sites.query() if s.id != local.id]
            if not names:
                raise InvalidInput("remote.any: no site but the local one is registered")
        for name in remote.prefer or []:
            if name not in names:
                raise InvalidInput(f"remote.prefer: {name} is not one of the candidates")
        return self._select(body, local, [self._sites.get(n) for n in names])

    def _select(self, body: ConnectionRequest, local: Site, sites: list[Site]) -> "_Prepared":
        using = self._connections.using_sites()
        candidates, prepared = [], {}
        for site in sites:
            try:
                prepared[site.name] = self._prepare_pair(body, local, site)
                outcome = prepared[site.name].outcome
                candidates.append(selection.Candidate(site, using.get(site.id, 0), outcome))
            except GeoredflowError as error:
                refused = str(error)
                candidates.append(selection.Candidate(site, using.get(site.id, 0), None, refused))
        ranking = selection.rank(
            local, candidates, prefer=body.remote.prefer, affinity=body.remote.affinity
        )
        if not ranking[0]["chosen"]:
            reasons = "; ".join(f"{r['site']}: {r['reason']}" for r in ranking)
            raise Conflict(f"no candidate can be the remote site ({reasons})")
        chosen = prepared[ranking[0]["site"]]
        return dataclasses.replace(chosen, selection=ranking)

    def _prepare_pair(self, body: ConnectionRequest, local: Site, remote: Site) -> "_Prepared":
        tech = technologies.get(body.technology)
        if local.id == remote.id and (body.local.cell or local.cell) == (
            body.remote.cell or remote.cell
        ):
            raise InvalidInput("local and remote are the same site: a link needs two ends")
        sites = {"local": local, "remote": remote}
        cells = {
            "local": body.local.cell or local.cell,
            "remote": body.remote.cell or remote.cell,
        }
        scope = derive_scope(
            (local.cloud, local.region, cells["local"]),
            (remote.cloud, remote.region, cells["remote"]),
            self._clouds.auth_url,
        )
        for role, site in sites.items():
            self._check_site(role, site, tech)
        if tech.needs.cell_only and scope != "cell":
            raise InvalidInput(
                f"{tech} joins two cells of one cloud and region; these sites are {scope} scope"
            )
        request = preflight.Request(
            technology=tech,
            mode=body.mode,
            scope=scope,
            options=body.options.stored(),
            sites=sites,
            cidrs={"local": body.local.cidr, "remote": body.remote.cidr},
        )
        return _Prepared(request, cells, self._preflight.run(request))

    @staticmethod
    def _check_site(role: str, site: Site, tech: Technology) -> None:
        if site.status != "reachable":
            raise InvalidInput(
                f"{role}.site {site.name} is {site.status} ({site.status_reason}); "
                "probe it again once it answers"
            )
        needs = tech.needs
        missing = [a for a in needs.extensions if a not in site.capabilities]
        if missing:
            raise InvalidInput(
                f"{tech} is not available on {role}.site {site.name}: "
                f"its Neutron lacks {', '.join(missing)}"
            )
        if needs.external_network and not site.external_network:
            raise InvalidInput(f"{tech} needs an external_network on {role}.site {site.name}")
        physnet = needs.physnet
        if physnet and not needs.default_physnet and not site.physical_networks.get(physnet):
            raise InvalidInput(
                f"{tech} needs physical_networks.{physnet} on {role}.site {site.name}"
            )

    @staticmethod
    def _check_cidrs(body: ConnectionRequest, stretched: bool) -> dict[str, str | None]:
        given = {"local": body.local.cidr, "remote": body.remote.cidr}
        parsed = {r: parse_cidr(c, what=f"{r}.cidr") for r, c in given.items() if c}
        if stretched:
            if len(parsed) == 2 and parsed["local"] != parsed["remote"]:
                raise InvalidInput(
                    f"{body.technology} stretches one CIDR over both sites: "
                    f"local.cidr {given['local']} and remote.cidr {given['remote']} differ"
                )
            one = next(iter(parsed.values()), None)
            return {"local": str(one) if one else None, "remote": str(one) if one else None}
        if len(parsed) == 2 and overlapping(parsed["local"], [parsed["remote"]]):
            raise InvalidInput(
                f"{body.technology} routes between two subnets: local.cidr "
                f"{given['local']} and remote.cidr {given['remote']} overlap"
            )
        return {r: str(parsed[r]) if r in parsed else None for r in ROLES}

    @staticmethod
    def _check_options(body: ConnectionRequest, tech: Technology) -> None:
        options, needs = body.options, tech.needs
        if options.segmentation_id is not None:
            if not needs.segmentation:
                raise InvalidInput(f"options.segmentation_id does not apply to {tech}")
            highest = needs.max_segmentation_id
            if highest is not None and options.segmentation_id > highest:
                raise InvalidInput(
                    f"options.segmentation_id: a {needs.segmentation.upper()} id is 1 to {highest}"
                )
        if options.route_targets is not None and not needs.route_targets:
            raise InvalidInput(f"options.route_targets does not apply to {tech}")
        if body.mode == "hot" and options.bandwidth_mbps is None:
            raise InvalidInput(
                "a hot standby guarantees the link's bandwidth: options.bandwidth_mbps is required"
            )
        if body.mode != "hot" and options.bandwidth_mbps is not None:
            raise InvalidInput(f"options.bandwidth_mbps applies to hot standbys, not {body.mode}")
        if body.mode != "cold" and options.prebuild is not None:
            raise InvalidInput(f"options.prebuild applies to cold standbys, not {body.mode}")

    def activate(self, connection_id: str, *, force: bool = False) -> Job:
        """Fail over to the backup; a cold standby is built first and given its config.

        Refused while the primary's lease is live, unless ``force`` (kept on the job).
        """
        self._check_activatable(connection_id)
        job = self._connections.start_activation(connection_id, ACTIVATABLE, force=force)
        self._board.post(job.id)
        return job

    def _check_activatable(self, connection_id: str) -> None:
        connection = self._connections.get(connection_id)
        if connection.mode == "cold" and self._configs.latest(connection_id) is None:
            raise Conflict(
                f"connection {connection_id} is a cold standby with no config snapshot to "
                "hand to its spare; PUT one to /v1/connections/{id}/config first"
            )

    def heartbeat(self, connection_id: str, epoch: int) -> Connection:
        """The primary renews its lease; 409 for a superseded epoch (and a fenced event)."""
        return self._connections.heartbeat(connection_id, epoch, self._standby.lease_seconds)

    def fail_over_expired(self) -> list[Job]:
        """Activate, as a request would, every auto-failover connection whose lease ran out.

        Every API process calls this; a lease's claim lets exactly one of them start the
        activation. One that cannot start (a cold standby without a config) is logged
        and its lease dropped, so it is tried again only after the next heartbeat.
        """
        now = utcnow()
        started = []
        for connection_id in self._connections.expired_leases(now, ACTIVATABLE):
            try:
                self._check_activatable(connection_id)
            except Conflict as refused:
                LOG.error("connection %s: lease expired, no failover: %s", connection_id, refused)
                self._connections.drop_lease(connection_id)
                continue
            except NotFound:
                continue  # deleted since it was listed
            try:
                job = self._connections.start_failover(connection_id, now, ACTIVATABLE)
            except Conflict as busy:  # a job in flight: tried again once it ended
                LOG.info("connection %s: failover waits: %s", connection_id, busy)
                continue
            if job is None:
                continue  # another process took it
            LOG.warning(
                "connection %s: the primary's lease expired; activating the standby (job %s)",
                connection_id,
                job.id,
            )
            self._board.post(job.id)
            started.append(job)
        return started

    def verify(self, connection_id: str) -> Job:
        return self._start(connection_id, "verify", BUILT)

    def repair(self, connection_id: str) -> Job:
        return self._start(connection_id, "repair", BUILT)

    def _start(self, connection_id: str, kind: str, from_states: frozenset[str]) -> Job:
        job = self._connections.start_job(connection_id, kind, state=None, from_states=from_states)
        self._board.post(job.id)
        return job

    def put_config(self, connection_id: str, media_type: str, content: bytes) -> ConfigSnapshot:
        """Keep a new version of the VNF's configuration for its warm or cold standby."""
        connection = self._connections.get(connection_id)
        if connection.mode == "hot":
            raise Conflict(
                f"connection {connection_id} is a hot standby, kept in step live; "
                "config snapshots are for warm and cold standbys"
            )
        limit = self._standby.max_config_bytes
        if len(content) > limit:
            raise TooLarge(
                f"a config snapshot is at most {limit} bytes; this one is {len(content)}"
            )
        try:
            text = content.decode()
        except UnicodeDecodeError:
            raise InvalidInput("a config snapshot is a JSON document or UTF-8 text") from None
        if media_type == "application/json":
            try:
                json.loads(text)
            except ValueError as error:
                raise InvalidInput(f"the config is declared JSON but is not: {error}") from None
        return self._configs.put(connection_id, media_type, text, self._standby.config_versions)

    def get_config(self, connection_id: str, version: int | None) -> ConfigSnapshot:
        self._connections.get(connection_id)
        return self._configs.get(connection_id, version)

    def delete(self, connection_id: str) -> Job:
        connection = self._connections.get(connection_id)
        job = self._connections.start_job(connection.id, "delete", state=ConnectionState.DELETING)
        self._board.post(job.id)
        return job
