"""The embedded runner: runs jobs in the API process, resuming unfinished ones at start-up.

Each job is one TaskFlow flow run by a parallel engine with its progress saved
in a logbook (named by the job id) in georedflow's database. A process killed
mid-flow loses nothing: on the next start the flow is reloaded from its
factory and its logbook and continues from the last completed task.
"""

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent import futures
from datetime import UTC, datetime
from typing import Any

import taskflow.engines
from taskflow import exceptions as tf_exc
from taskflow import states, task
from taskflow.flow import Flow
from taskflow.persistence import models as tf_models
from taskflow.persistence.backends.impl_sqlalchemy import SQLAlchemyBackend
from taskflow.types import notifier
from taskflow.utils import persistence_utils as p_utils

from georedflow import logs, metrics
from georedflow.flows.factories import FACTORIES
from georedflow.jobs.context import JobContext
from georedflow.jobs.fencing import Fence, Fenced, FencedBackend
from georedflow.roles import ROLES
from georedflow.states import JOB_FINISHED, JobState, TaskState
from georedflow.storage.jobs import JobRepository
from georedflow.storage.models import Job
from georedflow.tasks.base import StoreKey

LOG = logging.getLogger(__name__)

# Task states as the job shows them.
_TASK_STATES = {
    states.RUNNING: TaskState.RUNNING,
    states.SUCCESS: TaskState.SUCCESS,
    states.FAILURE: TaskState.FAILURE,
    states.REVERTING: TaskState.REVERTING,
    states.REVERTED: TaskState.REVERTED,
    states.REVERT_FAILURE: TaskState.REVERT_FAILURE,
}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def tasks_of(engine: Any) -> list[task.Task]:
    """Every task of the engine's flow, nested flows included."""
    engine.compile()
    graph = engine.compilation.execution_graph
    return [node for node in graph.nodes if isinstance(node, task.Task)]


def task_names(engine: Any) -> list[str]:
    return [each.name for each in tasks_of(engine)]


def mark_never_ran(engine: Any) -> None:
    """For a connection's create job: tell each task whether it may have run before.

    A task still PENDING in the logbook when an attempt begins never started (TaskFlow
    saves RUNNING before it executes one). In the job that first builds a connection,
    nothing such a task makes can exist yet: its creates skip the find that a resumed
    task needs (``SiteTask.ran_before``); when no task had started, the attempt is the
    job's first and every answer comes from it (``SiteTask.first_attempt``). Not in any
    later job: a repair builds on what exists, and an activation may follow one whose
    revert left something behind.
    """
    atoms = tasks_of(engine)
    found = engine.storage.get_atoms_states([atom.name for atom in atoms])
    first_attempt = all(state == states.PENDING for state, _ in found.values())
    for atom in atoms:
        atom.ran_before = found[atom.name][0] != states.PENDING
        atom.first_attempt = first_attempt


def role_of(task_name: str) -> str | None:
    for role in ROLES:
        if task_name.endswith(f"-{role}"):
            return role
    return None


