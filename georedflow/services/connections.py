"""Creating and deleting connections: every check that needs no cloud call, then a job."""

import hashlib
import json

from sqlalchemy.exc import IntegrityError

from georedflow.api.schemas import ConnectionCreate
from georedflow.clouds.openstack import Clouds
from georedflow.exceptions import Conflict, InvalidInput, NotFound, TooLarge
from georedflow.jobs.board import JobBoard
from georedflow.notifications.destinations import Destinations
from georedflow.planning.addresses import overlapping, parse_cidr
from georedflow.roles import ROLES
from georedflow.services.scope import derive_scope
from georedflow.standby import StandbySettings
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import ConfigSnapshot, Connection, Job, Site
from georedflow.storage.sites import SiteRepository
from georedflow.technologies import TECHNOLOGIES, Technology


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
    ) -> None:
        self._configs = configs
        self._standby = standby
        self._destinations = destinations
        self._connections = connections
        self._jobs = jobs
        self._sites = sites
        self._clouds = clouds
        self._board = board

    def _site(self, ref: str, role: str) -> Site:
        try:
            return self._sites.get(ref)
        except Exception:
            raise InvalidInput(f"{role}.site: no site named '{ref}' is registered") from None

    def create(
        self,
        body: ConnectionCreate,
        project_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Connection, Job]:
        """Validate and store the connection, then post its create job.

        With an ``idempotency_key``, the same key and body return the connection and
        job the first request made; the same key with another body is a conflict.
        """
        digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
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

    def _create(
        self,
        body: ConnectionCreate,
        project_id: str | None,
        idempotency: tuple[str, str] | None,
    ) -> tuple[Connection, Job]:
        tech = Technology(body.technology)
        info = TECHNOLOGIES[tech]
        if body.options.activation_callback is not None:
            self._destinations.check(
                body.options.activation_callback, "options.activation_callback"
            )
        if body.local.site == body.remote.site and body.local.cell == body.remote.cell:
            raise InvalidInput("local and remote are the same site: a link needs two ends")
        sites = {
            "local": self._site(body.local.site, "local"),
            "remote": self._site(body.remote.site, "remote"),
        }
        cells = {
            "local": body.local.cell or sites["local"].cell,
            "remote": body.remote.cell or sites["remote"].cell,
        }
        scope = derive_scope(
            (sites["local"].cloud, sites["local"].region, cells["local"]),
            (sites["remote"].cloud, sites["remote"].region, cells["remote"]),
            self._clouds.auth_url,
        )
        for role, site in sites.items():
            self._check_site(role, site, tech)
        if info.cell_only and scope != "cell":
            raise InvalidInput(
                f"{tech} joins two cells of one cloud and region; these sites are {scope} scope"
            )
        cidrs = self._check_cidrs(body, info.stretched)
        self._check_options(body, tech)
        connection, job = self._connections.create(
            name=body.name,
            project_id=project_id,
            mode=body.mode,
            technology=str(tech),
            scope=scope,
            state="PENDING",
            options=body.options.model_dump(exclude_none=True),
            job_kind="create",
            idempotency=idempotency,
            endpoints=[
                {"role": role, "site_id": sites[role].id, "cell": cells[role], "cidr": cidrs[role]}
                for role in ROLES
            ],
        )
        self._board.post(job.id)
        return connection, job

    @staticmethod
    def _check_site(role: str, site: Site, tech: Technology) -> None:
        if site.status != "reachable":
            raise InvalidInput(
                f"{role}.site {site.name} is {site.status} ({site.status_reason}); "
                "probe it again once it answers"
            )
        missing = [a for a in TECHNOLOGIES[tech].extensions if a not in site.capabilities]
        if missing:
            raise InvalidInput(
                f"{tech} is not available on {role}.site {site.name}: "
                f"its Neutron lacks {', '.join(missing)}"
            )
        if tech is Technology.IPSEC and not site.external_network:
            raise InvalidInput(f"ipsec needs an external_network on {role}.site {site.name}")
        if tech is Technology.SEGMENTS and not site.physical_networks.get("cell"):
            raise InvalidInput(f"segments needs physical_networks.cell on {role}.site {site.name}")

    @staticmethod
    def _check_cidrs(body: ConnectionCreate, stretched: bool) -> dict[str, str | None]:
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
    def _check_options(body: ConnectionCreate, tech: Technology) -> None:
        options = body.options
        if options.segmentation_id is not None:
            if not TECHNOLOGIES[tech].stretched:
                raise InvalidInput(f"options.segmentation_id does not apply to {tech}")
            if tech is Technology.VLAN and options.segmentation_id > 4094:
                raise InvalidInput("options.segmentation_id: a VLAN id is 1 to 4094")
        if options.route_targets is not None and tech is not Technology.BGPVPN:
            raise InvalidInput(f"options.route_targets does not apply to {tech}")
        if body.mode == "hot" and options.bandwidth_mbps is None:
            raise InvalidInput(
                "a hot standby guarantees the link's bandwidth: options.bandwidth_mbps is required"
            )
        if body.mode != "hot" and options.bandwidth_mbps is not None:
            raise InvalidInput(f"options.bandwidth_mbps applies to hot standbys, not {body.mode}")
        if body.mode != "cold" and options.prebuild is not None:
            raise InvalidInput(f"options.prebuild applies to cold standbys, not {body.mode}")

    def activate(self, connection_id: str) -> Job:
        """Fail over to the backup; a cold standby is built first and given its config."""
        connection = self._connections.get(connection_id)
        if connection.mode == "cold" and self._configs.latest(connection_id) is None:
            raise Conflict(
                f"connection {connection_id} is a cold standby with no config snapshot to "
                "hand to its spare; PUT one to /v1/connections/{id}/config first"
            )
        return self._start(connection_id, "activate", {"ACTIVE", "DEGRADED", "DORMANT"})

    def verify(self, connection_id: str) -> Job:
        return self._start(connection_id, "verify", {"ACTIVE", "DEGRADED"})

    def repair(self, connection_id: str) -> Job:
        return self._start(connection_id, "repair", {"ACTIVE", "DEGRADED"})

    def _start(self, connection_id: str, kind: str, from_states: set[str]) -> Job:
        job = self._connections.start_job(
            connection_id, kind, state=None, from_states=frozenset(from_states)
        )
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
        job = self._connections.start_job(connection.id, "delete", state="DELETING")
        self._board.post(job.id)
        return job
