#!/usr/bin/env bash
# Server CPU per message of two release builds, alternating run by run so that both see the same
# machine: map (async, 100 B and 10 KiB), sink (async, 100 B, batches of 500), source read+ack,
# reduce (one window over 1 and over 10,000 keys), and when asked session reduce (sessions of
# 100 over 1 and 100 keys) and the accumulator (10 keys). Prints medians and minimums, and
# after ÷ before.
#
# usage: [SECTIONS="map sink source reduce session accumulator"] [BENCH_OPTIONS=--numa-shaped] \
#        Benchmarks/ab.sh BEFORE_BIN AFTER_BIN [RUNS]   (release bin directories; default 5 runs)
# Each directory needs the sections' servers (map-forward-message, fixture-server, source-simple,
# reduce-counter, session-counter, accumulator-stream-sorter); AFTER_BIN's numaflow-dev drives
# both, with BENCH_OPTIONS.
set -euo pipefail
before=$1 after=$2 runs=${3:-5}
# Every server as the image runs it (Docker/runtime.env).
set -a
. "$(dirname "$0")/../Docker/runtime.env"
set +a
sections=" ${SECTIONS:-map sink source reduce} "
out=$(mktemp)
# shellcheck disable=SC2086  # BENCH_OPTIONS is a list of options
bench() { "$after/numaflow-dev" bench ${BENCH_OPTIONS:-} "$@" 2>/dev/null >>"$out"; }
for run in $(seq "$runs"); do
  for side in before after; do
    bin=${!side}
    [[ $sections == *" map "* ]] && bench map --label "map-100B/$side" --payload-size 100 --count 40000 -- "$bin/map-forward-message" --mode async
    [[ $sections == *" map "* ]] && bench map --label "map-10KiB/$side" --payload-size 10240 --count 20000 -- "$bin/map-forward-message" --mode async
    [[ $sections == *" sink "* ]] && bench sink --label "sink-100B/$side" --payload-size 100 --count 100000 \
      -- "$bin/fixture-server" --kind sink --handler noop --mode async
    [[ $sections == *" source "* ]] && bench source --label "source/$side" --payload-size 0 --count 50000 -- "$bin/source-simple"
    [[ $sections == *" reduce "* ]] && bench reduce --label "reduce-1key/$side" --payload-size 100 --count 100000 --keys 1 --warmup 1000 \
      -- "$bin/reduce-counter"
    [[ $sections == *" reduce "* ]] && bench reduce --label "reduce-10000keys/$side" --payload-size 100 --count 100000 --keys 10000 --warmup 1000 \
      -- "$bin/reduce-counter"
    [[ $sections == *" session "* ]] && bench session --label "session-1key/$side" --payload-size 100 --count 100000 \
      --keys 1 --warmup 1000 -- "$bin/session-counter"
    [[ $sections == *" session "* ]] && bench session --label "session-100keys/$side" --payload-size 100 \
      --count 100000 --keys 100 --warmup 1000 -- "$bin/session-counter"
    [[ $sections == *" accumulator "* ]] && bench accumulator --label "accumulator-10keys/$side" --payload-size 100 \
      --count 100000 --keys 10 --warmup 1000 -- "$bin/accumulator-stream-sorter"
    true
  done
done
python3 "$(dirname "$0")/ab_table.py" "$out" before after
echo "raw lines: $out"
