#!/usr/bin/env bash
# make fuzz: builds the libFuzzer driver (the modules with decoders instrumented for coverage,
# address sanitizer on; see Package.swift) and runs each target for FUZZ_SECONDS, from its
# committed corpus in Fuzz/Corpus/<target> plus what earlier runs here found
# (.build-fuzz/corpus/<target>), FUZZ_JOBS targets at a time (default: one per core). A crash
# or a broken property stops that target's run and fails this script; the input is in
# .build-fuzz/artifacts/<target>/, to be committed to Fuzz/Corpus/<target>/ as crash-<what> with
# its fix.
#
#   Fuzz/run.sh SECONDS [TARGET...]     (no target: every one)
#
# FUZZ_SCRATCH: the build folder (default .build-fuzz). CI passes .build, where the tests were
# built: only this package's modules compile again. The next plain build there compiles them
# back without instrumentation.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
state=.build-fuzz
scratch=${FUZZ_SCRATCH:-$state}

build=(swift build --scratch-path "$scratch")
NUMAFLOW_FUZZ=1 "${build[@]}" --product numaflow-fuzz
binary=$(NUMAFLOW_FUZZ=1 "${build[@]}" --show-bin-path)/numaflow-fuzz

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls Fuzz/Corpus)
fi

# One target per core at a time (each libFuzzer run is one thread). Each writes its summary
# line to a file, read back in the targets' order once all have ended.
jobs=${FUZZ_JOBS:-$(nproc)}
fuzz() {
  local target=$1 corpus="$state/corpus/$1" artifacts="$state/artifacts/$1/" log="$state/fuzz-$1.log"
  mkdir -p "$corpus" "$artifacts"
  echo "fuzzing $target for ${seconds}s"
  local result=ok
  # Swift's runtime keeps its metadata caches until exit: not leaks, so LeakSanitizer is off.
  if ! NUMAFLOW_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" \
    -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1; then
    result="FAILED (see $log and $artifacts)"
  fi
  local runs coverage found
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo "?")
  found=$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  printf '%-18s %10s runs %6s edges %5s new inputs  %s\n' "$target" "$runs" "$coverage" "$found" "$result" \
    >"$state/fuzz-$target.summary"
}

rm -f "$state"/fuzz-*.summary
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz "$target" &
  running=$((running + 1))
done
wait

status=0
for target in "${targets[@]}"; do
  cat "$state/fuzz-$target.summary" 2>/dev/null || echo "$target: ended without a summary"
  if ! grep -qs ' ok$' "$state/fuzz-$target.summary"; then
    status=1
    tail -n 30 "$state/fuzz-$target.log"
  fi
done
exit $status
