"""The real ZooKeeper server the distributed job board will use."""

import uuid

from kazoo.client import KazooClient


def test_kazoo_session_and_ephemeral_nodes(zookeeper_hosts: str) -> None:
    path = f"/georedflow-test/{uuid.uuid4().hex}"
    owner = KazooClient(hosts=zookeeper_hosts)
    watcher = KazooClient(hosts=zookeeper_hosts)
    owner.start(timeout=10)
    watcher.start(timeout=10)
    try:
        # TaskFlow's board asks for the server version through the 'envi' command.
        assert owner.server_version()[:2] >= (3, 4)
        owner.create(path, b"claim", ephemeral=True, makepath=True)
        assert watcher.get(path)[0] == b"claim"

        owner.stop()  # ends the session: the ephemeral claim must vanish with it

        assert watcher.exists(path) is None
    finally:
        owner.close()
        watcher.delete("/georedflow-test", recursive=True)
        watcher.stop()
        watcher.close()
