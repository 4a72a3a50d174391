#!/usr/bin/env bash
# Soak: each example served for MINUTES under steady load (numaflow-dev bench, one stream at a
# time, back to back, as numa's steady traffic), while its resident memory, descriptors and
# threads are sampled every 5 s (the server and its worker processes together). Flat means the
# last minute's samples are no higher than the first minute's (+10% and +4 MiB for memory, +0
# for descriptors and threads): a slow leak shows as growth between the two.
#
# usage: Benchmarks/soak.sh [MINUTES] [EXAMPLE:KIND[:MODE] ...]
#        (default 30 minutes per example; every example numaflow-dev bench drives, async)
# Writes Benchmarks/results/soak-<time>.jsonl (samples) and prints one summary line per example.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-30}
shift || true
PAIRS=("$@")
if [ ${#PAIRS[@]} -eq 0 ]; then
  PAIRS=(map-forward-message:map mapstream-flatmap-stream:mapstream batchmap-flatmap:batchmap
    sourcetransform-event-time-filter:transformer source-simple:source sink-log:sink reduce-counter:reduce
    reducestream-counter:reducestream accumulator-stream-sorter:accumulator session-counter:session
    sideinput-simple:sideinput serving-in-memory:serving map-forward-message:map:multiprocess)
fi
OUT=Benchmarks/results
mkdir -p "$OUT"
SAMPLES="$OUT/soak-$(date +%Y%m%d-%H%M%S).jsonl"
# Every server as the image runs it.
set -a
. Docker/runtime.env
set +a

products=(numaflow-dev)
for pair in "${PAIRS[@]}"; do products+=("${pair%%:*}"); done
for product in $(printf '%s\n' "${products[@]}" | sort -u); do swift build -c release --product "$product" >&2; done
BIN=$(swift build -c release --show-bin-path)

# The server and its children: resident KiB, descriptors, threads.
sample() {
  local root=$1 rss=0 fds=0 threads=0 pid
  for pid in $root $(cat /proc/"$root"/task/*/children 2>/dev/null); do
    [ -r /proc/"$pid"/status ] || continue
    rss=$((rss + $(awk '/^VmRSS:/ {print $2}' /proc/"$pid"/status)))
    threads=$((threads + $(awk '/^Threads:/ {print $2}' /proc/"$pid"/status)))
    fds=$((fds + $(find /proc/"$pid"/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)))
  done
  echo "$rss $fds $threads"
}

status=0
for pair in "${PAIRS[@]}"; do
  IFS=: read -r example kind mode <<<"$pair"
  mode=${mode:-async}
  run=$(mktemp -d)
  NUMAFLOW_SWIFT_RUN_DIR=$run "$BIN/$example" --mode "$mode" >/dev/null 2>"$run/server.log" &
  server=$!
  for _ in $(seq 200); do compgen -G "$run/*-server-info" >/dev/null && compgen -G "$run/*.sock" >/dev/null && break; sleep 0.05; done
  socket=$(compgen -G "$run/*.sock" | head -n 1)
  end=$((SECONDS + MINUTES * 60))
  messages=0
  # Unary kinds (a side-input retriever, a serving store) answer a call at a time: fewer per round.
  count=20000
  case $kind in sideinput | serving) count=2000 ;; esac
  (
    while [ $SECONDS -lt $end ]; do
      "$BIN/numaflow-dev" bench "$kind" --socket "$socket" --count $count --warmup 0 --keys 100 >/dev/null 2>>"$run/bench.log" || exit 1
      echo $count
    done
  ) >"$run/counts" &
  load=$!
  start=$SECONDS
  while kill -0 $load 2>/dev/null; do
    read -r rss fds threads < <(sample $server)
    echo "{\"example\":\"$example\",\"mode\":\"$mode\",\"second\":$((SECONDS - start)),\"rss_kib\":$rss,\"fds\":$fds,\"threads\":$threads}" >>"$SAMPLES"
    sleep 5
  done
  wait $load || { echo "$example: the load failed: $(tail -n 3 "$run/bench.log")" >&2; status=1; }
  messages=$(awk '{s += $1} END {print s + 0}' "$run/counts")
  kill -TERM $server; wait $server || true
  python3 - "$SAMPLES" "$example" "$mode" "$MINUTES" "$messages" <<'PY' || status=1
import json, sys
path, example, mode, minutes, messages = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
rows = [r for r in map(json.loads, open(path)) if r["example"] == example and r["mode"] == mode]
span = min(60, max(10, minutes * 60 / 4))
first = [r for r in rows if r["second"] <= span]
last = [r for r in rows if r["second"] >= rows[-1]["second"] - span]
top = lambda rs, k: max(r[k] for r in rs)
flat = (top(last, "rss_kib") <= top(first, "rss_kib") * 1.1 + 4096
        and top(last, "fds") <= top(first, "fds") and top(last, "threads") <= top(first, "threads"))
print(json.dumps({"example": example, "mode": mode, "minutes": minutes, "messages": messages,
                  "rss_mib_first": round(top(first, "rss_kib") / 1024, 1), "rss_mib_last": round(top(last, "rss_kib") / 1024, 1),
                  "rss_mib_peak": round(top(rows, "rss_kib") / 1024, 1),
                  "fds_first": top(first, "fds"), "fds_last": top(last, "fds"),
                  "threads_first": top(first, "threads"), "threads_last": top(last, "threads"), "flat": flat}))
sys.exit(0 if flat else 1)
PY
  rm -rf "$run"
done
exit $status
