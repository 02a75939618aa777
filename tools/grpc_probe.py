#!/usr/bin/python3
"""An independent (non-.NET) check of a running suite, using only Debian's python3-grpcio.

For each service: grpc.health.v1.Health/Check must answer SERVING, server reflection must list its
inclusion.*.v1 services, and a call without a token must be refused with UNAUTHENTICATED.
Messages are encoded by hand from the public .proto definitions, so nothing is generated or shared with .NET.

    /usr/bin/python3 tools/grpc_probe.py [host]   (Debian: apt-get install python3-grpcio)
"""
import sys

import grpc

SERVICES = {5101: "referrals", 5102: "meetings", 5103: "placements", 5104: "reporting"}
# One RPC per service that needs a token; an empty request message is valid protobuf.
GUARDED = {
    5101: "/inclusion.referrals.v1.Schools/ListSchools",
    5102: "/inclusion.meetings.v1.PanelSittings/ListPanelSittings",
    5103: "/inclusion.placements.v1.Providers/GetProvider",
    5104: "/inclusion.reporting.v1.ExclusionPreventionReports/GetExclusionPreventionSummary",
}
SERVING = 1


def read_varint(data, pos):
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def fields(data):
    """Yields (field number, value) for varint and length-delimited fields."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 2:
            length, pos = read_varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        else:
            raise ValueError(f"unexpected wire type {wire}")
        yield number, value


def identity(x):
    return x


def check(host, port):
    name = SERVICES[port]
    channel = grpc.insecure_channel(f"{host}:{port}")
    health = channel.unary_unary("/grpc.health.v1.Health/Check", identity, identity)
    status = dict(fields(health(b"", timeout=5))).get(1, 0)
    if status != SERVING:
        return f"{name}: health status {status}, expected SERVING"

    reflect = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", identity, identity)
    # ServerReflectionRequest { list_services = 7: "" }
    listed = []
    for response in reflect(iter([b"\x3a\x00"]), timeout=5):
        for number, value in fields(response):
            if number == 6:  # list_services_response { repeated ServiceResponse service = 1 { string name = 1 } }
                listed += [dict(fields(service))[1].decode() for n, service in fields(value) if n == 1]
    ours = [s for s in listed if s.startswith(f"inclusion.{name}.v1.")]
    if not ours:
        return f"{name}: reflection listed {listed}, none in inclusion.{name}.v1"

    try:
        channel.unary_unary(GUARDED[port], identity, identity)(b"", timeout=5)
        return f"{name}: {GUARDED[port]} answered without a token"
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.UNAUTHENTICATED:
            return f"{name}: without a token got {error.code()}, expected UNAUTHENTICATED"
    print(f"{name} ({host}:{port}): SERVING; reflection lists {', '.join(ours)}; no token -> UNAUTHENTICATED")
    return None


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    problems = [p for p in (check(host, port) for port in SERVICES) if p]
    for problem in problems:
        print("FAIL", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
