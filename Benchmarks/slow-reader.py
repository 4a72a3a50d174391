#!/usr/bin/env python3
"""Slow readers: numa stops reading responses for STALL seconds while it keeps sending.

For any kind with a stream (stream_drivers.py says how each is driven): the client sends
requests as fast as the server takes them and reads nothing for STALL seconds, while the
server's resident memory (its worker processes included) is sampled every 0.25 s. Then it stops
sending, ends its input as numa would, reads everything, and checks that every request sent was
answered once and correctly. What bounds the server is its in-flight limit
(ServerConfiguration.maxConcurrentRequests, 512), its outbound queue and HTTP/2 flow control:
once they are full, the server stops reading and the client's writes wait.

usage: Benchmarks/slow-reader.py SERVER_BINARY KIND [--mode M] [--payload BYTES] [--stall SECONDS]
                                  [--samples] [--source-lines N] [-- SERVER_ARGUMENTS...]
KIND: map, mapstream, batchmap, transformer, sink, source, slow-source, reduce, reducestream,
session, accumulator. Prints one JSON line; exit status 1 if a request was lost or answered
wrongly. Needs pynumaflow==0.14.0 for its generated stubs (installed if missing).
"""
import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from numa_streams import split_server_arguments
from runtime_env import runtime_env
from stream_drivers import SOCKETS, driver  # installs pynumaflow (and grpcio) if missing

import grpc  # noqa: E402


def tree(pid):
    pids = [pid]
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{thread}/children") as f:
                pids += [int(p) for p in f.read().split()]
    except FileNotFoundError:
        pass
    return pids


def rss_kib(pid):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (FileNotFoundError, StopIteration):
            pass
    return total


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("kind", choices=SOCKETS)
    parser.add_argument("--mode", default="async")
    parser.add_argument("--payload", type=int, default=100)
    parser.add_argument("--stall", type=float, default=10)
    parser.add_argument("--samples", action="store_true", help="also print (seconds, requests taken, RSS KiB) samples")
    parser.add_argument("--source-lines", type=int, default=0,
                        help="source: a file of this many lines of PAYLOAD bytes, given to the server as --file")
    own, extra = split_server_arguments(sys.argv[1:])
    args = parser.parse_args(own)
    args.server_arguments = list(extra)

    run = tempfile.mkdtemp(prefix="slow-reader-")
    source_file = os.path.join(run, "lines.txt")
    if args.kind == "slow-source":
        open(source_file, "wb").close()
        args.server_arguments += ["--file", source_file]
    elif args.source_lines:
        with open(source_file, "wb") as f:
            for n in range(args.source_lines):
                f.write(f"line{n}:".encode().ljust(args.payload - 1, b"x") + b"\n")
        args.server_arguments += ["--file", source_file]
    env = dict(os.environ, NUMAFLOW_SWIFT_RUN_DIR=run, NUMAFLOW_CPU_LIMIT="2", **runtime_env())
    server = subprocess.Popen([os.path.abspath(args.binary), *args.server_arguments, "--mode", args.mode], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        socket_name, info = SOCKETS[args.kind]
        socket = os.path.join(run, socket_name)
        while not (os.path.exists(os.path.join(run, info)) and os.path.exists(socket)):
            if server.poll() is not None:
                raise SystemExit("the server did not start")
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        idle = rss_kib(server.pid)

        channel = grpc.aio.insecure_channel(f"unix://{socket}", options=[
            ("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20),
            # numa reads only as fast as it forwards; without this, grpc-python widens the window.
            ("grpc.http2.bdp_probe", 0)])
        stop, streams = asyncio.Event(), driver(args.kind, args.payload, source_file)
        streams.start(channel, stop)

        peak, samples, start = idle, [], time.monotonic()
        while time.monotonic() - start < args.stall:
            await asyncio.sleep(0.25)
            now = rss_kib(server.pid)
            peak = max(peak, now)
            samples.append((round(time.monotonic() - start, 2), streams.taken(), now))
        sent_in_stall = streams.taken()
        stop.set()

        answered, missing, problems = await streams.finish()
        await channel.close()
        # Taken during the last 5 s of the stall: the server no longer takes requests it cannot answer.
        late = [s for s in samples if s[0] >= args.stall - 5]
        result = {
            "kind": args.kind, "mode": args.mode, "payload": args.payload, "stall_seconds": args.stall,
            "binary": os.path.basename(args.binary), "server_arguments": extra,
            "requests_sent_in_stall": sent_in_stall,
            "requests_taken_in_last_5_s_of_stall": late[-1][1] - late[0][1] if late else None,
            "idle_rss_mib": round(idle / 1024, 1), "peak_rss_mib_in_stall": round(peak / 1024, 1),
            "answered": answered, "unanswered": missing, "problems": problems[:5],
        }
        if args.samples:
            result["samples"] = samples[::4]
        if hasattr(streams, "records"):
            result["records_read"] = streams.records
        print(json.dumps(result))
        return 1 if problems or missing else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
