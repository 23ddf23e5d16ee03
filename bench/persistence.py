"""TaskFlow persistence cost per task: in memory, TaskFlow's SQL backend, georedflow's.

    .venv/bin/python -m bench.persistence [--url postgresql+psycopg://postgres@127.0.0.1/postgres]

Runs linear flows of no-op tasks on TaskFlow's parallel engine and prints milliseconds
per task and its ratio to in-memory persistence and to TaskFlow's SQL backend.
A throwaway database is created on the server and dropped afterwards.
"""

import argparse
import secrets
import time

import futurist
import taskflow.engines
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from taskflow import task
from taskflow.patterns import linear_flow
from taskflow.persistence.backends.impl_memory import MemoryBackend
from taskflow.persistence.backends.impl_sqlalchemy import SQLAlchemyBackend

from georedflow.jobs.persistence import make_backend, upgrade
from georedflow.storage.db import make_engine


class Noop(task.Task):  # type: ignore[misc]
    def execute(self) -> None:
        return None


def ms_per_task(
    backend: object, executor: futurist.ThreadPoolExecutor, tasks: int, flows: int
) -> float:
    started = time.perf_counter()
    for _ in range(flows):
        flow = linear_flow.Flow("f").add(*[Noop(name=f"t{i}") for i in range(tasks)])
        taskflow.engines.load(flow, backend=backend, engine="parallel", executor=executor).run()
    return (time.perf_counter() - started) / (tasks * flows) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--flows", type=int, default=20)
    args = parser.parse_args()
    name = f"georedflow_bench_{secrets.token_hex(4)}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(args.url).set(database=name).render_as_string(False))
    try:
        upgrade(engine)
        with futurist.ThreadPoolExecutor(4) as executor:
            figures = {
                "memory": ms_per_task(MemoryBackend(), executor, args.tasks, args.flows),
                "taskflow sql": ms_per_task(
                    SQLAlchemyBackend({"connection": "-"}, engine=engine),
                    executor,
                    args.tasks,
                    args.flows,
                ),
                "georedflow sql (cached tables)": ms_per_task(
                    make_backend(engine), executor, args.tasks, args.flows
                ),
            }
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    memory, base = figures["memory"], figures["taskflow sql"]
    for label, value in figures.items():
        print(
            f"{label:32s} {value:7.2f} ms/task   {value / memory:5.2f} x memory"
            f"   {value / base:5.2f} x taskflow sql"
        )


if __name__ == "__main__":
    main()
