#!/usr/bin/env bash
# A new user's first steps, for each kind given: `numaflow-dev init KIND my-KIND --local-path
# <this checkout>`, then `swift test`, then the `numaflow-dev run` line its README gives, on its
# sample input, and its `numaflow-dev pipeline run` line on its manifest.
# The first kind takes those steps in its own package, as a user does. The packages of the others
# are built and tested together, in one package that holds all their targets with the
# dependencies their own manifests declare (.ci/combine-scaffolds.py): one build plan, one test
# bundle and one test run instead of one each (about 35 s a kind here); then each package's
# README lines run against that build.
# Fails on the first kind whose package does not build, whose test fails, or whose server or
# pipeline produces nothing.
#
# usage: .ci/check-scaffold.sh NUMAFLOW_DEV KIND...
#   SCAFFOLD_BUILD_OPTIONS: options for the packages' swift commands. CI passes
#   "--scratch-path $PWD/.build" so that they reuse this checkout's build of the dependencies
#   (a package of its own builds them again: about 6 minutes each).
set -euo pipefail

numaflow_dev=$(realpath "$1")
shift
checkout=$(realpath "$(dirname "$0")/..")
read -r -a build_options <<<"${SCAFFOLD_BUILD_OPTIONS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs the first line of the package's README that starts with `$1` ("numaflow-dev run ", ...),
# with this checkout's numaflow-dev and the package's build directory; it must print something.
run_readme_line() {
  local command output
  command=$(grep -m 1 "^$1" README.md)
  command=${command/#numaflow-dev /\"$numaflow_dev\" }
  command=${command//.build\/debug/$bin}
  echo "\$ $command"
  output=$(eval "$command" 2>"$work/stderr") || {
    cat "$work/stderr" >&2
    echo "✗ $kind: the README's $1line failed" >&2
    exit 1
  }
  [ -n "$output" ] || {
    cat "$work/stderr" >&2
    echo "✗ $kind: the README's $1line printed nothing" >&2
    exit 1
  }
  echo "$output"
}

# The README's two lines of the package in the current folder, its server from $bin.
run_readme_lines() {
  run_readme_line "numaflow-dev run "
  # The whole pipeline of the package's manifest, its server in it.
  run_readme_line "numaflow-dev pipeline run "
}

first=$1
shift
for kind in "$first" "$@"; do
  "$numaflow_dev" init "$kind" "my-$kind" --local-path "$checkout" --into "$work"
done

# Each package's Dockerfile runs the server with the environment the SDK's images have.
while IFS= read -r variable; do
  for kind in "$first" "$@"; do
    grep -qE "^ENV (.* )?$variable( |\$)" "$work/my-$kind/Dockerfile" || {
      echo "✗ $kind: the scaffold's Dockerfile does not set $variable (Docker/runtime.env)" >&2
      exit 1
    }
  done
done < <(grep -v '^#' "$checkout/Docker/runtime.env" | grep .)

echo "== $first, in its own package"
cd "$work/my-$first"
kind=$first
swift test "${build_options[@]}"
bin=$(swift build "${build_options[@]}" --show-bin-path)
run_readme_lines

if [ $# -gt 0 ]; then
  echo "== $*, built and tested together"
  cd "$work"
  python3 "$checkout/.ci/combine-scaffolds.py" "$work" "${@/#/my-}"
  swift test "${build_options[@]}"
  bin=$(swift build "${build_options[@]}" --show-bin-path)
  for kind in "$@"; do
    echo "== $kind"
    cd "$work/my-$kind"
    run_readme_lines
  done
fi
cd "$checkout"
echo "✓ scaffolds: $first $*"