class JobRunner:
    """Runs one job's flow to its end; shared by the embedded runner and workers."""

    def __init__(
        self,
        *,
        jobs: JobRepository,
        context: JobContext,
        backend: SQLAlchemyBackend,
        executor: futures.Executor,
        name: str | None = None,
    ) -> None:
        self._jobs = jobs
        self._context = context
        self.backend = backend
        self._executor = executor  # one per process: a per-flow pool costs ~1 s a flow
        self.name = name or worker_name()

    def _factory_args(self, job: Job) -> tuple[Callable[..., Flow], list[Any], dict[str, Any]]:
        """The job's flow factory, its arguments and persisted store, fixed at first run."""
        if not job.connection_id:
            return FACTORIES[job.kind], [], {"site_id": job.site_id}
        connection = self._context.connections.get(job.connection_id)
        tech, mode = connection.technology, connection.mode
        store: dict[str, Any] = {"connection_id": connection.id}
        match job.kind:
            case "create" if mode == "cold" and not connection.options.get("prebuild"):
                return FACTORIES["reserve"], [tech], store
            case "create":
                return FACTORIES["create"], [tech, mode], store
            case "activate":
                # The state it had before the job: where a failed activation returns.
                return FACTORIES["activate"], [tech, mode, connection.state], store
            case "repair":
                store[StoreKey.KEEP_ON_REVERT] = True
                return FACTORIES["repair"], [tech, mode, connection.state], store
            case _:
                return FACTORIES[job.kind], [tech], store

    def flow_factory(self, job: Job) -> tuple[Callable[..., Flow], list[Any]]:
        """The factory and arguments a first run of ``job`` would build its flow with."""
        factory, args, _store = self._factory_args(job)
        return factory, args

    def _book(self, job_id: str) -> Any:
        with contextlib.closing(self.backend.get_connection()) as conn:
            try:
                return conn.get_logbook(job_id)
            except tf_exc.NotFound:
                return None

    def prepare(self, job_id: str) -> Any:
        """Save the job's logbook with its flow's factory, so any runner can load it."""
        job = self._jobs.get(job_id)
        book = self._book(job.id)
        if book is not None and len(book):
            return book
        factory, args, store = self._factory_args(job)
        flow = factory(*args)
        book = tf_models.LogBook(f"job-{job.id}", uuid=job.id)
        flow_detail = p_utils.create_flow_detail(flow, book=book, backend=self.backend)
        flow_detail.meta.update({"store": store})
        taskflow.engines.save_factory_details(flow_detail, factory, args, {}, backend=self.backend)

    def _engine(self, job: Job, fence: Fence | None) -> Any:
        self.prepare(job.id)
        flow_detail = next(iter(self._book(job.id)))
        return taskflow.engines.load_from_detail(
            flow_detail,
            store=flow_detail.meta.get("store", {}),
            backend=self.backend if fence is None else FencedBackend(self.backend, fence),
            engine="parallel",
            executor=logs.ContextExecutor(self._executor),
        )

    def run(
        self,
        job_id: str,
        should_stop: Callable[[], bool] | None = None,
        fence: Fence | None = None,
    ) -> str:
        """Run (or resume) the job's flow; returns SUCCEEDED, FAILED or SUSPENDED.

        ``should_stop`` is asked at every engine transition; when it answers yes the
        engine is suspended after its in-flight tasks, and the job is left for another
        runner to resume. ``fence``, when given, guards every cloud and logbook write:
        once the runner has lost the job it writes nothing more, not even the outcome.
        """
        job = self._jobs.get(job_id)
        if job.state in JOB_FINISHED:
            return job.state
        check = fence.check if fence is not None else None
        try:
            attempt = self._jobs.start_attempt(job.id, self.name, logbook_id=job.id, check=check)
        except Fenced:
            return "SUSPENDED"
        jobs = self._jobs
        if fence is not None:
            fence.attempt = attempt  # the token every later write of this attempt must hold
            jobs = self._jobs.guarded(fence.guard)
        LOG.info("job %s (%s): attempt %d on %s", job.id, job.kind, attempt, self.name)
        metrics.CLAIMS.inc()
        if attempt > 1:
            metrics.RESUMES.inc()
        started = time.perf_counter()
        sites = self._context.sites_of(job)
        with logs.job_context(job.id, job.connection_id, sites, job.request_id):
            try:
                outcome = self._attempt(job, jobs, should_stop, fence)
            except Fenced:
                outcome = "SUSPENDED"
            if outcome == "SUSPENDED" and fence is not None and fence.lost:
                LOG.warning("job %s: left to its new owner", job.id)
        metrics.JOB_SECONDS.labels(job.kind, outcome).observe(time.perf_counter() - started)
        return outcome

    def _attempt(
        self,
        job: Job,
        jobs: JobRepository,
        should_stop: Callable[[], bool] | None,
        fence: Fence | None,
    ) -> str:
        """One attempt; ``jobs`` writes the job's rows (fenced when ``fence`` is)."""
        if job.kind == "delete" and self._context.connections.find(job.connection_id) is None:
            # The previous attempt got as far as forgetting the connection.
            jobs.finish(job.id, JobState.SUCCEEDED)
            return JobState.SUCCEEDED
        recorder = TaskRecorder(jobs, job.id, self.name)
        engine = None
        try:
            engine = self._engine(job, fence)
            store, sites = self._context.for_job(job, fence)
            engine.storage.inject(store, transient=True)
            names = task_names(engine)
            jobs.plan_tasks(job.id, [(name, sites.get(role_of(name) or "")) for name in names])
            engine.prepare()  # the logbook holds every task from here on
            self._reconcile(jobs, job.id, engine, names)
            if job.kind == "create":
                mark_never_ran(engine)
            engine.atom_notifier.register(notifier.Notifier.ANY, recorder)
            suspending = False
            for _state in engine.run_iter():
                if not suspending and should_stop is not None and should_stop():
                    LOG.warning("job %s: suspending on %s", job.id, self.name)
                    engine.suspend()
                    suspending = True
        except Exception as error:
            if fence is not None and fence.lost:
                return "SUSPENDED"
            task_name, message = recorder.first_failure or (None, str(error))
            # Reverted, and nothing noted as left behind: only then is it rolled back.
            rolled_back = (
                engine is not None
                and engine.storage.get_flow_state() == states.REVERTED
                and not (
                    job.connection_id and self._context.connections.leftovers(job.connection_id)
                )
            )
            if engine is not None:
                self._reconcile(jobs, job.id, engine, task_names(engine))
            jobs.finish(
                job.id,
                JobState.FAILED,
                {"message": message, "task": task_name, "rolled_back": rolled_back},
            )
            LOG.warning("job %s failed in %s: %s", job.id, task_name, message)
            return JobState.FAILED
        if engine.storage.get_flow_state() == states.SUSPENDED:
            return "SUSPENDED"
        self._reconcile(jobs, job.id, engine, names)
        jobs.finish(job.id, JobState.SUCCEEDED)
        LOG.info("job %s succeeded", job.id)
        return JobState.SUCCEEDED

    def _reconcile(self, jobs: JobRepository, job_id: str, engine: Any, names: list[str]) -> None:
        """Correct the task rows from the logbook (see ``JobRepository.reconcile_tasks``)."""
        atoms = engine.storage.get_atoms_states(names)
        shown = {
            name: _TASK_STATES[state]
            for name, (state, _intention) in atoms.items()
            if state in _TASK_STATES
        }
        corrected = jobs.reconcile_tasks(job_id, shown, self.name, datetime.now(UTC))
        if corrected:
            LOG.info("job %s: task rows corrected from the logbook: %s", job_id, corrected)


