"""How slow-reader.py plays numa for each kind with a stream: what it sends until told to stop,
and how it checks, once it reads again, that every request was answered once and correctly.

A driver's `start(channel, stop)` opens its call(s) and sends until `stop` is set, reading
nothing; `taken()` counts the requests the server has taken so far (grpc pulls the next one
from a generator only once it could write the last); `finish()` ends the input as numa would
and reads everything, returning (answered, unanswered, problems).

Stubs: pynumaflow 0.14.0's (installed with pip when missing); the session reducer's, which
pynumaflow does not ship, are generated from this repository's Protos/ with grpcio-tools.
"""
import asyncio
import os
import subprocess
import sys
import tempfile
from collections import Counter

from numa_streams import KINDS  # installs pynumaflow (and grpcio) if missing
from google.protobuf.timestamp_pb2 import Timestamp
from pynumaflow.proto.accumulator import accumulator_pb2, accumulator_pb2_grpc
from pynumaflow.proto.mapper import map_pb2, map_pb2_grpc
from pynumaflow.proto.reducer import reduce_pb2, reduce_pb2_grpc
from pynumaflow.proto.sinker import sink_pb2, sink_pb2_grpc
from pynumaflow.proto.sourcer import source_pb2, source_pb2_grpc

BATCH = 500  # numa's readBatchSize: a batch map's or a sink's batch, a source's read
T0 = 1_700_000_000_000  # ms: event times start here


def session_stubs():
    """sessionreduce_pb2 and its grpc module, generated from Protos/ into a temporary folder."""
    try:
        from grpc_tools import protoc
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "grpcio-tools"], check=True)
        from grpc_tools import protoc
    protos = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Protos")
    out = tempfile.mkdtemp(prefix="session-stubs-")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for proto in ("metadata.proto", "sessionreduce/v1/sessionreduce.proto"):
        status = protoc.main(["protoc", f"-I{protos}", f"-I{include}", f"--python_out={out}",
                              f"--grpc_python_out={out}", proto])
        if status != 0:
            raise SystemExit(f"grpcio-tools could not compile {proto}")
    sys.path.insert(0, out)
    from sessionreduce.v1 import sessionreduce_pb2, sessionreduce_pb2_grpc
    return sessionreduce_pb2, sessionreduce_pb2_grpc


