#!/bin/sh
# Proves that an example's image serves as numa expects, without an engine that runs containers:
#
#   1. reads the image's user and entrypoint, and checks the user is numeric and not root;
#   2. exports the image's root filesystem into a temporary directory;
#   3. mounts a fresh, empty directory on its /var/run/numaflow and /var/numaflow/runtime, as
#      the pod's emptyDir volumes are, /proc (multiprocess mode re-executes /proc/self/exe), and
#      an /etc/hosts naming localhost, as the kubelet mounts one into every container (without
#      it, a client that resolves localhost, such as an OTLP exporter's, waits on DNS);
#   4. starts the entrypoint in it with chroot, as the image's user and with the image's
#      environment (which must carry each line of Docker/runtime.env), under `numaflow-dev check`
#      (server-info, readiness, handshake, exit status 0 on SIGTERM);
#   5. runs it again under `numaflow-dev run` on the example's input.jsonl and compares the output
#      with its expected.jsonl, once per server mode in MODES (say MODES="async sync
#      multiprocess"; by default, the entrypoint as it is). The example's run.args holds the
#      kind and options `run` takes for it, such as `reduce --window fixed:60s`;
#   6. prints the image's size and fails above SIZE_LIMIT_MB (default 41, or the number in the
#      example's size-limit-mb: map-observed carries two exporters). The default was 40 until
#      the SDK linked swift-distributed-tracing and swift-metrics (+0.43 MB, 2026-12-05).
#
# usage: Docker/check-image.sh ENGINE IMAGE EXAMPLE NUMAFLOW_DEV   (as root: chroot and mount)
set -eu

if [ "$#" -ne 4 ]; then
  echo "usage: $0 ENGINE IMAGE EXAMPLE NUMAFLOW_DEV" >&2
  exit 2
fi
engine=$1
image=$2
example=$3
numaflow_dev=$4
directory=Examples/$example
size_limit_mb=${SIZE_LIMIT_MB:-$(cat "$directory/size-limit-mb" 2>/dev/null || echo 41)}

fail() {
  echo "✗ $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "chroot and mount need root: run as root, or in a root container"
for file in run.args input.jsonl expected.jsonl; do
  [ -f "$directory/$file" ] || fail "$directory/$file is missing: image-check drives the example with it"
done
run_args=$(cat "$directory/run.args")

user=$($engine image inspect --format '{{.Config.User}}' "$image")
entrypoint=$($engine image inspect --format '{{join .Config.Entrypoint " "}}' "$image")
bytes=$($engine image inspect --format '{{.Size}}' "$image")
echo "$image: entrypoint $entrypoint, user $user"
case $user in
  0 | 0:* | root | root:* | "") fail "the image runs as root: set USER to a numeric non-root uid:gid" ;;
  *[!0-9:]*) fail "the image's user $user is not numeric: Kubernetes cannot check a name is not root" ;;
esac
uid=${user%%:*}
gid=${user#*:}

image_env=$($engine image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image")
missing=$(grep -v '^#' "$(dirname "$0")/runtime.env" | grep . | while IFS= read -r line; do
  printf '%s\n' "$image_env" | grep -qxF "$line" || printf ' %s' "$line"
done)
[ -z "$missing" ] || fail "the image's ENV lacks$missing (Docker/runtime.env: the environment every image runs with)"
[ "$gid" != "$user" ] || gid=$uid

work=$(mktemp -d)
rootfs=$work/rootfs
run=$work/var-run-numaflow
runtime=$work/var-numaflow-runtime
cleanup() {
  umount "$rootfs/proc" 2>/dev/null || true
  umount "$rootfs/var/run/numaflow" 2>/dev/null || true
  umount "$rootfs/var/numaflow/runtime" 2>/dev/null || true
  umount "$rootfs/etc/hosts" 2>/dev/null || true
  rm -rf --one-file-system "$work"   # never into a mount that would not come off
}
trap cleanup EXIT INT TERM

container=$($engine create "$image")
mkdir -p "$rootfs"
$engine export "$container" | tar -x -C "$rootfs"
$engine rm "$container" >/dev/null
for volume in "$run:/var/run/numaflow" "$runtime:/var/numaflow/runtime"; do
  mkdir -p "${volume%%:*}" "$rootfs${volume#*:}"
  chmod 0777 "${volume%%:*}"
  mount --bind "${volume%%:*}" "$rootfs${volume#*:}"
done
mkdir -p "$rootfs/proc" "$rootfs/etc"
mount -t proc proc "$rootfs/proc"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$work/hosts"
touch "$rootfs/etc/hosts"
mount --bind "$work/hosts" "$rootfs/etc/hosts"

# env drops the run directory numaflow-dev names on the host: inside the image the server uses
# /var/run/numaflow, which is $run. It adds the image's environment, as a container runtime does.
# chroot execs the entrypoint, so numaflow-dev stops it by PID.
set -- env -u NUMAFLOW_SWIFT_RUN_DIR
while IFS= read -r variable; do
  [ -z "$variable" ] || set -- "$@" "$variable"
done <<EOF
$image_env
EOF
set -- "$@" chroot --userspec="$uid:$gid" "$rootfs" $entrypoint

echo "numaflow-dev check:"
"$numaflow_dev" check --run-dir "$run" -- "$@" || fail "numaflow-dev check failed inside the image"

for mode in ${MODES:-entrypoint}; do
  [ "$mode" = entrypoint ] && mode_option="" || mode_option="--mode $mode"
  echo "numaflow-dev run $run_args --input $directory/input.jsonl -- <entrypoint> $mode_option:"
  # shellcheck disable=SC2086 # run.args and mode_option hold several words
  "$numaflow_dev" run $run_args --input "$directory/input.jsonl" --run-dir "$run" -- "$@" $mode_option \
    >"$work/output.jsonl" || fail "numaflow-dev run failed inside the image ($mode)"
  if ! diff -u "$directory/expected.jsonl" "$work/output.jsonl"; then
    fail "the image's output ($mode) differs from $directory/expected.jsonl (- expected, + got)"
  fi
  echo "✓ output ($mode): $(wc -l <"$work/output.jsonl") lines, as $directory/expected.jsonl"
done

megabytes=$(awk -v bytes="$bytes" 'BEGIN { printf "%.2f", bytes / 1000000 }')
if awk -v bytes="$bytes" -v limit="$size_limit_mb" 'BEGIN { exit !(bytes > limit * 1000000) }'; then
  fail "image size: $megabytes MB ($bytes bytes), above the $size_limit_mb MB limit"
fi
echo "✓ image size: $megabytes MB ($bytes bytes; limit $size_limit_mb MB)"