class TaskRecorder:
    """Copies each task transition of a running flow into the job's task rows."""

    def __init__(self, jobs: JobRepository, job_id: str, worker: str) -> None:
        self._jobs = jobs
        self._job_id = job_id
        self._worker = worker
        self.first_failure: tuple[str, str] | None = None
        self._started: dict[str, float] = {}

    def __call__(self, state: str, details: dict[str, Any]) -> None:
        shown = _TASK_STATES.get(state)
        if shown is None:
            return
        name = details["task_name"]
        if state == states.RUNNING:
            self._started[name] = time.perf_counter()
        elif name in self._started and state in (states.SUCCESS, states.FAILURE):
            metrics.TASK_SECONDS.labels(name.rsplit("-", 1)[0], shown).observe(
                time.perf_counter() - self._started.pop(name)
            )
        error = None
        result = details.get("result")
        if state in (states.FAILURE, states.REVERT_FAILURE) and result is not None:
            error = getattr(result, "exception_str", None) or str(result)
            if self.first_failure is None:
                self.first_failure = (name, error)
        LOG.info("job %s: %s %s on %s", self._job_id, name, shown, self._worker)
        try:
            self._jobs.task_changed(
                self._job_id, name, shown, datetime.now(UTC), worker=self._worker, error=error
            )
        except Fenced:
            LOG.info("job %s: %s %s not recorded: the job is lost", self._job_id, name, shown)


class EmbeddedRunner:
    """The default job board: a thread pool in the API process."""

    def __init__(self, runner: JobRunner, jobs: JobRepository, max_jobs: int = 4) -> None:
        self._runner = runner
        self._jobs = jobs
        self._pool = futures.ThreadPoolExecutor(max_jobs, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._running: set[str] = set()

    def post(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._running:
                return
            self._running.add(job_id)
        self._pool.submit(self._run, job_id)

    def _run(self, job_id: str) -> None:
        try:
            self._runner.run(job_id)
        except Exception:
            LOG.exception("job %s: the runner itself failed", job_id)
        finally:
            with self._lock:
                self._running.discard(job_id)

    def resume_unfinished(self) -> int:
        """Post every job a previous process left QUEUED or RUNNING."""
        unfinished = self._jobs.unfinished()
        for job in unfinished:
            self.post(job.id)
        if unfinished:
            LOG.info("resuming %d unfinished job(s)", len(unfinished))
        return len(unfinished)

    def stop(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)
