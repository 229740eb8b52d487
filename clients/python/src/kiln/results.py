"""Reading a succeeded job's result over Arrow Flight: from the executors that hold its
partitions, or through the coordinator (its Flight SQL endpoint) for clients outside the
cluster's network."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pyarrow as pa
import pyarrow.flight as flight
from google.protobuf import any_pb2

from kiln import errors
from kiln.v1 import job_pb2

if TYPE_CHECKING:
    from kiln.client import Client
    from kiln.status import JobStatus

# Flight SQL's TicketStatementQuery (field 1: the statement handle), packed in an Any as
# Flight SQL servers expect their tickets.
_TICKET_STATEMENT_QUERY = "type.googleapis.com/arrow.flight.protocol.sql.TicketStatementQuery"


def _bytes_field(number: int, value: bytes) -> bytes:
    """One length-delimited protobuf field."""
    length = len(value)
    varint = bytearray()
    while True:
        byte = length & 0x7F
        length >>= 7
        varint.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes([number << 3 | 2]) + bytes(varint) + value


def coordinator_ticket(job_id: str, partition=None) -> bytes:
    """The ticket the coordinator serves a job's result (or one partition of it) for."""
    handle = job_pb2.ResultTicket(job_id=job_id)
    if partition is not None:
        handle.partition = partition
    packed = any_pb2.Any(
        type_url=_TICKET_STATEMENT_QUERY,
        value=_bytes_field(1, handle.SerializeToString()),
    )
    return packed.SerializeToString()


def _location(url: str) -> str:
    """``http://host:port`` -> ``grpc+tcp://host:port`` (and https -> grpc+tls)."""
    for scheme, flight_scheme in (("http://", "grpc+tcp://"), ("https://", "grpc+tls://")):
        if url.startswith(scheme):
            return flight_scheme + url[len(scheme):].rstrip("/")
    return url


class ResultReader:
    """Reads results by a route: ``auto``, ``direct`` or ``coordinator``."""

    def __init__(self, client: "Client", route: str):
        self._client = client
        self._route = route
        # Once an executor could not be reached, auto reads through the coordinator.
        self._executors_unreachable = False
        self._flight = {}

    def _options(self) -> flight.FlightCallOptions:
        token = self._client._token
        headers = [(b"authorization", f"Bearer {token}".encode())] if token else []
        return flight.FlightCallOptions(headers=headers)

    def _flight_client(self, url: str) -> flight.FlightClient:
        if url not in self._flight:
            kwargs = {"tls_root_certs": self._client._ca} if self._client._ca else {}
            self._flight[url] = flight.FlightClient(_location(url), **kwargs)
        return self._flight[url]

    def table(self, status: "JobStatus") -> pa.Table:
        """The whole result, partition after partition."""
        partitions = status.raw.result.partitions
        if not partitions:
            # No partition to read the columns from: the coordinator's stream of the whole
            # result starts with the schema.
            return self._through_coordinator(status.job_id, None).read_all()
        tables = [self._open(status.job_id, i, p).read_all() for i, p in enumerate(partitions)]
        return pa.concat_tables(tables)

    def batches(self, status: "JobStatus") -> Iterator[pa.RecordBatch]:
        """The result's batches, streamed partition by partition."""
        for index, partition in enumerate(status.raw.result.partitions):
            reader = self._open(status.job_id, index, partition)
            yield from _read(reader, f"reading result partition {index} of job {status.job_id}")

    def _open(self, job_id: str, index: int, partition) -> flight.FlightStreamReader:
        """The stream of one result partition, from its executor or through the
        coordinator, as the route says."""
        through_coordinator = self._route == "coordinator" or (
            self._route == "auto" and self._executors_unreachable
        )
        if not through_coordinator:
            try:
                return self._flight_client(partition.flight_endpoint).do_get(
                    flight.Ticket(partition.ticket), self._options()
                )
            except flight.FlightUnavailableError as error:
                if self._route == "direct":
                    raise errors.ConnectionFailed(
                        f"reading result partition {index} of job {job_id} from "
                        f"{partition.flight_endpoint}: {error}"
                    ) from None
                self._executors_unreachable = True
            except flight.FlightError as error:
                raise _flight_error(
                    error, f"reading result partition {index} of job {job_id}"
                ) from None
        return self._through_coordinator(job_id, index)

    def _through_coordinator(self, job_id: str, index) -> flight.FlightStreamReader:
        try:
            return self._flight_client(self._client.url).do_get(
                flight.Ticket(coordinator_ticket(job_id, index)), self._options()
            )
        except flight.FlightError as error:
            raise _flight_error(error, f"reading the result of job {job_id} through the coordinator") from None


def _read(reader, doing: str) -> Iterator[pa.RecordBatch]:
    try:
        for chunk in reader:
            yield chunk.data
    except flight.FlightError as error:
        raise _flight_error(error, doing) from None


def _flight_error(error: flight.FlightError, doing: str) -> errors.KilnError:
    kind = {
        flight.FlightUnavailableError: errors.ConnectionFailed,
        flight.FlightUnauthenticatedError: errors.Unauthenticated,
        flight.FlightUnauthorizedError: errors.Unauthenticated,
    }.get(type(error), errors.KilnError)
    return kind(f"{doing}: {error}")
