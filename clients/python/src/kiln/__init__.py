"""Kiln's Python SDK: submit jobs to a Kiln cluster, follow and cancel them, and read their
results as Arrow.

>>> import kiln
>>> client = kiln.connect("http://127.0.0.1:50050")                      # doctest: +SKIP
>>> job_id = client.submit("jobs/examples/sales_by_region/job.toml")      # doctest: +SKIP
>>> for status in client.watch(job_id):                                  # doctest: +SKIP
...     print(status.state, status.tasks_done)
>>> table = client.results(job_id)                                       # doctest: +SKIP
"""

from kiln.client import Client, connect
from kiln.errors import (
    ConnectionFailed,
    InvalidJob,
    JobCancelled,
    JobFailed,
    JobNotSucceeded,
    JobTimedOut,
    KilnError,
    NotFound,
    Timeout,
    Unauthenticated,
)
from kiln.status import JobStatus, StageStatus, TaskAttempt

__all__ = [
    "Client",
    "connect",
    "JobStatus",
    "StageStatus",
    "TaskAttempt",
    "KilnError",
    "ConnectionFailed",
    "Unauthenticated",
    "InvalidJob",
    "NotFound",
    "Timeout",
    "JobNotSucceeded",
    "JobFailed",
    "JobCancelled",
    "JobTimedOut",
]
