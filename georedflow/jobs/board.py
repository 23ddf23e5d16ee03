"""What the API needs of a job board: somewhere to post a job for a runner to pick up."""

from typing import Protocol


class JobBoard(Protocol):
    def post(self, job_id: str) -> None:
        """Hand the job (already stored as QUEUED) to a runner."""
        ...
