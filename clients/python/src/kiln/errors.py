"""The exceptions the SDK raises: one base class, and one subclass per thing a caller may
want to handle differently."""

from __future__ import annotations

from typing import TYPE_CHECKING

import grpc

if TYPE_CHECKING:
    from kiln.status import JobStatus


class KilnError(Exception):
    """Anything that went wrong talking to Kiln."""


class ConnectionFailed(KilnError):
    """No coordinator answered (wrong address, cluster down, or an election that outlasted
    the retries)."""


class Unauthenticated(KilnError):
    """The coordinator refused the token (or its absence): set ``token`` or ``KILN_TOKEN``."""


class InvalidJob(KilnError):
    """The cluster rejected the job at submit; the message names the file, line or field."""


class NotFound(KilnError):
    """No such job (or table, crawler...): the id is wrong, or it left the history."""


class Timeout(KilnError):
    """``wait`` gave up before the job ended; the job goes on running."""

    def __init__(self, message: str, status: JobStatus):
        super().__init__(message)
        self.status = status


class JobNotSucceeded(KilnError):
    """The job ended without succeeding; ``status`` holds its final state and error."""

    def __init__(self, status: JobStatus):
        super().__init__(f"job {status.job_id} ({status.name}) {status.state}: {status.error}")
        self.status = status

    @property
    def job_id(self) -> str:
        return self.status.job_id

    @property
    def error(self) -> str:
        return self.status.error


class JobFailed(JobNotSucceeded):
    """The job failed: a task failed past its retries, or a sink could not commit."""


class JobCancelled(JobNotSucceeded):
    """The job was cancelled."""


class JobTimedOut(JobNotSucceeded):
    """The job ran past its timeout."""


def from_rpc(error: grpc.RpcError, doing: str) -> KilnError:
    """The SDK exception for a failed gRPC call made while ``doing`` something."""
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    message = f"{doing}: {details}"
    kind = {
        grpc.StatusCode.UNAVAILABLE: ConnectionFailed,
        grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
        grpc.StatusCode.PERMISSION_DENIED: Unauthenticated,
        grpc.StatusCode.INVALID_ARGUMENT: InvalidJob,
        grpc.StatusCode.FAILED_PRECONDITION: InvalidJob,
        grpc.StatusCode.NOT_FOUND: NotFound,
    }.get(code, KilnError)
    return kind(message)
