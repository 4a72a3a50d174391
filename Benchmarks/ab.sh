#!/usr/bin/env bash
# Server CPU per message of two release builds, alternating run by run so that both see the same
# machine: map (async, 100 B and 10 KiB), sink (async, 100 B, batches of 500), source read+ack
# and reduce (one window over 1 and over 10,000 keys). Prints medians and minimums, and
# after ÷ before.
#
# usage: Benchmarks/ab.sh BEFORE_BIN AFTER_BIN [RUNS]   (release bin directories; default 5 runs)
# Each directory needs map-forward-message, fixture-server, source-simple and reduce-counter;
# AFTER_BIN's numaflow-dev drives both.
set -euo pipefail
before=$1 after=$2 runs=${3:-5}
export MALLOC_ARENA_MAX=2
out=$(mktemp)
bench() { "$after/numaflow-dev" bench "$@" 2>/dev/null >>"$out"; }
for run in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}
    bench map --label "map-100B/$side" --payload-size 100 --count 40000 -- "$bin/map-forward-message" --mode async
    bench map --label "map-10KiB/$side" --payload-size 10240 --count 20000 -- "$bin/map-forward-message" --mode async
    bench sink --label "sink-100B/$side" --payload-size 100 --count 100000 \
      -- "$bin/fixture-server" --kind sink --handler noop --mode async
    bench source --label "source/$side" --payload-size 0 --count 50000 -- "$bin/source-simple"
    bench reduce --label "reduce-1key/$side" --payload-size 100 --count 100000 --keys 1 --warmup 1000 \
      -- "$bin/reduce-counter"
    bench reduce --label "reduce-10000keys/$side" --payload-size 100 --count 100000 --keys 10000 --warmup 1000 \
      -- "$bin/reduce-counter"
  done
done
python3 "$(dirname "$0")/ab_table.py" "$out" before after
echo "raw lines: $out"
