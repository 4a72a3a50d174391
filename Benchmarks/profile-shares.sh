#!/bin/bash
# Where a map server's CPU goes, by the runtime's share: perf samples of the server process over
# 200,000 requests of 100 B (after a warm-up of 2,000), grouped into task switches and the task's
# status-record lock, retain/release, and generic metadata look-ups. Shares of one profile are
# steadier than CPU per message on a shared host, so two builds compare well this way.
#
# usage: bash Benchmarks/profile-shares.sh BINARY [each|batched] [async|sync|multiprocess]
# Needs perf (Debian's linux-perf) and the native C++ client (Benchmarks/native.py builds it).
set -euo pipefail
binary=$(realpath "$1"); client=${2:-each}; mode=${3:-async}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap '[ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null; rm -rf "$work"' EXIT
MALLOC_ARENA_MAX=2 NUMAFLOW_SWIFT_RUN_DIR="$work" setsid "$binary" --mode "$mode" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do [ -S "$work/map.sock" ] && break; sleep 0.1; done
sleep 0.5
"$root/.build-native/map_client" "$work/map.sock" 2000 100 500 "$client" >/dev/null
perf record -q -F 4000 -p "$server" -o "$work/perf.data" 2>/dev/null &
recorder=$!
sleep 0.5
"$root/.build-native/map_client" "$work/map.sock" 200000 100 500 "$client" >/dev/null
kill -INT "$recorder"; wait "$recorder" || true
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
