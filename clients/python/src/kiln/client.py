"""The client: a connection to a Kiln cluster's coordinators."""

from __future__ import annotations

import os
import random
import time
import uuid
from pathlib import Path
from typing import Iterator, Mapping, Optional, Union

import grpc
import pyarrow as pa
import tomli_w

from kiln import errors
from kiln.results import ResultReader
from kiln.status import JobStatus, TaskAttempt, state_value
from kiln.v1 import job_pb2, job_pb2_grpc

#: What ``submit`` takes: a job file's path, its TOML text, or the same content as a dict.
Job = Union[str, os.PathLike, Mapping]

#: How long calls retry while no coordinator answers (an election, a restart).
DEFAULT_RETRY_SECONDS = 30.0


def connect(
    url: Optional[str] = None,
    *,
    token: Optional[str] = None,
    ca_file: Optional[Union[str, os.PathLike]] = None,
    results: Optional[str] = None,
    retry_seconds: float = DEFAULT_RETRY_SECONDS,
) -> "Client":
    """Connects to a Kiln cluster, as the ``kiln`` command does.

    ``url`` names a coordinator, or several separated by commas (default: ``KILN_COORDINATOR``,
    else ``http://127.0.0.1:50050``); ``https://`` URLs use TLS, trusting ``ca_file``
    (default: ``KILN_TLS_CA_FILE``, else the system's roots). ``token`` is the cluster's
    bearer token (default: ``KILN_TOKEN``, else the file ``KILN_TOKEN_FILE`` names).
    ``results`` says where results are read from: ``auto`` (the executors, else through the
    coordinator when they cannot be reached), ``direct`` or ``coordinator`` (default:
    ``KILN_RESULTS``, else ``auto``).

    >>> import kiln
    >>> client = kiln.connect("http://127.0.0.1:50050")          # doctest: +SKIP
    >>> client.sql("SELECT 1 AS one").to_pylist()                 # doctest: +SKIP
    [{'one': 1}]
    """
    url = url or os.environ.get("KILN_COORDINATOR") or "http://127.0.0.1:50050"
    if token is None:
        token = os.environ.get("KILN_TOKEN")
        token_file = os.environ.get("KILN_TOKEN_FILE")
        if token is None and token_file:
            token = Path(token_file).read_text().strip()
    if ca_file is None:
        ca_file = os.environ.get("KILN_TLS_CA_FILE")
    results = results or os.environ.get("KILN_RESULTS") or "auto"
    if results not in ("auto", "direct", "coordinator"):
        raise ValueError(f"results: expected auto, direct or coordinator, got {results!r}")
    ca = Path(ca_file).read_bytes() if ca_file else None
    return Client(
        [u.strip() for u in url.split(",") if u.strip()],
        token=token,
        ca=ca,
        results=results,
        retry_seconds=retry_seconds,
    )


