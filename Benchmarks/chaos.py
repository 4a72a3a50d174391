#!/usr/bin/env python3
"""Chaos in multiprocess mode: SIGKILL a random worker under steady load, over and over.

Each cycle starts the server (--mode multiprocess, NUMAFLOW_CPU_LIMIT workers) in a run
directory of its own, drives one MapFn (or SourceTransformFn) stream as numa does (WINDOW requests in flight, each
with an id and a payload that names it; a SinkFn stream in batches of SINK_BATCH and their
EOTs, the next batch only once the last is answered), and after a random 0.2 to 2 s of load kills one
worker with SIGKILL. The SDK's contract, checked every cycle:

- every response answers a request that was sent, once, with that request's payload (a sink's:
  with SUCCESS);
- the stream ends with a UDF failure (INTERNAL, UDF_EXECUTION_ERROR) that names the requests
  the dead worker held, none of which was answered; what was neither answered nor named is
  what numa re-reads after the restart, as for any unanswered message;
- the server exits non-zero within the grace period, writes its runtime error file, and
  leaves no worker process behind (a hang is a stream or a server still up after 30 s).

The server runs to the same outcome whatever the timing: Kubernetes restarts the container.
A cycle is one such restart, so the run is minutes of a pod being killed every few seconds.

usage: Benchmarks/chaos.py SERVER_BINARY [--kind map|transformer|sink] [--minutes M] [--workers N]
                          [--payload BYTES] [--seed S] [--logs DIR] [-- SERVER_ARGUMENTS...]
needs pynumaflow==0.14.0 for its generated map stubs (pip installs it if missing)
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from runtime_env import runtime_env
from numa_streams import KINDS, split_server_arguments  # installs pynumaflow (and grpcio) if missing

import grpc  # noqa: E402
from pynumaflow.proto.sinker import sink_pb2, sink_pb2_grpc  # noqa: E402


WINDOW = 200
SINK_BATCH = 100


def _echoed(response, sent):
    """A map or transformer response: its id, and whether it echoes that request's payload."""
    return [(response.id, [r.value for r in response.results] == [sent.get(response.id)])]


def _sink_answers(response, sent):
    return [(r.id, r.status == sink_pb2.Status.SUCCESS) for r in response.results]


# The map kinds of numa_streams, and a sink driven in batches of SINK_BATCH as numa drives one.
CHAOS_KINDS = {name: dict(kind, answers=_echoed) for name, kind in KINDS.items()}
CHAOS_KINDS["sink"] = dict(
    socket="sink.sock", info="sinker-server-info", stub=lambda ch: sink_pb2_grpc.SinkStub(ch).SinkFn,
    handshake=lambda: sink_pb2.SinkRequest(handshake=sink_pb2.Handshake(sot=True)),
    request=lambda rid, value: sink_pb2.SinkRequest(request=sink_pb2.SinkRequest.Request(id=rid, keys=["k"],
                                                                                          value=value)),
    eot=lambda: sink_pb2.SinkRequest(status=sink_pb2.TransmissionStatus(eot=True)),
    answers=_sink_answers)
HANG = 30.0
KEEP_LOGS = None


