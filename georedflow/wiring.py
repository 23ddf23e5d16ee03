"""Builds georedflow's object graph from plain values (cmd/ reads them from configuration)."""

from dataclasses import dataclass, field

import futurist
from kazoo.client import KazooClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from georedflow.audit import Auditor
from georedflow.clouds.openstack import Clouds
from georedflow.clouds.retry import RetryPolicy
from georedflow.config_delivery import ConfigDelivery
from georedflow.crypto import SecretBox, load_or_create_key
from georedflow.jobs.board import JobBoard
from georedflow.jobs.conductor import Conductor
from georedflow.jobs.context import JobContext
from georedflow.jobs.persistence import make_backend
from georedflow.jobs.purge import PeriodicPurge
from georedflow.jobs.runner import EmbeddedRunner, JobRunner
from georedflow.jobs.zookeeper import ZookeeperPoster, make_board, make_client
from georedflow.notifications.destinations import Destinations
from georedflow.notifications.dispatcher import Dispatcher
from georedflow.notifications.settings import NotificationSettings
from georedflow.periodic import Periodic
from georedflow.planning.settings import PlanningSettings
from georedflow.services.connections import ConnectionService
from georedflow.services.job_graphs import JobGraphs
from georedflow.services.preflight import Preflight
from georedflow.services.sites import SiteService
from georedflow.standby import StandbySettings
from georedflow.storage import db
from georedflow.storage.configs import ConfigRepository
from georedflow.storage.connections import ConnectionRepository
from georedflow.storage.deliveries import DeliveryQueue
from georedflow.storage.jobs import JobRepository
from georedflow.storage.reads import Reads
from georedflow.storage.sites import SiteRepository
from georedflow.storage.subscriptions import SubscriptionRepository


@dataclass(frozen=True)
class JobBoardSettings:
    backend: str = "embedded"
    hosts: tuple[str, ...] = ("127.0.0.1:2181",)
    path: str = "/georedflow/jobs"
    session_timeout: float = 10.0
    embedded_jobs: int = 4


def database_timeouts(jobboard: JobBoardSettings) -> db.Timeouts:
    """PostgreSQL limits tied to the ZooKeeper session a worker's claim lives in.

    A worker paused inside a transaction keeps its row locks (the job's row among
    them). Its backend is ended once idle for as long as its ZooKeeper session
    lasts, so by the time another worker has claimed the job (after that session
    expired) the locks are gone; ``lock`` bounds any other wait a few seconds later.
    """
    timeout = jobboard.session_timeout
    return db.Timeouts(lock=timeout + LOCK_MARGIN, idle_in_transaction=timeout)


LOCK_MARGIN = 3.0  # seconds past the session timeout
# How often an API process looks for expired leases: a failover starts within this of
# the expiry. The query reads one index (lease_expires_at) and most often finds nothing.
FAILOVER_TICK = 1.0


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key_file: str
    clouds_file: str | None = None
    cloud_retries: RetryPolicy = field(default_factory=RetryPolicy)
    site_facts_max_age: float = 300.0
    planning: PlanningSettings = field(default_factory=PlanningSettings)
    jobboard: JobBoardSettings = field(default_factory=JobBoardSettings)
    standby: StandbySettings = field(default_factory=StandbySettings)
    task_threads: int = 16
    worker_name: str | None = None
    job_retention_days: float = 0.0  # 0: finished jobs are kept
    read_connections: int = 4  # the API's reads: their own pool, as many reading at once
    notifications: NotificationSettings = field(default_factory=NotificationSettings)


@dataclass
class Core:
    """What both the API and a worker need: storage, clouds, and a job runner."""

    engine: Engine
    sessions: sessionmaker[Session]
    sites: SiteRepository
    connections: ConnectionRepository
    jobs: JobRepository
    clouds: Clouds
    runner: JobRunner
    executor: futurist.ThreadPoolExecutor
    subscriptions: SubscriptionRepository
    dispatcher: Dispatcher  # every process (API, worker) sends webhooks
    context: JobContext  # what tasks are given
    destinations: Destinations  # where callbacks may go: checked when given and when sent
    purge: PeriodicPurge | None = None  # with a job retention

    def close(self) -> None:
        if self.purge is not None:
            self.purge.stop()
        self.dispatcher.stop()
        self.executor.shutdown()
        self.engine.dispose()


