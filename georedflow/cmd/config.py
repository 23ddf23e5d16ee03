"""Parsing the configuration file and setting up logging, shared by every entry point."""

import sys
from collections.abc import Sequence

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

import georedflow
from georedflow import conf, logs
from georedflow.api.auth import KeystoneSettings, KeystoneTokens
from georedflow.clouds.retry import RetryPolicy
from georedflow.conf.keystone import SERVICE_AUTH
from georedflow.conf.settings import from_group
from georedflow.notifications.destinations import parse_networks
from georedflow.notifications.settings import NotificationSettings
from georedflow.planning.settings import PlanningSettings
from georedflow.standby import StandbySettings
from georedflow.wiring import JobBoardSettings, Settings


def load(argv: Sequence[str] | None, prog: str, cli_opts: Sequence[cfg.Opt] = ()) -> cfg.ConfigOpts:
    """A fresh ConfigOpts with every georedflow option, parsed from ``argv``."""
    config = cfg.ConfigOpts()
    conf.register_opts(config)
    config.register_cli_opts(list(cli_opts))
    config(
        list(sys.argv[1:] if argv is None else argv),
        project="georedflow",
        prog=prog,
        version=georedflow.__version__,
        default_config_files=[],
    )
    return config


def setup_logging(config: cfg.ConfigOpts) -> None:
    logs.setup(config, georedflow.__version__)


def wiring_settings(config: cfg.ConfigOpts) -> Settings:
    planning = config.planning
    allowed_networks = tuple(config.notifications.allowed_networks)
    try:
        parse_networks(allowed_networks)
    except ValueError as error:
        raise SystemExit(f"georedflow: {error}") from None
    return Settings(
        database_url=config.database.connection,
        job_retention_days=config.database.job_retention_days,
        read_connections=config.api.read_connections,
        secret_key_file=planning.secret_key_file,
        clouds_file=config.clouds.config_file,
        cloud_retries=RetryPolicy(
            retries=config.clouds.retries, max_delay=config.clouds.retry_max_delay
        ),
        site_facts_max_age=config.clouds.site_facts_max_age,
        planning=from_group(PlanningSettings, planning),
        jobboard=from_group(JobBoardSettings, config.jobboard),
        worker_name=config.worker.name,
        standby=from_group(StandbySettings, config.standby),
        notifications=from_group(
            NotificationSettings, config.notifications, allowed_networks=allowed_networks
        ),
    )


def keystone_tokens(config: cfg.ConfigOpts) -> KeystoneTokens | None:
    """The token validator for auth_strategy = keystone; None for noauth."""
    if config.api.auth_strategy != "keystone":
        return None
    group = config.keystone
    # Any keystoneauth plugin in [service_auth]; else [keystone]'s user and password.
    service_user = ks_loading.load_auth_from_conf_options(config, SERVICE_AUTH)
    if service_user is not None:
        auth_url = group.auth_url or getattr(config[SERVICE_AUTH], "auth_url", None)
        missing = [] if auth_url else ["auth_url"]
    else:
        auth_url = group.auth_url
        missing = [name for name in ("auth_url", "username", "password") if not group[name]]
    if missing:
        raise SystemExit(
            "georedflow: [api] auth_strategy = keystone needs [keystone] "
            + ", ".join(missing)
            + " (or a service user in [service_auth]: auth_type and its options)"
        )
    return KeystoneTokens(
        KeystoneSettings(
            auth_url=str(auth_url),  # checked above
            username=group.username or "",
            password=group.password or "",
            project_name=group.project_name,
            user_domain_name=group.user_domain_name,
            project_domain_name=group.project_domain_name,
            token_cache_seconds=group.token_cache_seconds,
        ),
        service_user=service_user,
    )
