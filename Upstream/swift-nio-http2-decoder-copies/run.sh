#!/bin/bash
# map-forward-message built as the image builds it, against swift-nio-http2 as it is (.build-image)
# and with the change apply.py makes (.build-nio-http2-changed, a copy of .build-image whose
# checkout is changed), then both measured in one run: instructions per message under callgrind
# (Benchmarks/instructions.sh: steady on a noisy host) and CPU time against the C++ echo
# (Benchmarks/native.py). About 30 minutes on 2 cores, a third of it the second build.
#
# usage: bash Upstream/swift-nio-http2-decoder-copies/run.sh [RUNS]   (native.py's runs, default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
read -ra flags <<<"$(Docker/build-flags.sh)"
changed=.build-nio-http2-changed
swift build "${flags[@]}" --scratch-path .build-image --product map-forward-message
rm -rf "$changed" && cp -a .build-image "$changed"
rm -rf "$changed"/*/release/ModuleCache  # its modules name the folder they were built in
python3 Upstream/swift-nio-http2-decoder-copies/apply.py "$changed/checkouts/swift-nio-http2"
swift build "${flags[@]}" --scratch-path "$changed" --product map-forward-message

for client in each batched each-numa batched-numa; do
  for payload in 100 10240; do
    count=$([ "$payload" = 100 ] && echo 20000 || echo 5000)
    bash Benchmarks/instructions.sh .build-image/release/map-forward-message "$client" "$payload" "$count" as-it-is
    bash Benchmarks/instructions.sh "$changed/release/map-forward-message" "$client" "$payload" "$count" changed
  done
done
python3 Benchmarks/native.py --static --runs "${1:-5}" --only cpp-echo swift-async nio-http2-changed-async \
  --clients each batched each-numa batched-numa --baseline-bin "$changed/release" --baseline-label nio-http2-changed