def stamp(ms):
    return Timestamp(seconds=ms // 1000, nanos=(ms % 1000) * 1_000_000)


def payload(rid, size):
    return (rid + ":").encode().ljust(size, b"x")


class Driver:
    """One bidirectional call; `requests()` yields until stop, `tail()` after it."""

    def __init__(self, size):
        self.size, self.count, self.calls = size, 0, []

    def taken(self):
        return self.count

    def start(self, channel, stop):
        self.stop = stop

        async def generate():
            # Checked before a request is made, so that every request made is sent.
            requests = self.requests()
            while not self.stop.is_set():
                request = next(requests)
                self.count += 1
                yield request
                if self.count % 64 == 0:
                    await asyncio.sleep(0)
            for request in self.tail():
                yield request

        self.calls.append(self.open(channel)(generate()))

    def tail(self):
        return []

    async def finish(self):
        problems, answered = [], 0
        for call in self.calls:
            answered += await self.read(call, problems)
        return answered, self.expected() - answered, problems

    async def read(self, call, problems, done=lambda answered, response: False):
        """Reads `call` through `take` until it ends, or until `done` (then cancels it: a stream
        numa would keep open); returns how many requests it answered."""
        answered = 0
        async with asyncio.timeout(120):
            async for response in call:
                answered += self.take(response, problems)
                if done(answered, response):
                    call.cancel()
                    break
        return answered


class MapLike(Driver):
    """map, mapstream, transformer (numa_streams.KINDS), and batchmap: an EOT after every
    BATCH requests and at the end."""

    def __init__(self, kind, size):
        super().__init__(size)
        self.kind, self.batched = KINDS["map" if kind == "batchmap" else kind], kind == "batchmap"
        self.sent, self.answered, self.outputs = {}, set(), {}

    def open(self, channel):
        return self.kind["stub"](channel)

    def requests(self):
        yield self.kind["handshake"]()
        n = 0
        while True:
            rid = f"r{n}"
            self.sent[rid] = payload(rid, self.size)
            n += 1
            yield self.kind["request"](rid, self.sent[rid])
            if self.batched and n % BATCH == 0:
                yield map_pb2.MapRequest(status=map_pb2.TransmissionStatus(eot=True))

    def tail(self):
        if self.batched:
            yield map_pb2.MapRequest(status=map_pb2.TransmissionStatus(eot=True))

    def expected(self):
        return len(self.sent)

    def take(self, response, problems):
        if response.HasField("handshake") or (self.batched and response.HasField("status")):
            return 0
        rid = response.id
        if self.kind.get("streamed"):
            if not response.HasField("status") or not response.status.eot:
                self.outputs.setdefault(rid, []).extend(r.value for r in response.results)
                return 0
            results = self.outputs.pop(rid, [])
        else:
            results = [r.value for r in response.results]
        if rid in self.answered:
            problems.append(f"{rid} answered twice")
        elif results != [self.sent.get(rid)]:
            problems.append(f"{rid}: wrong answer")
        self.answered.add(rid)
        return 1

    async def finish(self):
        # A map stream stays open until numa closes it: stop once every request is answered
        # (and, in batches, the last batch's EOT has come).
        problems = []
        answered = await self.read(self.calls[0], problems, lambda count, response: count == len(self.sent) and (
            not self.batched or response.HasField("status")))
        return answered, len(self.sent) - answered, problems


class Sink(MapLike):
    """Batches of BATCH datums, each followed by an EOT; every id answered SUCCESS once."""

    def __init__(self, size):
        Driver.__init__(self, size)
        self.sent, self.answered, self.batched = {}, set(), True

    def open(self, channel):
        return sink_pb2_grpc.SinkStub(channel).SinkFn

    def requests(self):
        yield sink_pb2.SinkRequest(handshake=sink_pb2.Handshake(sot=True))
        n = 0
        while True:
            rid = f"r{n}"
            self.sent[rid] = payload(rid, self.size)
            n += 1
            yield sink_pb2.SinkRequest(request=sink_pb2.SinkRequest.Request(
                id=rid, keys=["k"], value=self.sent[rid], event_time=stamp(T0 + n)))
            if n % BATCH == 0:
                yield sink_pb2.SinkRequest(status=sink_pb2.TransmissionStatus(eot=True))

    def tail(self):
        yield sink_pb2.SinkRequest(status=sink_pb2.TransmissionStatus(eot=True))

    def take(self, response, problems):
        if response.HasField("handshake"):
            return 0
        taken = 0
        for result in response.results:
            if result.id in self.answered:
                problems.append(f"{result.id} answered twice")
            elif result.id not in self.sent or result.status != sink_pb2.Status.SUCCESS:
                problems.append(f"{result.id}: status {result.status} {result.err_msg}")
            self.answered.add(result.id)
            taken += 1
        return taken


class Source(Driver):
    """READS reads of BATCH records sent back to back (numa sends one and reads it through its
    EOT: this is harsher), none read until the stall ends: every read answered by its EOT, no
    offset twice; then everything read is acked."""

    READS = 40

    def __init__(self, size):
        super().__init__(size)
        self.offsets = Counter()

    def open(self, channel):
        self.channel = channel
        return source_pb2_grpc.SourceStub(channel).ReadFn

    def start(self, channel, stop):
        self.stop = stop

        async def generate():
            yield source_pb2.ReadRequest(handshake=source_pb2.Handshake(sot=True))
            for _ in range(self.READS):
                self.count += 1
                yield source_pb2.ReadRequest(request=source_pb2.ReadRequest.Request(num_records=BATCH,
                                                                                    timeout_in_ms=200))
            await self.stop.wait()

        self.calls.append(self.open(channel)(generate()))

    def expected(self):
        return self.count

    def take(self, response, problems):
        if response.HasField("handshake"):
            return 0
        if response.status.eot:
            return 1
        offset = (response.result.offset.offset, response.result.offset.partition_id)
        self.offsets[offset] += 1
        if self.offsets[offset] == 2:
            problems.append(f"offset {offset[0]!r} read twice")
        return 0

    async def finish(self):
        problems = []
        answered = await self.read(self.calls[0], problems, lambda count, _: count == self.expected())

        async def acks():
            yield source_pb2.AckRequest(handshake=source_pb2.Handshake(sot=True))
            offsets = [source_pb2.Offset(offset=o, partition_id=p) for o, p in self.offsets]
            for at in range(0, len(offsets), BATCH):
                yield source_pb2.AckRequest(request=source_pb2.AckRequest.Request(offsets=offsets[at:at + BATCH]))

        ack = source_pb2_grpc.SourceStub(self.channel).AckFn(acks())
        acked = 0
        async with asyncio.timeout(120):
            async for response in ack:
                acked += not response.HasField("handshake")
                if acked == -(-len(self.offsets) // BATCH):
                    ack.cancel()
                    break
        self.records = sum(self.offsets.values())
        return answered, self.expected() - answered, problems


class SlowSource(Driver):
    """numa's own loop (a read of BATCH records with a 1 s timeout, read through its EOT, acked,
    then the next) against a source whose sequence is slow: a file that grows by RATE lines a
    second while the reads go on. Every line appended must be read once, in order."""

    RATE = 200

    def __init__(self, size, path):
        super().__init__(size)
        self.path, self.appended, self.read = path, 0, []

    async def append_lines(self):
        with open(self.path, "ab") as f:
            while not self.stop.is_set():
                f.write(f"slow{self.appended}:".encode().ljust(self.size - 1, b"x") + b"\n")
                f.flush()
                self.appended += 1
                await asyncio.sleep(1 / self.RATE)

    async def read_cycles(self, until):
        stub = source_pb2_grpc.SourceStub(self.channel)
        reads, acks = asyncio.Queue(), asyncio.Queue()

        async def queued(queue, first):
            yield first
            while (item := await queue.get()) is not None:
                yield item

        read_call = stub.ReadFn(queued(reads, source_pb2.ReadRequest(handshake=source_pb2.Handshake(sot=True))))
        ack_call = stub.AckFn(queued(acks, source_pb2.AckRequest(handshake=source_pb2.Handshake(sot=True))))
        await read_call.read()  # handshake
        await ack_call.read()
        while True:
            await reads.put(source_pb2.ReadRequest(request=source_pb2.ReadRequest.Request(num_records=BATCH,
                                                                                         timeout_in_ms=1000)))
            offsets = []
            while not (response := await read_call.read()).status.eot:
                offsets.append(response.result.offset)
                self.read.append(response.result.payload.split(b":")[0].decode())
            self.count += 1
            if offsets:
                await acks.put(source_pb2.AckRequest(request=source_pb2.AckRequest.Request(offsets=offsets)))
                await ack_call.read()
            if until() and not offsets:
                break
        await reads.put(None)
        await acks.put(None)
        read_call.cancel()
        ack_call.cancel()

    def start(self, channel, stop):
        self.stop, self.channel = stop, channel
        self.writer = asyncio.ensure_future(self.append_lines())
        self.reader = asyncio.ensure_future(self.read_cycles(lambda: self.stop.is_set()))

    async def finish(self):
        await self.writer
        async with asyncio.timeout(120):
            await self.reader
        expected = [f"slow{n}" for n in range(self.appended)]
        problems = [] if self.read == expected else [
            f"read {len(self.read)} lines, {len(set(self.read))} distinct, of {self.appended} appended"]
        self.records = len(self.read)
        return len(set(self.read) & set(expected)), self.appended - len(set(self.read) & set(expected)), problems


class Reduce(Driver):
    """Aligned windows of one second, each its own call as numa opens them, KEYS keys each,
    PER_WINDOW requests and then the end of the window; no result read until the stall ends.
    Each key's counts (reduce-counter's "counter:N ...", or the sum of reducestream-counter's
    partial counts) must add up to what was sent for it."""

    PER_WINDOW, KEYS = 2000, 100

    def __init__(self, size):
        super().__init__(size)
        self.sent, self.counted, self.windows = Counter(), Counter(), 0

    def start(self, channel, stop):
        self.stop, self.channel = stop, channel
        self.opener = asyncio.ensure_future(self.open_windows())

    async def open_windows(self):
        while not self.stop.is_set():
            window, done = self.windows, asyncio.Event()
            self.windows += 1
            self.calls.append(reduce_pb2_grpc.ReduceStub(self.channel).ReduceFn(self.window_requests(window, done)))
            await done.wait()

    async def window_requests(self, window, done):
        start, end = T0 + window * 1000, T0 + (window + 1) * 1000
        bounds = reduce_pb2.Window(start=stamp(start), end=stamp(end), slot="slot-0")
        for n in range(self.PER_WINDOW):
            key = f"k{n % self.KEYS}"
            event = reduce_pb2.ReduceRequest.WindowOperation.OPEN if n == 0 else \
                reduce_pb2.ReduceRequest.WindowOperation.APPEND
            self.sent[(window, key)] += 1
            self.count += 1
            yield reduce_pb2.ReduceRequest(
                payload=reduce_pb2.ReduceRequest.Payload(keys=[key], value=payload(f"w{window}n{n}", self.size),
                                                         event_time=stamp(start + n % 1000),
                                                         watermark=stamp(start - 1)),
                operation=reduce_pb2.ReduceRequest.WindowOperation(event=event, windows=[bounds]))
            if self.count % 64 == 0:
                await asyncio.sleep(0)
        done.set()

    def expected(self):
        return sum(self.sent.values())

    async def finish(self):
        await self.opener
        problems = []
        async with asyncio.timeout(120):
            for call in self.calls:
                async for response in call:
                    if response.EOF:
                        continue
                    window = (response.window.start.seconds * 1000 + response.window.start.nanos // 1_000_000 - T0) // 1000
                    text = response.result.value.decode()
                    count = int(text.split()[0].removeprefix("counter:"))
                    self.counted[(window, tuple(response.result.keys)[0])] += count
        for key, count in self.sent.items():
            if self.counted[key] != count:
                problems.append(f"window {key[0]} key {key[1]}: sent {count}, counted {self.counted[key]}")
        answered = sum(min(self.counted[key], count) for key, count in self.sent.items())
        return answered, self.expected() - answered, problems


class Session(Driver):
    """Sessions one after another on one call, as numa's unaligned reducer sends them: OPEN
    with the first datum, PER_SESSION - 1 APPENDs, CLOSE; KEYS keys in turn. session-counter
    answers each closed session with its count, which must be PER_SESSION."""

    PER_SESSION, KEYS = 20, 100

    def __init__(self, size):
        super().__init__(size)
        self.pb, self.grpc = session_stubs()
        self.sessions, self.counts = {}, Counter()

    def open(self, channel):
        return self.grpc.SessionReduceStub(channel).SessionReduceFn

    def requests(self):
        Operation = self.pb.SessionReduceRequest.WindowOperation
        s = 0
        while True:
            key, start = f"k{s % self.KEYS}", T0 + s * 10
            window = self.pb.KeyedWindow(start=stamp(start), end=stamp(start + 5), slot="slot-0", keys=[key])
            self.sessions[(key, start)] = 0
            for n in range(self.PER_SESSION):
                event = Operation.OPEN if n == 0 else Operation.APPEND
                self.sessions[(key, start)] += 1
                yield self.pb.SessionReduceRequest(
                    payload=self.pb.SessionReduceRequest.Payload(keys=[key], value=payload(f"s{s}n{n}", self.size),
                                                                 event_time=stamp(start), watermark=stamp(start - 1)),
                    operation=Operation(event=event, keyedWindows=[window]))
            yield self.pb.SessionReduceRequest(operation=Operation(event=Operation.CLOSE, keyedWindows=[window]))
            s += 1

    def expected(self):
        return sum(self.sessions.values())

    def take(self, response, problems):
        if response.EOF:
            return 0
        window = response.keyedWindow
        session = (tuple(window.keys)[0], window.start.seconds * 1000 + window.start.nanos // 1_000_000)
        if session not in self.sessions or self.counts[session]:
            problems.append(f"session {session}: unexpected or answered twice")
            return 0
        self.counts[session] = int(response.result.value)
        return self.counts[session]

    async def finish(self):
        answered, unanswered, problems = await super().finish()
        # A session cut short by the stop is closed by the end of the stream: counted too.
        for session, sent in self.sessions.items():
            if self.counts[session] != sent:
                problems.append(f"session {session}: sent {sent}, counted {self.counts[session]}")
        return answered, unanswered, problems


class Accumulate(Driver):
    """One call, KEYS keys in turn, each key's first datum an OPEN; event times rising, the
    watermark 1 ms behind: accumulator-stream-sorter forwards each datum once the watermark
    passes it, and the rest when the stream ends. Every id must come back once, as sent."""

    KEYS = 10

    def __init__(self, size):
        super().__init__(size)
        self.sent, self.answered = {}, set()

    def open(self, channel):
        return accumulator_pb2_grpc.AccumulatorStub(channel).AccumulateFn

    def requests(self):
        Operation = accumulator_pb2.AccumulatorRequest.WindowOperation
        n = 0
        while True:
            rid, key = f"r{n}", f"k{n % self.KEYS}"
            self.sent[rid] = payload(rid, self.size)
            window = accumulator_pb2.KeyedWindow(start=stamp(0), end=stamp(T0 * 10), slot="slot-0", keys=[key])
            yield accumulator_pb2.AccumulatorRequest(
                payload=accumulator_pb2.Payload(keys=[key], value=self.sent[rid], id=rid, event_time=stamp(T0 + n),
                                                watermark=stamp(T0 + n - 1)),
                operation=Operation(event=Operation.OPEN if n < self.KEYS else Operation.APPEND, keyedWindow=window))
            n += 1

    def expected(self):
        return len(self.sent)

    def take(self, response, problems):
        if response.EOF:
            return 0
        rid = response.payload.id
        if rid in self.answered:
            problems.append(f"{rid} answered twice")
        elif self.sent.get(rid) != response.payload.value:
            problems.append(f"{rid}: wrong answer")
        self.answered.add(rid)
        return 1


SOCKETS = {  # kind: (socket, server-info file)
    "map": ("map.sock", "mapper-server-info"),
    "mapstream": ("mapstream.sock", "mapper-server-info"),
    "batchmap": ("batchmap.sock", "mapper-server-info"),
    "transformer": ("sourcetransform.sock", "sourcetransformer-server-info"),
    "sink": ("sink.sock", "sinker-server-info"),
    "source": ("source.sock", "sourcer-server-info"),
    "slow-source": ("source.sock", "sourcer-server-info"),
    "reduce": ("reduce.sock", "reducer-server-info"),
    "reducestream": ("reducestream.sock", "reducestreamer-server-info"),
    "session": ("sessionreduce.sock", "sessionreducer-server-info"),
    "accumulator": ("accumulator.sock", "accumulator-server-info"),
}


def driver(kind, size, source_file=None):
    if kind == "slow-source":
        return SlowSource(size, source_file)
    if kind in ("map", "mapstream", "transformer", "batchmap"):
        return MapLike(kind, size)
    return {"sink": Sink, "source": Source, "reduce": Reduce, "reducestream": Reduce, "session": Session,
            "accumulator": Accumulate}[kind](size)
