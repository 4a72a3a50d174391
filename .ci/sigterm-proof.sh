#!/usr/bin/env bash
# Runs the fixture server RUNS times as each of the README's two ways to run a server beside
# another service (runService(alongside:) and a ServiceGroup built by hand), sends SIGTERM at
# a random moment once it serves, and counts how each run ended. Any exit status but 0 is a
# failure: a trap (status 132/133/134), a crash, a hang past 20 s.
#
# usage: .ci/sigterm-proof.sh [RUNS] [BINARY]   (defaults: 1000, .build/debug/fixture-server)
set -uo pipefail
runs=${1:-1000}
binary=${2:-.build/debug/fixture-server}
[ -x "$binary" ] || { echo "no $binary: build the tests first (swift build --build-tests)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
for entry in alongside service-group; do
  declare -A statuses=()
  for ((run = 1; run <= runs; run++)); do
    dir="$work/$entry-$run"
    mkdir -p "$dir"
    NUMAFLOW_SWIFT_RUN_DIR="$dir" SWIFT_BACKTRACE=enable=no "$binary" --entry "$entry" >"$dir/log" 2>&1 &
    pid=$!
    for ((wait = 0; wait < 400; wait++)); do
      [ -n "$(find "$dir" -name '*server-info' 2>/dev/null)" ] && break
      sleep 0.01
    done
    # Anywhere from at once to 30 ms into serving: the moment the old API trapped in.
    sleep "0.0$((RANDOM % 4))"
    kill -TERM "$pid"
    status=timeout
    for ((wait = 0; wait < 2000; wait++)); do
      if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; status=$?; break; fi
      sleep 0.01
    done
    if [ "$status" = timeout ]; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; fi
    statuses[$status]=$((${statuses[$status]:-0} + 1))
    if [ "$status" != 0 ]; then
      failures=$((failures + 1))
      echo "--- $entry run $run ended with $status:"; tail -5 "$dir/log"
    fi
    rm -rf "$dir"
  done
  summary=""
  for status in "${!statuses[@]}"; do summary+=" status $status: ${statuses[$status]}"; done
  echo "$entry: $runs runs under SIGTERM;$summary"
  unset statuses
done
[ "$failures" = 0 ]
