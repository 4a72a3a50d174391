#!/bin/sh
# Prints the arguments that follow `swift build` when a UDF is built for its image: the one
# place they are written, so that the image (Docker/build-rootfs.sh) and the benchmarks that
# measure a server as deployed (Benchmarks/run.sh with STATIC=1, Benchmarks/native.py --static)
# build the same binary.
#
#   -c release --static-swift-stdlib  the Swift runtime and FoundationEssentials go into the binary
#   -use-ld=bfd, -z pack-relative-relocs
#                                     GNU ld packs the position-independent binary's 2 MB of
#                                     relative relocations into a few kilobytes (glibc 2.36+)
#   --no-export-dynamic               nothing loads plugins into a UDF, so its symbols need not
#                                     be exported (3 MB of dynamic symbol tables)
#
# Each process maps less of the binary and dirties fewer pages at start-up: measured on
# 2026-12-07, map-forward-message in async mode peaks 4 MB lower than with
# --static-swift-stdlib alone (25-26 against 22 MB), its three processes in multiprocess mode
# 12-13 MB lower (Benchmarks/README.md, "Lean as native: the binary as the image builds it").
#
# The flags change how every module is compiled: build into a scratch folder of their own
# (.build-image), apart from .build.
#
# usage: swift build $(Docker/build-flags.sh) --scratch-path .build-image --product NAME
set -eu
echo "-c release --static-swift-stdlib" \
  "-Xswiftc -use-ld=bfd -Xlinker --no-export-dynamic -Xlinker -z -Xlinker pack-relative-relocs"
