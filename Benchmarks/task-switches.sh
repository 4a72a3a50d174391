#!/bin/bash
# Who asks for a task switch, per request: a uprobe on swift_task_switch in a map server's binary,
# its resume function read from the first argument register, named with nm and swift demangle.
# Driven by the native C++ client (Benchmarks/native.py builds it into .build-native).
#
# usage: sudo bash Benchmarks/task-switches.sh BINARY [batched|each] [async|sync|multiprocess]
#   BINARY: a map-forward-message built with symbols (the release build keeps them)
# Needs perf (Debian's linux-perf) and tracefs; counts every switch of the server process over
# 20,000 requests of 100 B after a warm-up of 2,000, and prints the callers of one switch in
# a hundred requests or more.
set -euo pipefail
binary=$(realpath "$1"); client=${2:-batched}; mode=${3:-async}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'perf probe -q -d "probe_switches:*" 2>/dev/null || true; [ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null; rm -rf "$work"' EXIT
address=$(nm "$binary" | awk '$3 == "swift_task_switch" {print $1}')
perf probe -q -x "$binary" -d "probe_switches:*" 2>/dev/null || true
perf probe -q -x "$binary" -a "probe_switches:switch=0x$address resume=%di:x64"
MALLOC_ARENA_MAX=2 NUMAFLOW_SWIFT_RUN_DIR="$work" setsid "$binary" --mode "$mode" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do [ -S "$work/map.sock" ] && break; sleep 0.1; done
sleep 0.5
"$root/.build-native/map_client" "$work/map.sock" 2000 100 500 "$client" >/dev/null
perf record -q -e probe_switches:switch -p "$server" -o "$work/perf.data" 2>/dev/null &
recorder=$!
sleep 0.5
"$root/.build-native/map_client" "$work/map.sock" 20000 100 500 "$client" >/dev/null
kill -INT "$recorder"; wait "$recorder" || true
perf script -i "$work/perf.data" 2>/dev/null > "$work/switches.txt"
python3 - "$binary" "$address" "$work/switches.txt" <<'EOF'
import bisect, collections, re, subprocess, sys
binary, switch, trace = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
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
requests = 20000
for address, count in counts.most_common():
    if count < requests / 100:
        break
    name = symbols[bisect.bisect_right(starts, address) - 1][1]
    readable = subprocess.run(["swift", "demangle", "--simplified", "--compact", name],
                              capture_output=True, text=True).stdout.strip()
    print(f"{count / requests:5.2f}  {readable[:150]}")
print(f"{sum(counts.values()) / requests:5.2f}  switches per request in all")
EOF
