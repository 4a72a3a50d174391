"""The UDF streams the benchmark scripts drive as numa does, over pynumaflow 0.14.0's generated
stubs (installed with pip when missing): how to dial each kind and build its requests.
Used by chaos.py and slow-reader.py."""
import subprocess
import sys

try:
    from pynumaflow.proto.mapper import map_pb2, map_pb2_grpc
    from pynumaflow.proto.sourcetransformer import transform_pb2, transform_pb2_grpc
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pynumaflow==0.14.0"], check=True)
    from pynumaflow.proto.mapper import map_pb2, map_pb2_grpc
    from pynumaflow.proto.sourcetransformer import transform_pb2, transform_pb2_grpc


def _map_request(rid, value):
    return map_pb2.MapRequest(id=rid, request=map_pb2.MapRequest.Request(keys=["k"], value=value))


def _map_handshake():
    return map_pb2.MapRequest(handshake=map_pb2.Handshake(sot=True))


# socket and server-info file in the run directory, the bidirectional call, the handshake, and
# one request with an id and a payload. `streamed`: each request is answered by its outputs,
# then an EOT response for its id (stream map).
KINDS = {
    "map": dict(socket="map.sock", info="mapper-server-info", stub=lambda ch: map_pb2_grpc.MapStub(ch).MapFn,
                handshake=_map_handshake, request=_map_request),
    "mapstream": dict(socket="mapstream.sock", info="mapper-server-info", streamed=True,
                      stub=lambda ch: map_pb2_grpc.MapStub(ch).MapFn, handshake=_map_handshake, request=_map_request),
    "transformer": dict(
        socket="sourcetransform.sock", info="sourcetransformer-server-info",
        stub=lambda ch: transform_pb2_grpc.SourceTransformStub(ch).SourceTransformFn,
        handshake=lambda: transform_pb2.SourceTransformRequest(handshake=transform_pb2.Handshake(sot=True)),
        request=lambda rid, value: transform_pb2.SourceTransformRequest(
            request=transform_pb2.SourceTransformRequest.Request(id=rid, keys=["k"], value=value)),
    ),
}


def split_server_arguments(argv):
    """(the script's own arguments, the server's arguments after `--`)."""
    if "--" not in argv:
        return argv, []
    at = argv.index("--")
    return argv[:at], argv[at + 1:]
