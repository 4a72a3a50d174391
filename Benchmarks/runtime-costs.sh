#!/bin/bash
# What the Swift runtime costs a map server per request, four ways, driven by the native C++ client
# (Benchmarks/native.py builds it into .build-native) after a warm-up of 2,000 requests of 100 B:
#
#   switches: who asks for a task switch. A uprobe on swift_task_switch counts every switch of the
#             server over 20,000 requests and names the function each resumes (its first argument
#             register, looked up with nm and swift demangle). Needs root and tracefs.
#   shares:   the share of the server's CPU, from perf samples over 200,000 requests, in task
#             switches with the task's status-record lock, in retain and release, and in generic
#             metadata look-ups. Shares of one profile are steadier than CPU per message on a
#             shared host, so two builds compare well this way.
#   metadata: who asks for the generic metadata look-ups: perf with call graphs over 200,000
#             requests, each look-up charged to the first caller outside the runtime, the
#             callers with the largest shares of all samples.
#   layers:   where a request's CPU goes by layer (NIO, HTTP/2, grpc-swift, protobuf, this SDK):
#             each sample charged to the innermost frame of one of their modules, with the part
#             of each layer's time spent in the Swift runtime on its behalf.
#
# usage: bash Benchmarks/runtime-costs.sh switches|shares|metadata|layers BINARY [each|batched] [async|sync|multiprocess]
#   PROCESS=worker records the first worker process instead of the server (multiprocess mode).
#   PAYLOAD=10240 sends values of that many bytes after the warm-up (100 unless set).
#   each-numa or batched-numa sends requests shaped as numa sends them (map_client.cc).
#   BINARY: a map-forward-message release build (it keeps its symbols). Needs perf (linux-perf).
set -euo pipefail
what=$1; binary=$(realpath "$2"); client=${3:-each}; mode=${4:-async}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'perf probe -q -d "probe_switches:*" 2>/dev/null || true
      [ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null; rm -rf "$work"' EXIT

case "$what" in
  switches)
    requests=20000
    address=$(nm "$binary" | awk '$3 == "swift_task_switch" {print $1}')
    perf probe -q -d "probe_switches:*" 2>/dev/null || true
    perf probe -q -x "$binary" -a "probe_switches:switch=0x$address resume=%di:x64"
    record=(perf record -q -e probe_switches:switch) ;;
  shares)
    requests=200000
    record=(perf record -q -F 4000) ;;
  metadata|layers)
    requests=200000
    record=(perf record -q -F 1000 --call-graph dwarf,8192) ;;
  *) echo "usage: $0 switches|shares|metadata|layers BINARY [each|batched] [async|sync|multiprocess]" >&2; exit 2 ;;
esac

# The server as the image runs it (Docker/runtime.env).
(set -a && . "$root/Docker/runtime.env" && NUMAFLOW_SWIFT_RUN_DIR="$work" exec setsid "$binary" --mode "$mode") \
  >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do [ -S "$work/map.sock" ] && break; sleep 0.1; done
sleep 0.5  # multiprocess: the workers start after the socket
"$root/.build-native/map_client" "$work/map.sock" 2000 100 500 "$client" >/dev/null
recorded=$server
[ "${PROCESS:-server}" = worker ] && recorded=$(pgrep -P "$server" | head -1)
"${record[@]}" -p "$recorded" -o "$work/perf.data" 2>/dev/null &
recorder=$!
sleep 0.5
"$root/.build-native/map_client" "$work/map.sock" "$requests" "${PAYLOAD:-100}" 500 "$client" >/dev/null
kill -INT "$recorder"; wait "$recorder" || true

if [ "$what" = switches ]; then
  perf script -i "$work/perf.data" 2>/dev/null > "$work/switches.txt"
  python3 - "$binary" "$address" "$work/switches.txt" "$requests" <<'EOF'
import bisect, collections, re, subprocess, sys
binary, switch, trace, requests = sys.argv[1], int(sys.argv[2], 16), sys.argv[3], int(sys.argv[4])
symbols = []
for line in subprocess.run(["nm", binary], capture_output=True, text=True).stdout.splitlines():
    fields = line.split()
    if len(fields) == 3 and all(c in "0123456789abcdef" for c in fields[0]):
        symbols.append((int(fields[0], 16), fields[2]))
symbols.sort()
starts = [start for start, _ in symbols]
counts, bias = collections.Counter(), None
for line in open(trace):
    match = re.search(r"\(([0-9a-f]+)\) resume=0x([0-9a-f]+)", line)
    if match:
        bias = bias if bias is not None else int(match.group(1), 16) - switch
        counts[int(match.group(2), 16) - bias] += 1
for address, count in counts.most_common():
    if count < requests / 20:
        break
    name = symbols[bisect.bisect_right(starts, address) - 1][1]
    readable = subprocess.run(["swift", "demangle", "--simplified", "--compact", name],
                              capture_output=True, text=True).stdout.strip()
    print(f"{count / requests:5.2f}  {readable[:150]}")
