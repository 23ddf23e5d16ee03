"""Run one lab server (inside the lab venv): ``python lab/serve.py KIND NAME INSTANCE_DIR``.

KIND is ``keystone`` or ``neutron``; INSTANCE_DIR holds ``instance.json``
(written by ``python3 -m lab up``), the config files under ``etc/`` and the
SQLite database. On first start the instance is initialised (Keystone:
db_sync, fernet/credential keys, bootstrap; Neutron: schema from the models)
and ``.initialized`` is written. Then the WSGI application is served with
wsgiref in threads, serialised by one lock (SQLite), Neutron wrapped in the
fault/latency middleware.
"""

import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
import wsgiref.simple_server

# Run as a script, sys.path[0] is lab/ itself: replace it with the repository
# root so that `lab.*` imports work and lab/*.py never shadow other modules.
_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)
_ROOT = os.path.dirname(_HERE)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)


def log(msg):
    sys.stderr.write(f"lab-serve[{os.getpid()}] {time.strftime('%H:%M:%S')} {msg}\n")
    sys.stderr.flush()


class ThreadingWSGIServer(socketserver.ThreadingMixIn, wsgiref.simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):
        if os.environ.get("LAB_ACCESS_LOG"):
            super().log_message(format, *args)

    def get_environ(self):
        # The connection's socket, so that the fault middleware can close it
        # without an answer ("drop" and "lost" faults).
        from lab.middleware import SOCKET_KEY

        environ = super().get_environ()
        environ[SOCKET_KEY] = self.connection
        return environ


def serialised(app, lock):
    """Run each request (including producing its body) under one lock."""

    def locked_app(environ, start_response):
        with lock:
            result = app(environ, start_response)
            try:
                body = [chunk for chunk in result]
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return body

    return locked_app


