#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into Fuzz/Corpus/<target>/seed-*.

Seeds are small valid and nearly valid inputs; the fuzzer mutates from there. Inputs a fuzzer
crashed on are committed beside them as crash-* files, by hand, with the fix.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def map_request(request_id, keys, value):
    request = b"".join(field(1, k.encode()) for k in keys) + field(2, value)
    return field(1, request) + field(2, request_id.encode())


def frame(sequence, kind, payload):
    return struct.pack(">IQB", 9 + len(payload), sequence, kind) + payload


def prefixed(messages):
    return b"".join(struct.pack(">I", len(m)) + m for m in messages)


def failure(summary, details="", died=False):
    return json.dumps({"summary": summary, "details": details, "died": died}).encode()


def server_info(**fields):
    info = {
        "protocol": "uds",
        "language": "swift",
        "minimum_numaflow_version": "1.8.0-z",
        "version": "0.1.0",
        "metadata": {},
    }
    info.update(fields)
    return json.dumps(info).encode() + b"U+005C__END__"


request = map_request("0-0", ["k1"], b"hello")
seeds = {
    "worker-frames": {
        "request": b"\x40" + frame(1, 0, request),
        "two-frames": b"\x40" + frame(1, 1, b"ok") + frame(2, 2, failure("boom")),
        "shutdown": b"\x01" + frame(7, 3, b""),
        "truncated": b"\x40" + frame(3, 0, request)[:-3],
        "too-short": b"\x40" + struct.pack(">IQ", 8, 1),
        "over-limit": b"\x00" + frame(1, 0, request),
    },
    "batch-frames": {
        "one": prefixed([request]),
        "three": prefixed([request, map_request("0-1", [], b""), map_request("0-2", ["a", "b"], b"\x00\xff")]),
        "empty": b"",
        "inside-prefix": prefixed([request])[:2],
        "inside-message": prefixed([request])[:-1],
    },
    "worker-failure": {
        "handler-threw": failure("MyError.bad", "error type: MyError\nworker pid: 12"),
        "empty-summary": failure(""),
        "claims-death": failure("gone", died=True),
        "not-json": b"\xff\xfe not json",
        "empty": b"",
    },
    "side-input-value": {
        "text": b"hello",
        "json": b'{"limit": 10}',
        "not-utf8": b"\xc3\x28 broken",
        "bom": b"\xef\xbb\xbfwith a byte-order mark",
        "empty": b"",
    },
    "input-lines": {
        "example": open(os.path.join(HERE, "../Examples/map-even-odd/input.jsonl"), "rb").read(),
        "base64": b'{"value_base64": "AAEC/w==", "keys": []}\n\n',
        "both-values": b'{"value": "a", "value_base64": "YQ=="}\n',
        "bad-time": b'{"value": "a"}\n{"value": "b", "event_time": "yesterday"}\n',
        "fractional-time": b'{"value": "a", "event_time": "2026-01-01T00:00:00.123Z", "watermark": "2026-01-01T00:00:00Z"}',
        "not-json": b"{\n",
    },
    "request-heads": {
        "map-request": b"\x00" + request,
        "map-handshake": b"\x00" + field(3, b"\x08\x01"),
        "map-eot": b"\x00" + field(4, b"\x08\x01") + field(2, b""),
        "map-handshake-twice": b"\x00" + field(3, b"\x08\x01") + field(3, b""),
        "map-unknown-fields": b"\x00" + request + b"\x48\x07" + b"\x51" + bytes(8) + b"\x5d" + bytes(4),
        "map-group": b"\x00" + request + b"\x5b\x08\x01\x5c",
        "map-id-not-utf8": b"\x00" + field(2, b"\xc3\x28"),
        "map-id-as-varint": b"\x00" + b"\x10\x05",
        "transform-request": b"\x01" + field(1, field(1, b"k") + field(2, b"v") + field(6, b"t-1")),
        "transform-handshake": b"\x01" + field(2, b"\x08\x01"),
        "cut-short": b"\x00" + request[:-2],
    },
    "hand-codecs": {
        "request": b"\x00" + request,
        "request-numa": b"\x00" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x80\xe4\x97\xd0\x06")
                                          + field(4, b"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x10\xc0\x84\x3d")
                                          + field(5, field(1, b"h") + field(2, b"v"))
                                          + field(6, field(1, b"in") + field(3, field(1, b"g") + field(2, field(1, field(1, b"a") + field(2, b"b"))))))
                            + field(2, b"id-1"),
        "request-twice": b"\x00" + request + request,
        "request-handshake": b"\x00" + field(3, b"\x08\x01"),
        "response": b"\x01" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"t")) + field(2, b"id-1"),
        "response-metadata": b"\x01" + field(1, field(2, b"v") + field(4, field(3, field(1, b"g") + field(2, field(1, field(1, b"a") + field(2, b"")))))),
        "response-eot": b"\x01" + field(2, b"id-1") + field(4, b"\x08\x01"),
        "response-nack": b"\x01" + field(1, field(5, b"\x18\x05")) + field(2, b"id-1"),
        "transform-request": b"\x02" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01")
                                              + field(5, field(1, b"h")) + field(6, b"t-1") + field(7, field(1, b"in"))),
        "transform-handshake": b"\x02" + field(2, b"\x08\x01"),
        "transform-response": b"\x03" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01\x10\x02")
                                               + field(4, b"t")) + field(2, b"t-1"),
        "sink-request": b"\x04" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01") + field(5, b"s-1")
                                         + field(6, field(1, b"h") + field(2, b"v")) + field(7, field(1, b"in"))),
        "sink-eot": b"\x04" + field(2, b"\x08\x01"),
        "sink-handshake": b"\x04" + field(3, b"\x08\x01"),
        "sink-response": b"\x05" + field(1, field(1, b"s-1") + b"\x10\x01" + field(3, b"failed") + field(4, b"")
                                          + field(5, field(1, b"v") + field(2, b"k") + field(3, field(1, b"in"))))
                                  + field(1, field(1, b"s-2")),
        "sink-response-eot": b"\x05" + field(3, b"\x08\x01"),
        "reduce-request": b"\x06" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01") + field(4, b"")
                                           + field(5, field(1, b"h") + field(2, b"v")) + field(6, field(1, b"in")))
                                   + field(2, b"\x08\x04" + field(2, field(1, b"\x08\x01") + field(2, b"\x08\x3d")
                                                                  + field(3, b"slot-0"))),
        "reduce-open": b"\x06" + field(2, field(2, field(1, b"\x08\x01") + field(2, b"\x08\x3d"))),
        "reduce-response": b"\x07" + field(1, field(1, b"k") + field(2, b"3") + field(3, b"t"))
                                    + field(2, field(1, b"\x08\x01") + field(2, b"\x08\x3d")),
        "reduce-eof": b"\x07" + field(2, field(1, b"\x08\x01")) + b"\x18\x01",
        "session-request": b"\x08" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01")
                                            + field(5, field(1, b"h") + field(2, b"v")) + field(6, field(1, b"in")))
                                    + field(2, b"\x08\x04" + field(2, field(1, b"\x08\x01") + field(2, b"\x08\x3d")
                                                                   + field(3, b"slot-0") + field(4, b"k"))),
        "session-merge": b"\x08" + field(2, b"\x08\x03" + field(2, field(1, b"\x08\x01") + field(4, b"k"))
                                                      + field(2, field(2, b"\x08\x3d") + field(4, b"k"))),
        "session-response": b"\x09" + field(1, field(1, b"k") + field(2, b"3") + field(3, b"t"))
                                      + field(2, field(1, b"\x08\x01") + field(2, b"\x08\x3d") + field(4, b"k")),
        "session-eof": b"\x09" + field(2, field(4, b"k")) + b"\x18\x01",
        "accumulator-request": b"\x0a" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01")
                                                + field(5, b"a-1") + field(6, field(1, b"h") + field(2, b"v"))
                                                + field(7, field(1, b"in")))
                                        + field(2, b"\x08\x02" + field(2, field(1, b"\x08\x01") + field(4, b"k"))),
        "accumulator-close": b"\x0a" + field(2, b"\x08\x01" + field(2, field(2, b"\x08\x3d") + field(4, b"k"))),
        "accumulator-response": b"\x0b" + field(1, field(1, b"k") + field(2, b"v") + field(3, b"\x08\x01")
                                                 + field(5, b"a-1") + field(6, field(1, b"h") + field(2, b"")))
                                         + field(2, field(2, b"\x08\x3d") + field(4, b"k")) + field(3, b"t"),
        "accumulator-eof": b"\x0b" + field(2, field(4, b"k")) + b"\x20\x01",
        "read-reply": b"\x0c" + field(1, field(1, b"v") + field(2, field(1, b"7") + b"\x10\xfd\xff\xff\xff\xff\xff\xff\xff\xff\x01")
                                        + field(3, b"\x08\x80\xe4\x97\xd0\x06\x10\xc0\x84\x3d") + field(4, b"k")
                                        + field(5, field(1, b"h") + field(2, b"v"))
                                        + field(6, field(3, field(1, b"g") + field(2, field(1, field(1, b"a") + field(2, b"b"))))))
                                + field(2, b""),
        "read-reply-empty": b"\x0c" + field(1, field(2, field(1, b"o"))),
    },
    "server-info": {
        "map": b"\x00" + server_info(metadata={"MAP_MODE": "unary-map"}),
        "batch-map": b"\x00" + server_info(metadata={"MAP_MODE": "batch-map"}),
        "tcp-map": b"\x00" + server_info(protocol="tcp"),
        "tcp-sink": b"\x03" + server_info(protocol="tcp"),
        "no-marker": b"\x02" + server_info()[:-3],
        "bad-version": b"\x05" + server_info(minimum_numaflow_version="1.-1.0"),
        "unknown-type": b"\xff" + server_info(language="cobol"),
        "empty-version": b"\x0a" + server_info(minimum_numaflow_version=""),
    },
}

for target, files in seeds.items():
    folder = os.path.join(HERE, "Corpus", target)
    os.makedirs(folder, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(folder, "seed-" + name), "wb") as f:
            f.write(data)
print("wrote", sum(len(f) for f in seeds.values()), "seeds for", len(seeds), "targets")
