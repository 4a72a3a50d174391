#!/bin/bash
# Instructions a map server executes per message, counted by callgrind: unlike CPU time, the
# count does not move with the host's load, so two builds compare on a noisy host where
# native.py's medians cannot (its table says when a cell's runs spread too wide). It counts the
# server's own instructions, not the kernel's, and under valgrind the server's threads take
# turns, which changes how many requests one read brings: compare builds with each other, not
# with native.py's figures.
#
# The server (async mode unless MODE says otherwise) starts under valgrind with the image's
# environment (Docker/runtime.env), takes a warm-up of 1,000 requests, then callgrind's counters
# are zeroed, COUNT requests of PAYLOAD bytes are sent by native.py's C++ client (CLIENT: each,
# batched, each-numa or batched-numa; built into .build-native if it is not there), and the
# counters are dumped. Prints one JSON line.
#
# usage: bash Benchmarks/instructions.sh BINARY CLIENT PAYLOAD COUNT [LABEL]
#   BINARY: a map-forward-message build; its debug information is stripped into a copy first
#   (valgrind 3.19 cannot read the DWARF 5 of a static release build; symbols stay).
set -euo pipefail
binary=$(realpath "$1"); client=$2; payload=$3; count=$4; label=${5:-$(basename "$(dirname "$binary")")}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap '[ -n "${server:-}" ] && kill -- -"$server" 2>/dev/null; rm -rf "$work"' EXIT
strip --strip-debug -o "$work/server" "$binary"
[ -x "$root/.build-native/map_client" ] || (cd "$root/Benchmarks" &&
  PYTHONDONTWRITEBYTECODE=1 python3 -c 'import native; native.build_native()')

(set -a && . "$root/Docker/runtime.env" && NUMAFLOW_SWIFT_RUN_DIR="$work" exec setsid \
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "$work/server" --mode "${MODE:-async}") \
  >"$work/valgrind.log" 2>&1 &
server=$!
for _ in $(seq 600); do [ -S "$work/map.sock" ] && break; sleep 0.1; done
[ -S "$work/map.sock" ] || { cat "$work/valgrind.log" >&2; exit 1; }
"$root/.build-native/map_client" "$work/map.sock" 1000 "$payload" 500 "$client" >/dev/null
callgrind_control --zero "$server" >/dev/null 2>&1
"$root/.build-native/map_client" "$work/map.sock" "$count" "$payload" 500 "$client" >/dev/null
callgrind_control --dump "$server" >/dev/null 2>&1
# The dump (callgrind.out.1) holds what ran between the two commands.
instructions=$(awk '/^(summary|totals):/ {print $2; exit}' "$work/callgrind.out.1")
printf '{"label": "%s", "client": "%s", "payload": %d, "messages": %d, "instructions_per_message": %d}\n' \
  "$label" "$client" "$payload" "$count" $((instructions / count))
