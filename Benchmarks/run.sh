#!/usr/bin/env bash
# Throughput and server CPU per message for map-forward-message (and a source transformer echo)
# in each mode, against two
# baselines measured in the same run with the same client (numaflow-dev bench) and socket kind:
# a bare grpc-swift-2 echo server (no SDK) and pynumaflow 0.14's MapAsyncServer.
#
# usage: Benchmarks/run.sh [RUNS]       (median of RUNS runs per cell, default 3)
# Needs a release build (built here) and pynumaflow==0.14.0 (installed here with pip).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
COUNT_SMALL=${COUNT_SMALL:-40000}
COUNT_LARGE=${COUNT_LARGE:-20000}
OUT=Benchmarks/results
mkdir -p "$OUT"
RESULTS="$OUT/results-$(date +%Y%m%d-%H%M%S).jsonl"

python3 -c 'import pynumaflow' 2>/dev/null || pip install -q pynumaflow==0.14.0
# What the image runs with (Docker/Dockerfile): fewer glibc malloc arenas, less memory kept.
# Exported for every server measured, baselines included.
export MALLOC_ARENA_MAX=2
for product in numaflow-dev map-forward-message bare-echo-server fixture-server; do
  swift build -c release --product "$product" >/dev/null
done
BIN=$(swift build -c release --show-bin-path)

# Runs one bench; extra arguments go to numaflow-dev bench (the server, or --socket).
bench() {
  local label=$1 size=$2 count=$3; shift 3
  "$BIN/numaflow-dev" bench map --label "$label" --payload-size "$size" --count "$count" "$@" 2>/dev/null
}

# Starts a server that is not launched by numaflow-dev and benches it over its socket.
bench_external() {
  local label=$1 size=$2 count=$3 socket=$4; shift 4
  local dir; dir=$(dirname "$socket")
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 200); do [ -S "$socket" ] && break; sleep 0.05; done
  bench "$label" "$size" "$count" --socket "$socket" --server-pid "$pid" || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

for size in 100 10240; do
  count=$COUNT_SMALL; [ "$size" -gt 1000 ] && count=$COUNT_LARGE
  for run in $(seq "$RUNS"); do
    dir=$(mktemp -d); bench_external bare-echo-default "$size" "$count" "$dir/map.sock" "$BIN/bare-echo-server" "$dir/map.sock"
    dir=$(mktemp -d); bench_external bare-echo-2MiB "$size" "$count" "$dir/map.sock" "$BIN/bare-echo-server" "$dir/map.sock" --window 2097152
    dir=$(mktemp -d); bench_external pynumaflow-async "$size" "$count" "$dir/map.sock" python3 Benchmarks/pynumaflow_echo.py "$dir"
    for mode in async sync multiprocess; do
      bench "swift-$mode" "$size" "$count" -- "$BIN/map-forward-message" --mode "$mode"
    done
    # The other kinds: the test fixture's echo (a sync handler; it also copies metadata).
    for mode in async sync multiprocess; do
      "$BIN/numaflow-dev" bench transformer --label "transformer-$mode" --payload-size "$size" --count "$count" \
        -- "$BIN/fixture-server" --kind transformer --handler sync --mode "$mode" 2>/dev/null
    done
    "$BIN/numaflow-dev" bench mapstream --label "mapstream-async" --payload-size "$size" --count "$count" \
      -- "$BIN/fixture-server" --kind mapstream 2>/dev/null
    for mode in async sync; do
      "$BIN/numaflow-dev" bench batchmap --label "batchmap-$mode" --payload-size "$size" --count "$count" \
        -- "$BIN/fixture-server" --kind batchmap --handler sync --mode "$mode" 2>/dev/null
    done
  done
done | tee "$RESULTS"

python3 Benchmarks/summarize.py "$RESULTS"
