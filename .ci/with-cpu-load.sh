#!/usr/bin/env bash
# Runs a command beside one busy loop per core, so that the command gets about half the CPU it
# would alone: timing that holds only on an idle machine fails here. The loops end with it.
set -uo pipefail
loops=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  loops+=($!)
done
trap 'kill "${loops[@]}" 2>/dev/null' EXIT
"$@"