class Client:
    """A connection to a Kiln cluster. Use :func:`connect` to make one.

    Calls go to one coordinator (a standby passes them on to the leader); while none
    answers they are retried for ``retry_seconds``, on each coordinator in turn. Submissions
    carry an id, so a retried submit never starts a second job.
    """

    def __init__(
        self,
        urls: list,
        *,
        token: Optional[str],
        ca: Optional[bytes],
        results: str,
        retry_seconds: float,
    ):
        if not urls:
            raise ValueError("no coordinator URL")
        self._urls = urls
        self._token = token
        self._ca = ca
        self._retry_seconds = retry_seconds
        self._current = 0
        self._channel, self._jobs = self._open(urls[0])
        self._results = ResultReader(self, results)

    # ---- connection -----------------------------------------------------------------------

    def _open(self, url: str):
        target, secure = _target(url)
        options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        if secure:
            credentials = grpc.ssl_channel_credentials(root_certificates=self._ca)
            channel = grpc.secure_channel(target, credentials, options=options)
        else:
            channel = grpc.insecure_channel(target, options=options)
        return channel, job_pb2_grpc.JobServiceStub(channel)

    @property
    def url(self) -> str:
        """The coordinator calls go to now."""
        return self._urls[self._current]

    def _metadata(self):
        return [("authorization", f"Bearer {self._token}")] if self._token else []

    def _call(self, doing: str, call):
        """Runs ``call(stub, metadata)``, retrying while no coordinator answers."""
        deadline = time.monotonic() + self._retry_seconds
        pause = 0.1
        while True:
            try:
                return call(self._jobs, self._metadata())
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                    raise errors.from_rpc(error, f"{doing} on {self.url}") from None
            if len(self._urls) > 1:
                self._current = (self._current + 1) % len(self._urls)
                self._channel.close()
                self._channel, self._jobs = self._open(self.url)
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 2.0)

    def close(self):
        """Closes the connection."""
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    # ---- jobs -----------------------------------------------------------------------------

    def submit(self, job: Job, *, params: Optional[Mapping[str, str]] = None) -> str:
        """Submits a job and returns its id at once; the job runs on the cluster.

        ``job`` is a job file's path, its TOML text, or a dict of the same content (as
        ``{"name": "daily", "step": [{"name": "q", "sql": "SELECT 1"}]}``). ``params`` fill
        its ``${name}`` placeholders, as ``kiln run --param`` does. The coordinator parses and
        validates the job: a bad one raises :class:`~kiln.InvalidJob` naming the line or field.
        """
        request = job_pb2.SubmitRequest(
            job_file=_job_file(job, params or {}),
            request_id=str(uuid.uuid4()),
        )
        response = self._call("submitting a job", lambda s, m: s.Submit(request, metadata=m))
        return response.job_id

    def validate(self, job: Job, *, params: Optional[Mapping[str, str]] = None) -> None:
        """Checks a job as submit would (the file parses, tables resolve, the SQL plans, the
        sink fits) without running it; raises :class:`~kiln.InvalidJob` if it is bad."""
        request = job_pb2.SubmitRequest(job_file=_job_file(job, params or {}), validate_only=True)
        self._call("validating a job", lambda s, m: s.Submit(request, metadata=m))

    def get(self, job_id: str) -> JobStatus:
        """The job's status now."""
        request = job_pb2.GetJobRequest(job_id=job_id)
        return JobStatus.from_proto(
            self._call(f"getting job {job_id}", lambda s, m: s.Get(request, metadata=m))
        )

    def watch(self, job_id: str, *, timeout: Optional[float] = None) -> Iterator[JobStatus]:
        """The job's status at each change (stages starting, tasks ending), ending with its
        final status; follows the job across a leader failover. Raises
        :class:`~kiln.Timeout` when ``timeout`` seconds pass before the job ends."""
        request = job_pb2.WatchJobRequest(job_id=job_id)
        deadline = None if timeout is None else time.monotonic() + timeout
        last = None
        while True:
            remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
            stream = self._call(
                f"watching job {job_id}",
                lambda s, m: s.Watch(request, metadata=m, timeout=remaining),
            )
            try:
                for raw in stream:
                    last = JobStatus.from_proto(raw)
                    yield last
                    if last.finished:
                        return
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    status = last or self.get(job_id)
                    raise errors.Timeout(
                        f"job {job_id} still {status.state} after {timeout} s", status
                    ) from None
                if error.code() != grpc.StatusCode.UNAVAILABLE:
                    raise errors.from_rpc(error, f"watching job {job_id}") from None
            # The stream broke (a failover): the job may have ended meanwhile.
            status = self.get(job_id)
            if status.finished:
                yield status
                return

    def wait(self, job_id: str, *, timeout: Optional[float] = None) -> JobStatus:
        """Waits for the job to end and returns its final status if it succeeded.

        Raises :class:`~kiln.JobFailed`, :class:`~kiln.JobCancelled` or
        :class:`~kiln.JobTimedOut` (all :class:`~kiln.JobNotSucceeded`) otherwise, and
        :class:`~kiln.Timeout` when ``timeout`` seconds pass first (the job goes on).
        """
        status = None
        for status in self.watch(job_id, timeout=timeout):
            pass
        return _succeeded(status)

    def run(
        self,
        job: Job,
        *,
        params: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
    ) -> JobStatus:
        """Submits a job and waits for it: :meth:`submit`, then :meth:`wait`."""
        return self.wait(self.submit(job, params=params), timeout=timeout)

    def cancel(self, job_id: str) -> str:
        """Cancels the job; returns its state after the call (a job that had ended keeps
        its state)."""
        request = job_pb2.CancelJobRequest(job_id=job_id)
        response = self._call(f"cancelling job {job_id}", lambda s, m: s.Cancel(request, metadata=m))
        return job_pb2.JobState.Name(response.state).removeprefix("JOB_STATE_").lower()

    def list(
        self,
        *,
        state: Optional[str] = None,
        labels: Optional[Mapping[str, str]] = None,
        limit: int = 0,
    ) -> list:
        """The jobs the cluster knows, newest first: only those in ``state`` and with every
        one of ``labels``, when given; at most ``limit`` (0: all)."""
        return self.list_page(state=state, labels=labels, limit=limit)[0]

    def list_page(
        self,
        *,
        state: Optional[str] = None,
        labels: Optional[Mapping[str, str]] = None,
        limit: int = 0,
        page_token: Optional[str] = None,
    ) -> tuple:
        """One page of :meth:`list`: ``(jobs, next_page_token)``, the token ``None`` on the
        last page; pass it back as ``page_token`` for the next one."""
        request = job_pb2.ListJobsRequest(
            limit=limit, labels=dict(labels or {}), page_token=page_token or ""
        )
        if state is not None:
            request.state = state_value(state)
        response = self._call("listing jobs", lambda s, m: s.List(request, metadata=m))
        jobs = [JobStatus.from_proto(j) for j in response.jobs]
        return jobs, response.next_page_token or None

    def tasks(self, job_id: str, *, logs: bool = False) -> list:
        """The job's task attempts (where and when each ran, how it ended), with what each
        logged when ``logs`` is true."""
        request = job_pb2.GetTasksRequest(job_id=job_id, with_logs=logs)
        response = self._call(
            f"getting the tasks of job {job_id}", lambda s, m: s.GetTasks(request, metadata=m)
        )
        return [TaskAttempt.from_proto(a) for a in response.attempts]

    def logs(self, job_id: str) -> str:
        """What the job's task attempts logged, attempt by attempt, as ``kiln logs`` shows."""
        lines = []
        for attempt in self.tasks(job_id, logs=True):
            lines.append(
                f"== task {attempt.stage_id}.{attempt.partition} attempt {attempt.attempt} "
                f"on {attempt.executor_id}: {attempt.state} =="
            )
            lines.extend(attempt.log)
        return "\n".join(lines)

    def bookmark(self, name: str, *, files: bool = False) -> list:
        """The successful runs of incremental job ``name``, oldest first, as dicts: the job
        id, when it ended, how many files and bytes it read (each file's path, ETag and size
        when ``files`` is true) and, for each database source, the window of bookmark keys it
        read (``after``, exclusive, and ``through``). Raises :class:`NotFound` for a job
        with no run."""
        request = job_pb2.GetBookmarkRequest(name=name, with_files=files)
        response = self._call(
            f"getting the bookmark of {name}", lambda s, m: s.GetBookmark(request, metadata=m)
        )
        return [_bookmark_run(run) for run in response.runs]

    def reset_bookmark(self, name: str, *, keep_through: Optional[str] = None) -> list:
        """Forgets the runs of incremental job ``name`` after the run of job
        ``keep_through`` (every run when ``None``), so its next run reads their input again;
        returns the runs kept, as :meth:`bookmark` does. Refused while a run is under way."""
        request = job_pb2.ResetBookmarkRequest(name=name, keep_through_job_id=keep_through or "")
        response = self._call(
            f"resetting the bookmark of {name}", lambda s, m: s.ResetBookmark(request, metadata=m)
        )
        return [_bookmark_run(run) for run in response.runs]

    def version(self) -> dict:
        """The leading coordinator's release, protocol version and URL."""
        response = self._call(
            "asking the version", lambda s, m: s.GetVersion(job_pb2.GetVersionRequest(), metadata=m)
        )
        return {
            "version": response.version,
            "protocol_version": response.protocol_version,
            "leader_url": response.leader_url,
        }

    # ---- results --------------------------------------------------------------------------

    def results(self, job: Union[str, JobStatus]) -> pa.Table:
        """A succeeded job's result as a ``pyarrow.Table`` (read whole: for large results,
        iterate :meth:`result_batches`). Raises :class:`~kiln.JobNotSucceeded` for a job
        that ended otherwise."""
        return self._results.table(self._final(job))

    def result_batches(self, job: Union[str, JobStatus]) -> Iterator[pa.RecordBatch]:
        """A succeeded job's result as record batches, streamed partition by partition."""
        return self._results.batches(self._final(job))

    def sql(self, sql: str, *, name: str = "sql", timeout: Optional[float] = None) -> pa.Table:
        """Runs one SQL query as a distributed job and returns its result (catalog tables are
        ``database.table``)."""
        status = self.run({"name": name, "step": [{"name": "query", "sql": sql}]}, timeout=timeout)
        return self.results(status)

    def _final(self, job: Union[str, JobStatus]) -> JobStatus:
        status = job if isinstance(job, JobStatus) else self.get(job)
        if not status.finished:
            status = self.wait(status.job_id)
        return _succeeded(status)


