"""georedflow lab: real Keystone + Neutron API servers on 127.0.0.1.

Control it from the repository root with any python3 (standard library only):

    python3 -m lab up        # install (first time), initialise, start, write clouds.yaml
    python3 -m lab status    # exit 0 when every server answers
    python3 -m lab env       # export OS_CLIENT_CONFIG_FILE=...
    python3 -m lab down      # stop what `up` started

This module holds the shared constants; it must stay importable without any
third-party package (it is imported both by the control CLI, by the test
helpers in ``lab.client`` and by the servers running inside the lab venv).
"""

import os

LAB_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(LAB_PACKAGE_DIR)

HOST = "127.0.0.1"


def _port(base):
    """A lab port: ``base`` plus $GEOREDFLOW_LAB_PORT_OFFSET, so two labs can run side by side."""
    return base + int(os.environ.get("GEOREDFLOW_LAB_PORT_OFFSET", "0") or 0)


ADMIN_USER = "admin"
ADMIN_PASSWORD = "labpass"
ADMIN_PROJECT = "admin"
ADMIN_ROLE = "admin"
EXTRA_ROLES = ("member", "reader")
DEFAULT_DOMAIN = "Default"

# Keystones: name -> port, and the regions each one has.
KEYSTONES = {
    "a": {"port": _port(15000), "regions": ["RegionOne", "RegionTwo"]},
    "b": {"port": _port(15001), "regions": ["RegionOne"]},
}

# Neutrons: name -> port, the Keystone it is registered in, region and the
# external network created on first start.
NEUTRONS = {
    "east": {
        "port": _port(19696),
        "keystone": "a",
        "region": "RegionOne",
        "public_cidr": "172.24.4.0/24",
    },
    "west": {
        "port": _port(19697),
        "keystone": "a",
        "region": "RegionTwo",
        "public_cidr": "172.24.5.0/24",
    },
    "far": {
        "port": _port(19698),
        "keystone": "b",
        "region": "RegionOne",
        "public_cidr": "172.24.6.0/24",
    },
}

# clouds.yaml entries: cloud name -> (keystone, region)
CLOUDS = {
    "lab-east": ("a", "RegionOne"),
    "lab-west": ("a", "RegionTwo"),
    "lab-far": ("b", "RegionOne"),
}

PUBLIC_NETWORK = "public"
PUBLIC_PHYSNET = "external"


def keystone_url(name):
    return f"http://{HOST}:{KEYSTONES[name]['port']}"


def neutron_url(name):
    return f"http://{HOST}:{NEUTRONS[name]['port']}"


def state_dir():
    """The lab state directory ($GEOREDFLOW_LAB_DIR, default <repo>/.lab)."""
    path = os.environ.get("GEOREDFLOW_LAB_DIR", "").strip()
    if not path:
        path = os.path.join(REPO_ROOT, ".lab")
    return os.path.abspath(os.path.expanduser(path))


def clouds_yaml_path():
    return os.path.join(state_dir(), "clouds.yaml")


def venv_dir():
    """The lab's virtualenv ($GEOREDFLOW_LAB_VENV, default <state dir>/venv): labs may share one."""
    path = os.environ.get("GEOREDFLOW_LAB_VENV", "").strip()
    if not path:
        path = os.path.join(state_dir(), "venv")
    return os.path.abspath(os.path.expanduser(path))


def venv_python():
    return os.path.join(venv_dir(), "bin", "python")


def servers():
    """Every server as (server_name, kind, short_name, port), start order."""
    result = []
    for name, spec in KEYSTONES.items():
        result.append(("keystone-" + name, "keystone", name, spec["port"]))
    for name, spec in NEUTRONS.items():
        result.append(("neutron-" + name, "neutron", name, spec["port"]))
    return result
