"""Job and stage status as plain Python objects (the raw protobuf message stays at hand as
``raw``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Optional

from kiln.v1 import job_pb2

FINAL_STATES = ("succeeded", "failed", "cancelled", "timed_out")


def state_name(value: int) -> str:
    """``JOB_STATE_TIMED_OUT`` -> ``timed_out``: the names the ``kiln`` command prints."""
    return job_pb2.JobState.Name(value).removeprefix("JOB_STATE_").lower()


def state_value(name: str) -> int:
    """``timed_out`` -> ``JOB_STATE_TIMED_OUT``; a ValueError names the accepted states."""
    try:
        return job_pb2.JobState.Value("JOB_STATE_" + name.upper())
    except ValueError:
        raise ValueError(
            f"unknown job state {name!r}: expected one of queued, running, " + ", ".join(FINAL_STATES)
        ) from None


def _time(ms: int) -> Optional[datetime.datetime]:
    if ms == 0:
        return None
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)


@dataclass(frozen=True)
class StageStatus:
    """One stage of a job: its tasks' progress and output."""

    stage_id: int
    state: str
    tasks_total: int
    tasks_succeeded: int
    tasks_running: int
    task_failures: int
    rows_out: int
    bytes_out: int

    @classmethod
    def from_proto(cls, stage: job_pb2.StageStatus) -> "StageStatus":
        return cls(
            stage_id=stage.stage_id,
            state=job_pb2.StageState.Name(stage.state).removeprefix("STAGE_STATE_").lower(),
            tasks_total=stage.tasks_total,
            tasks_succeeded=stage.tasks_succeeded,
            tasks_running=stage.tasks_running,
            task_failures=stage.task_failures,
            rows_out=stage.rows_out,
            bytes_out=stage.bytes_out,
        )


@dataclass(frozen=True)
class JobStatus:
    """A job as the leading coordinator sees it."""

    job_id: str
    name: str
    #: queued, running, succeeded, failed, cancelled or timed_out.
    state: str
    #: Why it failed, was cancelled or timed out; empty otherwise.
    error: str
    labels: dict
    submitted_at: Optional[datetime.datetime]
    started_at: Optional[datetime.datetime]
    ended_at: Optional[datetime.datetime]
    stages: list
    #: Records its log, CSV and JSON sources read, and how many were bad.
    records_read: int
    bad_records: int
    #: Rows of its result, once it succeeded (0 for a job with a sink).
    result_rows: int
    raw: job_pb2.JobStatus = field(repr=False, compare=False)

    @classmethod
    def from_proto(cls, status: job_pb2.JobStatus) -> "JobStatus":
        return cls(
            job_id=status.job_id,
            name=status.name,
            state=state_name(status.state),
            error=status.error,
            labels=dict(status.labels),
            submitted_at=_time(status.submitted_at_ms),
            started_at=_time(status.started_at_ms),
            ended_at=_time(status.ended_at_ms),
            stages=[StageStatus.from_proto(s) for s in status.stages],
            records_read=status.records_read,
            bad_records=status.bad_records,
            result_rows=status.result.rows,
            raw=status,
        )

    @property
    def finished(self) -> bool:
        """Whether the job has ended, one way or another."""
        return self.state in FINAL_STATES

    @property
    def succeeded(self) -> bool:
        return self.state == "succeeded"

    @property
    def duration(self) -> Optional[datetime.timedelta]:
        """From submission to the end, once it ended."""
        if self.submitted_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.submitted_at

    @property
    def tasks_done(self) -> tuple:
        """(tasks succeeded, tasks in all) over every stage, for a progress bar."""
        return (
            sum(s.tasks_succeeded for s in self.stages),
            sum(s.tasks_total for s in self.stages),
        )


@dataclass(frozen=True)
class TaskAttempt:
    """One attempt of one task: where and when it ran, how it ended, what it logged."""

    stage_id: int
    partition: int
    attempt: int
    executor_id: str
    #: running, succeeded, failed, killed or lost.
    state: str
    started_at: Optional[datetime.datetime]
    ended_at: Optional[datetime.datetime]
    rows_out: int
    bytes_out: int
    error: str
    log: list

    @classmethod
    def from_proto(cls, attempt: job_pb2.TaskAttemptStatus) -> "TaskAttempt":
        return cls(
            stage_id=attempt.stage_id,
            partition=attempt.partition,
            attempt=attempt.attempt,
            executor_id=attempt.executor_id,
            state=job_pb2.TaskAttemptState.Name(attempt.state)
            .removeprefix("TASK_ATTEMPT_STATE_")
            .lower(),
            started_at=_time(attempt.started_at_ms),
            ended_at=_time(attempt.ended_at_ms),
            rows_out=attempt.rows_out,
            bytes_out=attempt.bytes_out,
            error=attempt.error,
            log=list(attempt.log),
        )
