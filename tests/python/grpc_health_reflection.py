"""Asks Kiln coordinators what grpcurl and Kubernetes' gRPC probes ask, with gRPC's own
Python packages (grpcio-health-checking, grpcio-reflection) and no Kiln .proto file.

Reads a JSON request on stdin: {"coordinators": ["host:port", ...], "token": "..."}.
Writes JSON on stdout: per coordinator, the health of "" and of each service named in
"services", the services reflection lists, and the answer of JobService.GetVersion called
through descriptors fetched by reflection.
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

request = json.load(sys.stdin)
metadata = [("authorization", f"Bearer {request['token']}")]


class WithToken(grpc.UnaryUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds the bearer token to reflection's calls, as grpcurl's -H does."""

    def _with_token(self, details):
        return details._replace(metadata=list(details.metadata or []) + metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)


def health(channel, service):
    """The status the health service reports, without a token (probes carry none)."""
    stub = health_pb2_grpc.HealthStub(channel)
    try:
        answer = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)
    except grpc.RpcError as error:
        return error.code().name


def unauthenticated_reflection(channel):
    """What reflection answers a caller with no token."""
    try:
        ProtoReflectionDescriptorDatabase(channel).get_services()
        return "OK"
    except grpc.RpcError as error:
        return error.code().name


out = {}
for address in request["coordinators"]:
    channel = grpc.insecure_channel(address)
    statuses = {name: health(channel, name) for name in [""] + request["services"]}
    refused = unauthenticated_reflection(channel)
    authed = grpc.intercept_channel(channel, WithToken())
    database = ProtoReflectionDescriptorDatabase(authed)
    services = sorted(database.get_services())
    pool = descriptor_pool.DescriptorPool(database)
    method = pool.FindMethodByName("kiln.v1.JobService.GetVersion")
    call = channel.unary_unary(
        f"/{method.containing_service.full_name}/{method.name}",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=message_factory.GetMessageClass(method.output_type).FromString,
    )
    answer = call(message_factory.GetMessageClass(method.input_type)(), metadata=metadata, timeout=10)
    out[address] = {
        "health": statuses,
        "reflection_without_token": refused,
        "services": services,
        "version": json_format.MessageToDict(answer, preserving_proto_field_name=True),
    }
json.dump(out, sys.stdout)