print(f"{sum(counts.values()) / requests:5.2f}  switches per request in all")
EOF
elif [ "$what" = metadata ] || [ "$what" = layers ]; then
  perf script -i "$work/perf.data" 2>/dev/null > "$work/stacks.txt"
  python3 - "$work/stacks.txt" "$what" <<'EOF'
import collections, re, subprocess, sys
metadata = (r"getGenericMetadata|getCache|GenericCacheEntry|MetadataCacheKey|instantiateConcreteType|"
            r"instantiateGenericMetadata|awaitSatisfyingState|instantiateCanonical|ConcurrentReadableHashMap|"
            r"LockingConcurrentMap|swift_getWitnessTable|getAssociatedTypeWitness")
lookup = re.compile(metadata)
# The Swift runtime's work on a caller's behalf: reference counting, metadata, task switches with
# the status-record lock, allocation, exclusivity checks.
runtime = re.compile(metadata + r"|swift_retain|swift_release|doDecrementSlow|bridgeObjectRe|withStatusRecordLock|"
                     r"getPreferredTaskExecutor|swift_task_switch|pthread_mutex|StatusRecord|malloc|free|_int_|"
                     r"swift_allocObject|swift_deallocClassInstance|swift_slowAlloc|swift_slowDealloc|"
                     r"swift_task_alloc|swift_task_dealloc|StackAllocator|swift_beginAccess|swift_endAccess|"
                     r"AccessSet|SwiftTLSContext")
layers = {
    "NIO: event loop, sockets, channel pipeline, async channels":
        ["NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "DequeModule", "Atomics"],
    "NIO HTTP/2 and HPACK": ["NIOHTTP2", "NIOHPACK"],
    "grpc-swift: transport, RPC executor, (de)serializers":
        ["GRPCNIOTransportCore", "GRPCNIOTransportHTTP2Posix", "GRPCCore", "GRPCProtobuf"],
    "protobuf: SwiftProtobuf and the generated types": ["SwiftProtobuf", "NumaflowProtos"],
    "this SDK and the handler": ["NumaflowCore", "NumaflowMapper", "map_forward_message"],
}
unattributed = "unattributed (no Swift caller in the sampled stack)"

def layer(frames):
    """The layer of the innermost frame in one of its modules: runtime and C frames count for their caller."""
    for frame in frames:
        match = re.match(r"\$s(\d+)([A-Za-z_]\w*)", frame)
        if match:
            module = match.group(2)[:int(match.group(1))]
            found = next((name for name, modules in layers.items() if module in modules), None)
            if found:
                return found
    return unattributed

def demangled(name):
    return subprocess.run(["swift", "demangle", "--simplified", "--compact", name],
                          capture_output=True, text=True).stdout.strip()

stacks = []  # each sample's frames, innermost first
for stack in open(sys.argv[1]).read().split("\n\n"):
    frames = [line.split()[1].split("+")[0] for line in stack.strip().split("\n")[1:] if len(line.split()) > 1]
    if frames:
        stacks.append(frames)
if sys.argv[2] == "metadata":
    callers = collections.Counter(
        next((f for f in frames[1:] if not (lookup.search(f) or f.startswith(("swift::", "swift_", "__swift")))), "?")
        for frames in stacks if lookup.search(frames[0]))
    print(f"{100 * sum(callers.values()) / len(stacks):5.1f}%  generic metadata look-ups in all, by who asks:")
    for name, count in callers.most_common(12):
        print(f"{100 * count / len(stacks):5.1f}%  {demangled(name)[:150]}")
else:
    samples, in_runtime = collections.Counter(), collections.Counter()
    for frames in stacks:
        name = layer(frames)
        samples[name] += 1
        in_runtime[name] += bool(runtime.search(frames[0]))
    print("share  of it in the Swift runtime")
    for name in [*layers, unattributed]:
        if samples[name]:
            print(f"{100 * samples[name] / len(stacks):5.1f}%  {100 * in_runtime[name] / samples[name]:5.1f}%  {name}")
EOF
else
  perf report -i "$work/perf.data" --no-children --sort sym 2>/dev/null > "$work/report.txt"
  python3 - "$work/report.txt" <<'EOF'
import re, sys
groups = {
    "task switches and the status-record lock": [
        "withStatusRecordLock", "getPreferredTaskExecutor", "swift_task_switch", "pthread_mutex_lock",
        "pthread_mutex_unlock", "StatusRecord", "CancellationHandler"],
    "retain and release": ["swift_retain", "swift_release"],
    "generic metadata look-ups": [
        "getGenericMetadata", "getCache", "GenericCacheEntry", "MetadataCacheKey", "instantiateConcreteType",
        "instantiateGenericMetadata", "awaitSatisfyingState", "instantiateCanonical"],
}
shares = dict.fromkeys(groups, 0.0)
for line in open(sys.argv[1]):
    match = re.match(r"\s*([\d.]+)%\s+\[.\]\s+(.*)", line)
    if match:
        group = next((g for g, keys in groups.items() if any(k in match.group(2) for k in keys)), None)
        if group:
            shares[group] += float(match.group(1))
for group, share in shares.items():
    print(f"{share:5.1f}%  {group}")
EOF
fi
