#!/usr/bin/env python3
"""Slow readers: numa stops reading responses for STALL seconds while it keeps sending.

For a map or stream map server (MapFn) or a source transformer (SourceTransformFn), one
stream as numa drives it: the client sends requests as fast as the server takes them and reads nothing for
STALL seconds, while the server's resident memory (its worker processes included) is sampled
every 0.25 s. Then the client stops sending, reads everything, and checks that every request
sent was answered once, with its own payload. What bounds the server is its in-flight limit
(ServerConfiguration.maxConcurrentRequests, 512) and HTTP/2 flow control: once both are full,
the server stops reading and the client's writes wait.

usage: Benchmarks/slow-reader.py SERVER_BINARY map|mapstream|transformer [--mode M] [--payload BYTES]
                                  [--stall SECONDS] [-- SERVER_ARGUMENTS...]
Prints one JSON line. Needs pynumaflow==0.14.0 for its generated stubs (installed if missing).
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

from numa_streams import KINDS, split_server_arguments  # installs pynumaflow (and grpcio) if missing

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
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--mode", default="async")
    parser.add_argument("--payload", type=int, default=100)
    parser.add_argument("--stall", type=float, default=10)
    own, extra = split_server_arguments(sys.argv[1:])
    args = parser.parse_args(own)
    args.server_arguments = extra
    kind = KINDS[args.kind]

    run = tempfile.mkdtemp(prefix="slow-reader-")
    env = dict(os.environ, NUMAFLOW_SWIFT_RUN_DIR=run, MALLOC_ARENA_MAX="2", NUMAFLOW_CPU_LIMIT="2")
    server = subprocess.Popen([os.path.abspath(args.binary), *args.server_arguments, "--mode", args.mode], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        socket = os.path.join(run, kind["socket"])
        while not (os.path.exists(os.path.join(run, kind["info"])) and os.path.exists(socket)):
            if server.poll() is not None:
                raise SystemExit("the server did not start")
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)
        idle = rss_kib(server.pid)

        sent, stop = {}, asyncio.Event()

        async def requests():
            yield kind["handshake"]()
            n = 0
            while not stop.is_set():
                rid = f"r{n}"
                value = (rid + ":").encode().ljust(args.payload, b"x")
                sent[rid] = value
                n += 1
                yield kind["request"](rid, value)
                if n % 64 == 0:
                    await asyncio.sleep(0)

        channel = grpc.aio.insecure_channel(f"unix://{socket}", options=[
            ("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20),
        # numa reads only as fast as it forwards; without this, grpc-python widens the window.
        ("grpc.http2.bdp_probe", 0)])
        call = kind["stub"](channel)(requests())

        peak, samples, start = idle, [], time.monotonic()
        while time.monotonic() - start < args.stall:
            await asyncio.sleep(0.25)
            now = rss_kib(server.pid)
            peak = max(peak, now)
            samples.append((round(time.monotonic() - start, 2), len(sent), now))
        sent_in_stall = len(sent)
        stop.set()

        answered, problems, outputs = set(), [], {}
        async with asyncio.timeout(120):
            async for response in call:
                if response.HasField("handshake"):
                    continue
                rid = response.id
                if kind.get("streamed"):
                    if not response.HasField("status") or not response.status.eot:
                        outputs.setdefault(rid, []).extend(r.value for r in response.results)
                        continue
                    results = outputs.pop(rid, [])
                else:
                    results = [r.value for r in response.results]
                if rid in answered:
                    problems.append(f"{rid} answered twice")
                elif rid not in sent or results != [sent[rid]]:
                    problems.append(f"{rid}: wrong answer")
                answered.add(rid)
                if len(answered) == len(sent):
                    break
        await channel.close()
        missing = len(sent) - len(answered)
        # Sent during the last 5 s of the stall: the server no longer takes requests it cannot answer.
        late = [s for s in samples if s[0] >= args.stall - 5]
        print(json.dumps({
            "kind": args.kind, "mode": args.mode, "payload": args.payload, "stall_seconds": args.stall,
            "requests_sent_in_stall": sent_in_stall,
            "requests_taken_in_last_5_s_of_stall": late[-1][1] - late[0][1] if late else None,
            "idle_rss_mib": round(idle / 1024, 1), "peak_rss_mib_in_stall": round(peak / 1024, 1),
            "answered": len(answered), "unanswered": missing, "problems": problems[:5],
        }))
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
