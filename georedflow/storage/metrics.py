"""Jobs and connections by state, as Prometheus gauges read from the database at scrape time."""

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from georedflow.storage.models import Connection, Job


class StateCollector(Collector):
    """Jobs by kind and state, connections by state and technology, from the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def collect(self) -> Iterable[GaugeMetricFamily]:
        jobs = GaugeMetricFamily(
            "georedflow_jobs", "Jobs by kind and state.", labels=["kind", "state"]
        )
        connections = GaugeMetricFamily(
            "georedflow_connections",
            "Connections by state and technology.",
            labels=["state", "technology"],
        )
        with self._sessions() as session:
            for kind, state, count in session.execute(
                select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
            ):
                jobs.add_metric([kind, state], count)
            for state, technology, count in session.execute(
                select(Connection.state, Connection.technology, func.count()).group_by(
                    Connection.state, Connection.technology
                )
            ):
                connections.add_metric([state, technology], count)
        yield jobs
        yield connections
