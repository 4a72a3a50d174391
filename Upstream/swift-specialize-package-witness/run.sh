#!/usr/bin/env bash
# Builds the reproduction in release mode and says whether the specialization was emitted.
# usage: Upstream/swift-specialize-package-witness/run.sh   (exit 1 when reproduced)
set -u
cd "$(dirname "$0")"
swift --version 2>&1 | head -1
output=$(swift build -c release --scratch-path .build 2>&1)
if grep 'undefined reference' <<<"$output"; then
  echo "reproduced: Lib's object file refers to the exported specialization but does not define it:"
  nm "$(find .build -name Lib.swift.o | head -1)" | grep 'SecondV_Ts5'
  exit 1
fi
echo "not reproduced: the release build linked"
