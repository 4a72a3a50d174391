#!/usr/bin/env bash
# Every kind with a stream under slow-reader.py, at 100 B and 10 KiB, in each mode it offers
# (release builds). One JSON line per run on stdout; the exit status is 1 if any run lost or
# duplicated a request. usage: Benchmarks/slow-readers.sh [STALL_SECONDS] > results.jsonl
set -uo pipefail
cd "$(dirname "$0")/.."
stall=${1:-10}
products=(fixture-server map-forward-message source-async-sequence reduce-counter reducestream-counter
  session-counter accumulator-stream-sorter)
for product in "${products[@]}"; do
  swift build -c release --product "$product" >&2 || exit 1
done
bin=$(swift build -c release --show-bin-path)
status=0
run() { python3 Benchmarks/slow-reader.py --stall "$stall" "$@" || status=1; }
for payload in 100 10240; do
  for mode in async sync multiprocess; do
    run "$bin/map-forward-message" map --mode "$mode" --payload "$payload"
    run "$bin/fixture-server" sink --mode "$mode" --payload "$payload" -- --kind sink --handler noop
    run "$bin/fixture-server" sink --mode "$mode" --payload "$payload" -- --kind sink --handler-delay-ms 200
  done
  for mode in async sync; do
    run "$bin/fixture-server" transformer --mode "$mode" --payload "$payload" -- --kind transformer
    run "$bin/fixture-server" batchmap --mode "$mode" --payload "$payload" -- --kind batchmap
  done
  run "$bin/fixture-server" mapstream --payload "$payload" -- --kind mapstream
  run "$bin/source-async-sequence" source --payload "$payload" \
    --source-lines $((payload == 100 ? 200000 : 12000))
  run "$bin/reduce-counter" reduce --payload "$payload"
  run "$bin/reducestream-counter" reducestream --payload "$payload"
  run "$bin/session-counter" session --payload "$payload"
  run "$bin/accumulator-stream-sorter" accumulator --payload "$payload"
done
run "$bin/source-async-sequence" slow-source --payload 100
exit $status
