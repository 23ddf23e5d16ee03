"""georedflow-api: serves the HTTP API (and, on the embedded default, runs the jobs)."""

import gc
import logging
import sys
from collections.abc import Sequence

import uvicorn
from fastapi import FastAPI
from oslo_config import cfg

from georedflow.api import policy
from georedflow.api.app import create_app
from georedflow.api.binding import check_bind
from georedflow.cmd import config as cmd_config
from georedflow.exceptions import GeoredflowError
from georedflow.wiring import Application, build

LOG = logging.getLogger(__name__)


def build_api(config: cfg.ConfigOpts) -> tuple[FastAPI, Application]:
    """The ASGI app and what it serves, from a parsed configuration (logging set up).

    Raises ``GeoredflowError`` when the configuration may not be served (noauth on a
    bind address beyond loopback).
    """
    check_bind(config.api.auth_strategy, config.api.bind_host)
    policy.init(config)  # [oslo_policy] policy_file: the operator's overrides
    application = build(cmd_config.wiring_settings(config))
    app = create_app(
        application,
        max_body_bytes=config.api.max_request_body_bytes,
        tokens=cmd_config.keystone_tokens(config),
    )
    return app, application


def main(argv: Sequence[str] | None = None) -> int:
    config = cmd_config.load(argv, "georedflow-api")
    cmd_config.setup_logging(config)
    try:
        app, application = build_api(config)
    except GeoredflowError as error:
        print(f"georedflow-api: {error}", file=sys.stderr)
        return 2
    LOG.info("serving on http://%s:%s", config.api.bind_host, config.api.bind_port)
    # What exists now (modules, the app, its services: some 230,000 objects) lives as
    # long as the process: frozen out of the collector's sight, its oldest generation's
    # collections no longer walk it all again while a request waits (a list of 100
    # connections, some 10,000 new objects, cost a third more CPU for them).
    gc.collect()
    gc.freeze()
    try:
        uvicorn.run(
            app,
            host=config.api.bind_host,
            port=config.api.bind_port,
            log_level="debug" if config.debug else "info",
            log_config=None,  # uvicorn's lines go through georedflow's handler: masked, JSON
        )
    finally:
        application.close()
    return 0
