#!/usr/bin/env bash
# What observability costs in server CPU per message, map 100 B and 10 KiB, async: the build
# before it (BEFORE_BIN), this build with nothing bootstrapped (the SDK must wrap nothing), and
# this build with a tracer (numaflow-dev's in-memory RecordingTracer, which keeps every span:
# an upper bound for the SDK's own share, without an exporter's). Alternating run by run, so
# that all three see the same machine; prints medians and minimums, and each ÷ before.
#
# usage: Benchmarks/telemetry-overhead.sh BEFORE_BIN AFTER_BIN [RUNS]   (release bin directories)
set -euo pipefail
before=$1 after=$2 runs=${3:-5}
# Every server as the image runs it (Docker/runtime.env).
set -a
. "$(dirname "$0")/../Docker/runtime.env"
set +a
out=$(mktemp)
spans=$(mktemp -d)
bench() { "$after/numaflow-dev" bench "$@" 2>/dev/null >>"$out"; }
for run in $(seq "$runs"); do
  for side in before after traced; do
    bin=$after
    [ "$side" = before ] && bin=$before
    # An empty NUMAFLOW_DEV_TRACE_DIR records nothing.
    NUMAFLOW_DEV_TRACE_DIR=$([ "$side" = traced ] && echo "$spans" || true) \
      bench map --label "map-100B/$side" --payload-size 100 --count 40000 -- "$bin/map-forward-message" --mode async
    NUMAFLOW_DEV_TRACE_DIR=$([ "$side" = traced ] && echo "$spans" || true) \
      bench map --label "map-10KiB/$side" --payload-size 10240 --count 20000 -- "$bin/map-forward-message" --mode async
    rm -f "$spans"/*
  done
done
python3 "$(dirname "$0")/ab_table.py" "$out" before after traced
echo "raw lines: $out"
rm -rf "$spans"