def _bookmark_run(run) -> dict:
    return {
        "job_id": run.job_id,
        "ended_at_ms": run.ended_at_ms,
        "file_count": run.file_count,
        "bytes": run.bytes,
        "files": [{"path": f.path, "e_tag": f.e_tag, "size": f.size} for f in run.files],
        "windows": [
            {"source": w.source, "after": list(w.after), "through": list(w.through)}
            for w in run.windows
        ],
    }


def _succeeded(status: JobStatus) -> JobStatus:
    kind = {
        "failed": errors.JobFailed,
        "cancelled": errors.JobCancelled,
        "timed_out": errors.JobTimedOut,
    }.get(status.state)
    if kind is not None:
        raise kind(status)
    return status


def _target(url: str):
    """``http://host:port`` -> (``host:port``, TLS or not)."""
    for scheme, secure in (("http://", False), ("https://", True)):
        if url.startswith(scheme):
            return url[len(scheme):].rstrip("/"), secure
    raise ValueError(f"coordinator URL {url!r}: expected http://HOST:PORT or https://HOST:PORT")


def _job_file(job: Job, params: Mapping[str, str]) -> job_pb2.JobFile:
    """The job file the coordinator parses: relative local paths resolve against the file's
    directory, or the current one for text and dicts."""
    if isinstance(job, Mapping):
        text, origin, base = tomli_w.dumps(dict(job)), "job (dict)", Path.cwd()
    elif isinstance(job, os.PathLike) or (isinstance(job, str) and _looks_like_path(job)):
        path = Path(job).resolve()
        try:
            text = path.read_text()
        except OSError as error:
            raise errors.InvalidJob(f"{job}: {error.strerror}") from None
        origin, base = str(job), path.parent
    elif isinstance(job, str):
        text, origin, base = job, "job (TOML text)", Path.cwd()
    else:
        raise TypeError(f"a job is a path, TOML text or a dict, not {type(job).__name__}")
    return job_pb2.JobFile(
        toml=text,
        origin=origin,
        base_dir=str(base),
        params={k: str(v) for k, v in params.items()},
    )


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and "=" not in text and text.strip().endswith(".toml")
