"""georedflow-worker: claims jobs from the ZooKeeper job board and runs them.

SIGTERM (or Ctrl-C) stops gracefully: the running flow is suspended once its
in-flight tasks finish and the job is abandoned for another worker to resume.
On SIGKILL the claim vanishes with the ZooKeeper session and another worker
takes the job over.
"""

import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

import prometheus_client

from georedflow.cmd import config as cmd_config
from georedflow.wiring import build_worker

LOG = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    config = cmd_config.load(argv, "georedflow-worker")
    cmd_config.setup_logging(config)
    if config.jobboard.backend != "zookeeper":
        print(
            "georedflow-worker: [jobboard] backend is 'embedded', so georedflow-api runs "
            "the jobs itself and there is nothing for a worker to do. Set "
            "[jobboard] backend = zookeeper (and hosts) to run jobs on workers.",
            file=sys.stderr,
        )
        return 2
    worker = build_worker(cmd_config.wiring_settings(config))
    if config.worker.metrics_port:
        prometheus_client.start_http_server(
            config.worker.metrics_port, addr=config.worker.metrics_host
        )

    def stop(signum: int, _frame: FrameType | None) -> None:
        LOG.info("signal %d: finishing in-flight tasks, then abandoning the job", signum)
        worker.conductor.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    LOG.info("worker %s: waiting for jobs on %s", worker.core.runner.name, config.jobboard.hosts)
    try:
        worker.conductor.run()
        worker.conductor.wait()
    finally:
        worker.close()
    LOG.info("worker %s stopped", worker.core.runner.name)
    return 0
