#!/usr/bin/env bash
# Throughput and server CPU per message for map-forward-message (and a source transformer echo)
# in each mode, against two
# baselines measured in the same run with the same client (numaflow-dev bench) and socket kind:
# a bare grpc-swift-2 echo server (no SDK) and pynumaflow 0.14's MapAsyncServer.
#
# Sinks are measured apart too, in numa's batches of 500, each answered at its EOT: the
# fixture's no-op sink in each mode against pynumaflow's SinkAsyncServer with a no-op handler
# and a bare grpc-swift sink (with the 2 MiB HTTP/2 window the SDK uses).
#
# Sources are measured apart (read+ack of counter messages, numa's batch of 500: payload size 0 in
# the results, as the payload is the counter's few digits): the
# source-simple example against a pynumaflow source of the same shape and a bare grpc-swift source.
#
# usage: Benchmarks/run.sh [RUNS]       (median of RUNS runs per cell, default 3)
#        SECTIONS="map source sink reduce accumulator"   which sections to measure (default: all)
#        STATIC=1 Benchmarks/run.sh   builds the Swift servers (and numaflow-dev) as the image does,
#                                     with Docker/build-flags.sh's flags, into .build-image
#        BASELINE_BIN=DIR Benchmarks/run.sh   also measures DIR's map-forward-message,
#                                             fixture-server (transformer, sink), source-simple and
#                                             reduce-counter as before-* (an earlier release build)
# Needs a release build (built here) and pynumaflow==0.14.0 (installed here with pip).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
COUNT_SMALL=${COUNT_SMALL:-40000}
COUNT_LARGE=${COUNT_LARGE:-20000}
COUNT_SOURCE=${COUNT_SOURCE:-50000}
COUNT_SINK=${COUNT_SINK:-100000}
COUNT_REDUCE=${COUNT_REDUCE:-100000}
COUNT_ACCUMULATOR=${COUNT_ACCUMULATOR:-50000}
BASELINE_BIN=${BASELINE_BIN:-}
SECTIONS=" ${SECTIONS:-map source sink reduce accumulator} "
OUT=Benchmarks/results
mkdir -p "$OUT"
RESULTS="$OUT/results-$(date +%Y%m%d-%H%M%S).jsonl"

python3 -c 'import pynumaflow' 2>/dev/null || pip install -q pynumaflow==0.14.0
# What the image runs with (Docker/runtime.env: glibc malloc's arenas and the heap's top),
# exported for every server measured, baselines included.
set -a
. Docker/runtime.env
set +a
build=(swift build -c release)
# shellcheck disable=SC2046 # the flags are a list of words
[ -z "${STATIC:-}" ] || build=(swift build $(Docker/build-flags.sh) --scratch-path .build-image)
for product in numaflow-dev map-forward-message bare-echo-server fixture-server source-simple reduce-counter \
  accumulator-stream-sorter; do
  "${build[@]}" --product "$product" >/dev/null
done
BIN=$("${build[@]}" --show-bin-path)