# -- SQLite ------------------------------------------------------------------
def tune_sqlite():
    """Make the servers' SQLite cheap: the lab's data may be lost, its time may not.

    * Keep connections: oslo.db gives file databases a ``NullPool`` (a new SQLite
      connection, and its PRAGMAs, for every session: several per request). Requests
      run one at a time (one lock), so SQLAlchemy's own ``QueuePool`` is safe.
    * ``synchronous = OFF``: no fsync per commit (a crash of the machine may lose the
      last writes; a crash of a server loses nothing, SQLite still writes them).
    * ``journal_mode = WAL``: a commit appends to one log instead of writing and
      deleting a rollback journal (a property of the file: set once per connection).
    * oslo.db calls ``time.sleep(0)`` at every connection check-in so that eventlet
      green threads may run. The lab has no green threads and runs one request at a
      time (one lock), and on a busy machine each sleep(0) hands the CPU to another
      process: hundreds of times per Keystone token validation. Skip it.
    """
    import sqlite3

    import sqlalchemy
    from oslo_db.sqlalchemy import engines

    create_engine = sqlalchemy.create_engine

    def pooled(url, **engine_args):
        if engine_args.get("poolclass") is sqlalchemy.pool.NullPool and "sqlite" in str(url):
            engine_args["poolclass"] = sqlalchemy.pool.QueuePool
            engine_args["pool_pre_ping"] = False  # a file, not a server that may go away
            engine_args.setdefault("connect_args", {})["check_same_thread"] = False
        return create_engine(url, **engine_args)

    sqlalchemy.create_engine = pooled

    @sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
    def _pragmas(dbapi_connection, connection_record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("PRAGMA synchronous = OFF")
            dbapi_connection.execute("PRAGMA journal_mode = WAL")

    engines._thread_yield = lambda dbapi_connection, connection_record: None


# -- Keystone ----------------------------------------------------------------
def init_keystone(inst, conf_file):
    manage = os.path.join(os.path.dirname(sys.executable), "keystone-manage")
    base = [manage, "--config-file", conf_file]
    import grp
    import pwd

    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    for d in (inst["fernet_keys"], inst["credential_keys"]):
        os.makedirs(d, mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)  # keystone warns about world-readable key dirs
    url = inst["public_url"]
    steps = [
        ["db_sync"],
        ["fernet_setup", "--keystone-user", user, "--keystone-group", group],
        ["credential_setup", "--keystone-user", user, "--keystone-group", group],
        [
            "bootstrap",
            "--bootstrap-password",
            inst["admin_password"],
            "--bootstrap-username",
            inst["admin_user"],
            "--bootstrap-project-name",
            inst["admin_project"],
            "--bootstrap-role-name",
            "admin",
            "--bootstrap-service-name",
            "keystone",
            "--bootstrap-region-id",
            inst["region"],
            "--bootstrap-admin-url",
            url,
            "--bootstrap-internal-url",
            url,
            "--bootstrap-public-url",
            url,
        ],
    ]
    for step in steps:
        t0 = time.monotonic()
        if step[0] in ("fernet_setup", "credential_setup") and os.listdir(
            inst["fernet_keys"] if step[0] == "fernet_setup" else inst["credential_keys"]
        ):
            continue  # keys exist already (interrupted earlier initialisation)
        subprocess.run(base + step, check=True)
        log(f"keystone-manage {step[0]}: {time.monotonic() - t0:.1f} s")


def load_keystone(inst):
    etc = os.path.join(inst["dir"], "etc")
    os.environ["OS_KEYSTONE_CONFIG_DIR"] = etc
    os.environ["OS_KEYSTONE_CONFIG_FILES"] = "keystone.conf"
    if not os.path.exists(os.path.join(inst["dir"], ".initialized")):
        init_keystone(inst, os.path.join(etc, "keystone.conf"))
        _mark_initialized(inst)
    sys.argv = [sys.argv[0]]
    from keystone.server import wsgi as keystone_wsgi

    return keystone_wsgi.initialize_public_application()


# -- Neutron -----------------------------------------------------------------
def init_neutron_schema(connection):
    import sqlalchemy
    from networking_bgpvpn.neutron.db import head as _bgpvpn_head  # noqa: F401
    from networking_l2gw.db.l2gateway import l2gateway_models as _l2gw  # noqa: F401
    from networking_l2gw.db.l2gateway.ovsdb import models as _l2gw_ovsdb  # noqa: F401
    from neutron.db.migration.models import head
    from neutron_vpnaas.db.models import head as _vpnaas_head  # noqa: F401

    engine = sqlalchemy.create_engine(connection)
    metadata = head.get_metadata()
    metadata.create_all(engine)
    engine.dispose()
    log(f"neutron schema: {len(metadata.tables)} tables")


def load_neutron(inst):
    etc = os.path.join(inst["dir"], "etc")
    if not os.path.exists(os.path.join(inst["dir"], ".initialized")):
        t0 = time.monotonic()
        init_neutron_schema(inst["db_connection"])
        log("neutron schema created in %.1f s" % (time.monotonic() - t0))
        _mark_initialized(inst)
    os.environ["OS_NEUTRON_CONFIG_DIR"] = etc
    os.environ["OS_NEUTRON_CONFIG_FILES"] = "neutron.conf;ml2_conf.ini"
    sys.argv = [sys.argv[0]]
    # Without a QoS driver, bandwidth-limit rules are refused on networks:
    # register Neutron's own Open vSwitch one (no agent needed for the API).
    from neutron.services.qos.drivers.openvswitch import driver as ovs_qos

    ovs_qos.register()
    _neutron_compat()
    from neutron.wsgi import api as neutron_api

    if neutron_api.application is None:
        raise RuntimeError("neutron.wsgi.api did not build an application")
    return neutron_api.application


def _neutron_compat():
    """Small adjustments for running these exact versions without agents."""
    # neutron-vpnaas 28 builds its policy defaults from names that Neutron 29
    # moved from neutron.conf.policies.base to neutron-lib; without them its
    # policies fail to load ("Could not load 'neutron-vpnaas'") and VPN API
    # calls fall back to the generic default rule.
    # neutron.policy must be imported first: oslo.policy parses each default
    # rule when it is defined, and Neutron's custom checks ("field:",
    # "project_id:") only exist once neutron.policy is imported (otherwise
    # e.g. shared networks become invisible to non-admin users).
    import neutron.policy  # noqa: F401
    from neutron.conf.policies import base as policy_base
    from neutron_lib import policy as lib_policy
    from neutron_lib.policy import rules as lib_rules

    for source in (lib_rules, lib_policy):
        for attr in dir(source):
            if attr.isupper() and not hasattr(policy_base, attr):
                setattr(policy_base, attr, getattr(source, attr))

    # Routed networks: the segments plugin reports subnet inventories to
    # Placement/Nova from a background thread. The lab has neither, so each
    # report failed with a traceback (MissingAuthPlugin); drop them.
    from neutron.services.segments import plugin as segments_plugin

    def _no_placement(self, batched_events):
        return None

    segments_plugin.NovaSegmentNotifier._send_notifications = _no_placement


def _mark_initialized(inst):
    with open(os.path.join(inst["dir"], ".initialized"), "w") as f:
        f.write(time.strftime("%Y-%m-%dT%H:%M:%S\n"))


def main(argv):
    if len(argv) != 3 or argv[0] not in ("keystone", "neutron"):
        sys.stderr.write(__doc__)
        return 2
    kind, name, inst_dir = argv
    with open(os.path.join(inst_dir, "instance.json")) as f:
        inst = json.load(f)
    inst["dir"] = inst_dir

    def _terminate(signum, frame):
        log(f"signal {signum}: exiting")
        os._exit(0)

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)

    t0 = time.monotonic()
    log(f"starting {kind} {name} on port {inst['port']}")
    tune_sqlite()
    app = load_keystone(inst) if kind == "keystone" else load_neutron(inst)
    app = serialised(app, threading.Lock())
    if kind == "neutron":
        from lab.middleware import LabMiddleware

        app = LabMiddleware(app, name="neutron-" + name)

    server = ThreadingWSGIServer((inst["host"], inst["port"]), QuietHandler)
    server.set_app(app)
    took = time.monotonic() - t0
    log(f"{kind} {name} ready on http://{inst['host']}:{inst['port']} after {took:.1f} s")
    server.serve_forever(poll_interval=0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
