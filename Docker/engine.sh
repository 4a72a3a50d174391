#!/bin/sh
# Prints the container engine to build images with: docker when its daemon answers, else podman.
# With neither, installs Debian's podman (as root, with apt-get), which builds images without a
# daemon. Everything but the engine's name goes to stderr, so that `make` can read stdout.
set -eu

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo docker
  exit 0
fi
if ! command -v podman >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "$0: no container engine: install docker or podman (Debian: apt-get install podman)" >&2
    exit 1
  fi
  echo "installing Debian's podman to build images" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq podman >&2
fi
echo podman
