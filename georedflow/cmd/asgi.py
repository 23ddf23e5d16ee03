"""georedflow's API as an ASGI application, for any ASGI server, with georedflow.conf.

    uvicorn georedflow.cmd.asgi:application --host 0.0.0.0 --port 9797
    hypercorn 'georedflow.cmd.asgi:create_application()'

The configuration file is ``$GEOREDFLOW_CONFIG_FILE``, else oslo.config's usual
places (``/etc/georedflow/georedflow.conf``, ``~/.georedflow/``...). The server, not
georedflow, binds the socket, so ``[api] bind_host`` should say where it binds: noauth
is refused unless it is a loopback address, as ``georedflow-api`` refuses it.
"""

import atexit
import os
from typing import Any

from fastapi import FastAPI

from georedflow.cmd import config as cmd_config
from georedflow.cmd.api import build_api

CONFIG_FILE_ENV = "GEOREDFLOW_CONFIG_FILE"


def create_application() -> FastAPI:
    """A new app, configured as ``georedflow-api`` would be (its jobs resume on start)."""
    path = os.environ.get(CONFIG_FILE_ENV)
    config = cmd_config.load(["--config-file", path] if path else [], "georedflow-asgi")
    cmd_config.setup_logging(config)
    app, application = build_api(config)
    # The server owns the process; its exit closes what georedflow-api closes after serving.
    atexit.register(application.close)
    return app


_APPLICATION: FastAPI | None = None


def __getattr__(name: str) -> Any:
    """``application``, built on first use: importing the module builds nothing."""
    global _APPLICATION
    if name != "application":
        raise AttributeError(name)
    if _APPLICATION is None:
        _APPLICATION = create_application()
    return _APPLICATION