# Runs one bench; extra arguments go to numaflow-dev bench (the server, or --socket).
KIND=map
bench() {
  local label=$1 size=$2 count=$3; shift 3
  # shellcheck disable=SC2086 # BENCH_OPTIONS is a list of options.
  "$BIN/numaflow-dev" bench "$KIND" --label "$label" --payload-size "$size" --count "$count" ${BENCH_OPTIONS:-} "$@" 2>/dev/null
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
  # pynumaflow's servers take longer than their grace period to exit on SIGTERM.
  (sleep 5; kill -KILL "$pid" 2>/dev/null) &
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

: >"$RESULTS"
[[ $SECTIONS == *" map "* ]] && for size in 100 10240; do
  count=$COUNT_SMALL; [ "$size" -gt 1000 ] && count=$COUNT_LARGE
  for run in $(seq "$RUNS"); do
    dir=$(mktemp -d); bench_external bare-echo-default "$size" "$count" "$dir/map.sock" "$BIN/bare-echo-server" "$dir/map.sock"
    dir=$(mktemp -d); bench_external bare-echo-2MiB "$size" "$count" "$dir/map.sock" "$BIN/bare-echo-server" "$dir/map.sock" --window 2097152
    dir=$(mktemp -d); bench_external pynumaflow-async "$size" "$count" "$dir/map.sock" python3 Benchmarks/pynumaflow_echo.py "$dir"
    for mode in async sync multiprocess; do
      bench "swift-$mode" "$size" "$count" -- "$BIN/map-forward-message" --mode "$mode"
      [ -z "$BASELINE_BIN" ] || bench "before-$mode" "$size" "$count" -- "$BASELINE_BIN/map-forward-message" --mode "$mode"
    done
    # The other kinds: the test fixture's echo (a sync handler; it also copies metadata).
    for mode in async sync multiprocess; do
      "$BIN/numaflow-dev" bench transformer --label "transformer-$mode" --payload-size "$size" --count "$count" \
        -- "$BIN/fixture-server" --kind transformer --handler sync --mode "$mode" 2>/dev/null
      [ -z "$BASELINE_BIN" ] || "$BIN/numaflow-dev" bench transformer --label "before-transformer-$mode" \
        --payload-size "$size" --count "$count" \
        -- "$BASELINE_BIN/fixture-server" --kind transformer --handler sync --mode "$mode" 2>/dev/null
    done
    "$BIN/numaflow-dev" bench mapstream --label "mapstream-async" --payload-size "$size" --count "$count" \
      -- "$BIN/fixture-server" --kind mapstream 2>/dev/null
    for mode in async sync; do
      "$BIN/numaflow-dev" bench batchmap --label "batchmap-$mode" --payload-size "$size" --count "$count" \
        -- "$BIN/fixture-server" --kind batchmap --handler sync --mode "$mode" 2>/dev/null
    done
  done
done | tee -a "$RESULTS"

KIND=source
[[ $SECTIONS == *" source "* ]] && for run in $(seq "$RUNS"); do
  dir=$(mktemp -d); bench_external bare-source 0 "$COUNT_SOURCE" "$dir/source.sock" "$BIN/bare-echo-server" "$dir/source.sock" --source
  dir=$(mktemp -d); bench_external pynumaflow-source 0 "$COUNT_SOURCE" "$dir/source.sock" python3 Benchmarks/pynumaflow_source.py "$dir"
  bench swift-source 0 "$COUNT_SOURCE" -- "$BIN/source-simple"
  [ -z "$BASELINE_BIN" ] || bench before-source 0 "$COUNT_SOURCE" -- "$BASELINE_BIN/source-simple"
done | tee -a "$RESULTS"

KIND=sink
[[ $SECTIONS == *" sink "* ]] && for size in 100 10240; do
  for run in $(seq "$RUNS"); do
    dir=$(mktemp -d); bench_external bare-sink "$size" "$COUNT_SINK" "$dir/sink.sock" "$BIN/bare-echo-server" "$dir/sink.sock" --sink --window 2097152
    dir=$(mktemp -d); bench_external pynumaflow-sink "$size" "$COUNT_SINK" "$dir/sink.sock" python3 Benchmarks/pynumaflow_sink.py "$dir"
    for mode in async sync multiprocess; do
      bench "swift-sink-$mode" "$size" "$COUNT_SINK" -- "$BIN/fixture-server" --kind sink --handler noop --mode "$mode"
      [ -z "$BASELINE_BIN" ] || bench "before-sink-$mode" "$size" "$COUNT_SINK" \
        -- "$BASELINE_BIN/fixture-server" --kind sink --handler noop --mode "$mode"
    done
  done
done | tee -a "$RESULTS"

# Reducers: one window of COUNT_REDUCE messages of 100 B over 1 key and over 10,000 keys, timed
# from the first message to the EOF; the reference's counter on both sides.
KIND=reduce
[[ $SECTIONS == *" reduce "* ]] && for keys in 1 10000; do
  BENCH_OPTIONS="--keys $keys --warmup 1000"
  for run in $(seq "$RUNS"); do
    dir=$(mktemp -d); bench_external pynumaflow-reduce 100 "$COUNT_REDUCE" "$dir/reduce.sock" python3 Benchmarks/pynumaflow_reduce.py "$dir"
    bench swift-reduce 100 "$COUNT_REDUCE" -- "$BIN/reduce-counter"
    [ -z "$BASELINE_BIN" ] || bench before-reduce 100 "$COUNT_REDUCE" -- "$BASELINE_BIN/reduce-counter"
  done
done | tee -a "$RESULTS"

# Accumulators: COUNT_ACCUMULATOR messages of 100 B in event-time order with the watermark right
# behind, over 1 key, through the reference's stream sorter on both sides, until the EOF.
KIND=accumulator
BENCH_OPTIONS="--keys 1 --warmup 1000"
[[ $SECTIONS == *" accumulator "* ]] && for run in $(seq "$RUNS"); do
  dir=$(mktemp -d); bench_external pynumaflow-accumulator 100 "$COUNT_ACCUMULATOR" "$dir/accumulator.sock" python3 Benchmarks/pynumaflow_accumulator.py "$dir"
  bench swift-accumulator 100 "$COUNT_ACCUMULATOR" -- "$BIN/accumulator-stream-sorter"
done | tee -a "$RESULTS"

python3 Benchmarks/summarize.py "$RESULTS"
