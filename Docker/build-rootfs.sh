#!/bin/sh
# Builds one example for a FROM scratch image and lays out its root filesystem: what both
# Docker/Dockerfile (in Swift's image) and `make image-local` (on the host) run, so that the two
# images are the same. The build's flags are Docker/build-flags.sh's (and why).
#
# usage: Docker/build-rootfs.sh EXAMPLE ROOTFS  (SCRATCH_PATH: SwiftPM's build folder, default
#        .build-image, kept apart from .build because these flags rebuild every module)
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 EXAMPLE ROOTFS" >&2
  exit 2
fi
example=$1
rootfs=$2
scratch=${SCRATCH_PATH:-.build-image}
package=""
if [ -f "Examples/$example/Package.swift" ]; then
  # An example with a package of its own (map-observed) builds from its folder.
  package="--package-path Examples/$example"
  scratch=$scratch-$example
fi
flags="$("$(dirname "$0")/build-flags.sh") --scratch-path $scratch $package"

# shellcheck disable=SC2086 # flags is a list of arguments
swift build $flags --product "$example"
# shellcheck disable=SC2086
binary="$(swift build $flags --show-bin-path)/$example"
rm -rf "$rootfs"
"$(dirname "$0")/stage-rootfs.sh" "$binary" "$rootfs"
