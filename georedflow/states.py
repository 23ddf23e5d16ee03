"""The states of jobs, connections and tasks, named once."""

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


JOB_FINISHED = frozenset({JobState.SUCCEEDED, JobState.FAILED})


class ConnectionState(StrEnum):
    PENDING = "PENDING"  # stored, its create job not started yet
    BUILDING = "BUILDING"
    ACTIVE = "ACTIVE"
    DEGRADED = "DEGRADED"  # built, and a site drifted from the record (findings)
    DORMANT = "DORMANT"  # a cold standby: planned and reserved, nothing built
    ACTIVATING = "ACTIVATING"
    REPAIRING = "REPAIRING"
    DELETING = "DELETING"
    ERROR = "ERROR"


# States a connection holds only while a job works on it: none outlives a failed job.
IN_PROGRESS = frozenset(
    {
        ConnectionState.PENDING,
        ConnectionState.BUILDING,
        ConnectionState.DELETING,
        ConnectionState.ACTIVATING,
        ConnectionState.REPAIRING,
    }
)
BUILT = frozenset({ConnectionState.ACTIVE, ConnectionState.DEGRADED})
# Where a primary runs that an activation can fail over from.
ACTIVATABLE = BUILT | {ConnectionState.DORMANT}


class TaskState(StrEnum):
    """A task of a job's flow, as TaskFlow names its states."""

    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    REVERTING = "REVERTING"
    REVERTED = "REVERTED"
    REVERT_FAILURE = "REVERT_FAILURE"


TASK_IN_FLIGHT = frozenset({TaskState.RUNNING, TaskState.REVERTING})
TASK_ENDED = frozenset(
    {TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVERTED, TaskState.REVERT_FAILURE}
)