def children(pid):
    """The pids whose parent is pid."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def descriptors(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except FileNotFoundError:
        return -1


async def cycle(number, binary, kind, server_arguments, workers, payload_size, rng):
    run = tempfile.mkdtemp(prefix="chaos-")
    env = dict(os.environ, NUMAFLOW_SWIFT_RUN_DIR=run, NUMAFLOW_CPU_LIMIT=str(workers), **runtime_env())
    log = open(os.path.join(run, "server.log"), "wb")
    server = subprocess.Popen([binary, *server_arguments, "--mode", "multiprocess"], env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    result = {"cycle": number, "sent": 0, "answered": 0, "named": 0, "redriven": 0, "problems": []}
    try:
        socket = os.path.join(run, kind["socket"])
        deadline = time.monotonic() + 20
        while not (os.path.exists(os.path.join(run, kind["info"])) and os.path.exists(socket)):
            if time.monotonic() > deadline or server.poll() is not None:
                result["problems"].append("the server did not start")
                return result
            await asyncio.sleep(0.01)
        pool = []
        while len(pool) < workers and time.monotonic() < deadline:
            pool = children(server.pid)
            await asyncio.sleep(0.01)

        sent, answered, problems = {}, set(), result["problems"]
        in_flight = asyncio.Semaphore(WINDOW)

        batch_answered = asyncio.Event()

        async def requests():
            yield kind["handshake"]()
            n = 0
            while True:
                if "eot" in kind and n and n % SINK_BATCH == 0:
                    # numa's sink: a batch, its EOT, then nothing until the batch is answered.
                    yield kind["eot"]()
                    await batch_answered.wait()
                    batch_answered.clear()
                await in_flight.acquire()
                rid = f"{number}-{n}"
                value = (rid + ":").encode().ljust(payload_size, b"x")
                sent[rid] = value
                n += 1
                yield kind["request"](rid, value)

        channel = grpc.aio.insecure_channel(f"unix://{socket}")
        call = kind["stub"](channel)(requests())
        status_details, killed_at, fds = None, None, []

        async def killer():
            nonlocal killed_at
            await asyncio.sleep(rng.uniform(0.2, 2.0))
            fds.append(descriptors(server.pid))
            victim = rng.choice(pool)
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()

        kill_task = asyncio.create_task(killer())
        try:
            async with asyncio.timeout(HANG + 2.2):
                async for response in call:
                    if response.HasField("handshake"):
                        continue
                    if "eot" in kind and response.HasField("status") and response.status.eot:
                        batch_answered.set()
                        continue
                    for rid, right in kind["answers"](response, sent):
                        if rid not in sent:
                            problems.append(f"a response for {rid}, never sent")
                        elif rid in answered:
                            problems.append(f"{rid} answered twice")
                        elif not right:
                            problems.append(f"{rid} answered wrongly")
                        answered.add(rid)
                        in_flight.release()
            problems.append("the stream ended with OK after a worker was killed")
        except grpc.aio.AioRpcError as error:
            status_details = f"{error.code().name}: {error.details()}"
            if error.code() != grpc.StatusCode.INTERNAL or "UDF_EXECUTION_ERROR" not in (error.details() or ""):
                status_details += f" ({error.debug_error_string()})"
        except TimeoutError:
            problems.append("hang: the stream was still open 30 s after the kill")
        await kill_task
        batch_answered.set()  # a sink's request generator may wait for it: let it finish
        call.cancel()
        await channel.close()

        named = set(re.findall(r"'(\d+-\d+)'", status_details or ""))
        if status_details is not None and "SendMessageOperation" in status_details:
            # grpc-python's own race: a send after the server ended the stream is reported in
            # place of the server's status, which is then unknown to this client.
            result["status_lost_by_client"] = True
        elif status_details is not None and not (
                status_details.startswith("INTERNAL: UDF_EXECUTION_ERROR") and "worker process" in status_details):
            problems.append(f"the stream failed with something else: {status_details[:200]}")
        if named & answered:
            problems.append(f"named as held by the dead worker but answered: {sorted(named & answered)[:3]}")
        if named - sent.keys():
            problems.append(f"named but never sent: {sorted(named - sent.keys())[:3]}")

        try:
            code = server.wait(timeout=HANG)
            exit_seconds = time.monotonic() - killed_at
        except subprocess.TimeoutExpired:
            problems.append("hang: the server was still running 30 s after the kill")
            server.kill()
            code, exit_seconds = server.wait(), None
        if code == 0:
            problems.append("the server exited 0 after losing a worker")
        leftovers = [pid for pid in pool if alive(pid)]
        if leftovers:
            problems.append(f"worker processes left behind: {leftovers}")
            for pid in leftovers:
                os.kill(pid, signal.SIGKILL)
        runtime = os.path.join(run, "runtime")
        if not (os.path.isdir(runtime) and os.listdir(runtime)):
            problems.append("no runtime error file")

        result.update(sent=len(sent), answered=len(answered), named=len(named),
                      redriven=len(sent) - len(answered), exit_seconds=exit_seconds, exit_code=code,
                      descriptors_at_kill=fds[0] if fds else None)
        return result
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
        result["log_bytes"] = os.path.getsize(os.path.join(run, "server.log"))
        if result["problems"] or KEEP_LOGS:
            kept = os.path.join(KEEP_LOGS or tempfile.gettempdir(), f"chaos-cycle-{number}.log")
            shutil.copy(os.path.join(run, "server.log"), kept)
            if result["problems"]:
                result["problems"].append(f"server log kept in {kept}")
        shutil.rmtree(run, ignore_errors=True)


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--kind", choices=["map", "transformer", "sink"], default="map")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--payload", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--logs", help="keep every cycle's server log in this folder")
    own, extra = split_server_arguments(sys.argv[1:])
    args = parser.parse_args(own)
    global KEEP_LOGS
    KEEP_LOGS = args.logs
    if KEEP_LOGS:
        os.makedirs(KEEP_LOGS, exist_ok=True)
    rng = random.Random(args.seed)
    end = time.monotonic() + args.minutes * 60
    results = []
    while time.monotonic() < end:
        result = await cycle(len(results), os.path.abspath(args.binary), CHAOS_KINDS[args.kind], extra, args.workers,
                             args.payload, rng)
        results.append(result)
        for problem in result["problems"]:
            print(f"cycle {result['cycle']}: {problem}", file=sys.stderr)
    exits = sorted(r["exit_seconds"] for r in results if r.get("exit_seconds") is not None)
    summary = {
        "kind": args.kind,
        "cycles": len(results),
        "workers": args.workers,
        "payload": args.payload,
        "requests_sent": sum(r["sent"] for r in results),
        "answered": sum(r["answered"] for r in results),
        "named_in_failures": sum(r["named"] for r in results),
        "unanswered_redriven_by_numa": sum(r["redriven"] for r in results),
        "cycles_with_problems": sum(1 for r in results if r["problems"]),
        "cycles_whose_status_the_client_lost": sum(1 for r in results if r.get("status_lost_by_client")),
        "hangs": sum(1 for r in results for p in r["problems"] if p.startswith("hang")),
        "exit_after_kill_seconds_median": exits[len(exits) // 2] if exits else None,
        "exit_after_kill_seconds_max": exits[-1] if exits else None,
        "descriptors_at_kill_max": max((r.get("descriptors_at_kill") or 0) for r in results),
        "server_log_bytes_max": max(r.get("log_bytes", 0) for r in results),
    }
    print(json.dumps(summary))
    return 1 if summary["cycles_with_problems"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
