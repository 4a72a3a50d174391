#!/bin/sh
# Lays out the root filesystem of a FROM scratch runtime image around one UDF binary:
#
#   /usr/local/bin/udf                  the binary (Swift standard library linked statically)
#   /lib..., /usr/lib...                every shared library ldd finds it needs, and the loader,
#                                       each at the path the binary resolves it from
#   /etc/passwd, /etc/group             the numeric non-root user 65532 (nonroot) and its group
#   /tmp                                world-writable, sticky
#
# The libraries come from the binary itself, never from a list: what ldd resolves is what is
# copied. Both Docker/Dockerfile (registry build) and `make image-local` (offline, from a binary
# built on the host) call this script, so both images have the same layout.
#
# usage: Docker/stage-rootfs.sh BINARY ROOTFS
set -eu

if [ "$#" -ne 2 ] || [ ! -x "$1" ]; then
  echo "usage: $0 BINARY ROOTFS  (BINARY must be an executable file)" >&2
  exit 2
fi
binary=$1
rootfs=$2

if ! ldd "$binary" >/dev/null 2>&1; then
  echo "$0: ldd cannot read $binary: is it a dynamically linked ELF binary for this machine?" >&2
  exit 1
fi
if ldd "$binary" | grep -q 'not found'; then
  echo "$0: $binary needs libraries this machine does not have:" >&2
  ldd "$binary" | grep 'not found' >&2
  exit 1
fi

mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
# Symbols stay out of the image: a crash report from numa names the Swift function anyway.
strip --strip-unneeded -o "$rootfs/usr/local/bin/udf" "$binary"

# Lines are either "name => /path (0x...)" or "/path/of/the/loader (0x...)"; vdso has no file.
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
  while read -r library; do
    mkdir -p "$rootfs$(dirname "$library")"
    cp -L "$library" "$rootfs$library"
  done

echo 'nonroot:x:65532:65532:nonroot:/nonexistent:/sbin/nologin' >"$rootfs/etc/passwd"
echo 'nonroot:x:65532:' >"$rootfs/etc/group"