def build_core(settings: Settings) -> Core:
    engine = db.make_engine(settings.database_url, database_timeouts(settings.jobboard))
    sessions = db.make_session_factory(engine)
    sites, connections, jobs = (
        SiteRepository(sessions),
        ConnectionRepository(sessions),
        JobRepository(sessions),
    )
    clouds = Clouds(
        settings.clouds_file,
        retry_policy=settings.cloud_retries,
        facts_max_age=settings.site_facts_max_age,
    )
    secret_box = SecretBox(load_or_create_key(settings.secret_key_file))
    destinations = Destinations.allowing(settings.notifications.allowed_networks)
    context = JobContext(
        connections=connections,
        sites=sites,
        clouds=clouds,
        secret_box=secret_box,
        settings=settings.planning,
        configs=ConfigRepository(sessions),
        delivery=ConfigDelivery(
            attempts=settings.standby.callback_attempts,
            backoff=settings.standby.callback_backoff,
            timeout=settings.standby.callback_timeout,
            destinations=destinations,
        ),
        sessions=sessions,
    )
    # One pool for every flow of the process: a pool per flow costs ~1 s a flow.
    executor = futurist.ThreadPoolExecutor(max_workers=settings.task_threads)
    runner = JobRunner(
        jobs=jobs,
        context=context,
        backend=make_backend(engine),
        executor=executor,
        name=settings.worker_name,
    )
    dispatcher = Dispatcher(
        DeliveryQueue(sessions), secret_box, settings.notifications, destinations
    )
    dispatcher.start()
    subscriptions = SubscriptionRepository(sessions, secret_box)
    purge = None
    if settings.job_retention_days:
        purge = PeriodicPurge(jobs, runner.backend, settings.job_retention_days)
        purge.start()
    return Core(
        engine,
        sessions,
        sites,
        connections,
        jobs,
        clouds,
        runner,
        executor,
        subscriptions,
        dispatcher,
        context,
        destinations,
        purge,
    )


def zookeeper_client(settings: JobBoardSettings) -> KazooClient:
    return make_client(list(settings.hosts), settings.session_timeout)


@dataclass
class Application:
    """The API process: core, the board it posts to, and the services routes call."""

    core: Core
    board: JobBoard
    embedded: EmbeddedRunner | None
    site_service: SiteService
    connection_service: ConnectionService
    job_graphs: JobGraphs
    reads: Reads  # the GETs of connections and jobs, on their own pool
    zookeeper: KazooClient | None = None
    auditor: Auditor | None = None  # started with the API (create_app's lifespan)
    failover: Periodic | None = None  # the leases' watch, started with the API too

    @property
    def engine(self) -> Engine:
        return self.core.engine

    @property
    def sites(self) -> SiteRepository:
        return self.core.sites

    @property
    def connections(self) -> ConnectionRepository:
        return self.core.connections

    @property
    def jobs(self) -> JobRepository:
        return self.core.jobs

    @property
    def subscriptions(self) -> SubscriptionRepository:
        return self.core.subscriptions

    @property
    def destinations(self) -> Destinations:
        return self.core.destinations

    def close(self) -> None:
        if self.failover is not None:
            self.failover.stop()
        if self.auditor is not None:
            self.auditor.stop()
        if self.embedded is not None:
            self.embedded.stop()
        if self.zookeeper is not None:
            self.zookeeper.stop()
            self.zookeeper.close()
        self.reads.close()
        self.core.close()


def build(settings: Settings) -> Application:
    core = build_core(settings)
    board: JobBoard
    embedded = None
    client = None
    if settings.jobboard.backend == "zookeeper":
        client = zookeeper_client(settings.jobboard)
        zk_board = make_board(core.runner.name, client, settings.jobboard.path, core.runner.backend)
        zk_board.connect(timeout=settings.jobboard.session_timeout)
        board = ZookeeperPoster(zk_board, core.runner)
    else:
        embedded = EmbeddedRunner(core.runner, core.jobs, max_jobs=settings.jobboard.embedded_jobs)
        board = embedded
    connection_service = ConnectionService(
        core.connections,
        core.jobs,
        core.sites,
        core.clouds,
        board,
        configs=core.context.configs,
        standby=settings.standby,
        destinations=core.destinations,
        preflight=Preflight(core.context.driver, core.connections, settings.planning),
    )
    return Application(
        core=core,
        board=board,
        embedded=embedded,
        site_service=SiteService(core.sites, core.jobs, core.clouds, board),
        connection_service=connection_service,
        job_graphs=JobGraphs(core.runner),
        reads=Reads(settings.database_url, settings.read_connections),
        zookeeper=client,
        failover=Periodic("failover", connection_service.fail_over_expired, FAILOVER_TICK),
        auditor=(
            Auditor(core.context, settings.standby.audit_intervals())
            if settings.standby.audit
            else None
        ),
    )


@dataclass
class Worker:
    core: Core
    conductor: Conductor
    zookeeper: KazooClient

    def close(self) -> None:
        self.conductor.close()
        self.zookeeper.stop()
        self.zookeeper.close()
        self.core.close()


def build_worker(settings: Settings) -> Worker:
    core = build_core(settings)
    client = zookeeper_client(settings.jobboard)
    board = make_board(core.runner.name, client, settings.jobboard.path, core.runner.backend)
    board.connect(timeout=settings.jobboard.session_timeout)
    conductor = Conductor(core.runner, board, client, persistence=core.runner.backend)
    return Worker(core, conductor, client)
