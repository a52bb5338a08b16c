#!/usr/bin/env bash
# `make container-test`: build the Containerfile for real and run qogam inside it.
#
# Container registries are out of reach here, so the base is made locally: debootstrap lays out Debian 12
# (python3 3.11, venv, pip) from the Debian mirror this machine's apt already uses, buildah imports it as
# localhost/qogam-base:bookworm, and the Containerfile is built on it with --build-arg BASE=... (chroot
# isolation: no daemon, no user namespaces needed). deploy/container_check.py then runs `qogam run`
# inside against the fake Bot API on 127.0.0.1 and checks an answer, /healthz and a backup.
# Takes minutes (docs/operations.md says how long); not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${QOGAM_CONTAINER_WORK:-/var/tmp/qogam-container}
BASE_IMAGE=localhost/qogam-base:bookworm
IMAGE=${QOGAM_IMAGE:-localhost/qogam:test}
mkdir -p "$WORK"

need() {  # command, Debian package
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (apt-get)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
    fi
}
need buildah buildah
need debootstrap debootstrap

mirror() {  # the first Debian archive URI apt is configured with (deb822 or one-line format)
    local uri
    uri=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
          | grep -v -- '-security' | head -n1 || true)
    if [ -z "$uri" ]; then
        uri=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
              | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
    fi
    echo "$uri"
}

started=$(date +%s)
if ! buildah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
    MIRROR=$(mirror)
    [ -n "$MIRROR" ] || { echo "no Debian mirror in /etc/apt: cannot debootstrap a base" >&2; exit 1; }
    echo "debootstrap bookworm into $WORK/rootfs" >&2
    rm -rf "$WORK/rootfs" "$WORK/rootfs.tar"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
    # This machine's trust store, so pip inside the build reaches PyPI as the host does.
    cp /etc/ssl/certs/ca-certificates.crt "$WORK/rootfs/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
    tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
    ctr=$(buildah from scratch)
    buildah add "$ctr" "$WORK/rootfs.tar" / >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
    buildah commit --quiet "$ctr" "$BASE_IMAGE" >/dev/null
    buildah rm "$ctr" >/dev/null
    rm -rf "$WORK/rootfs" "$WORK/rootfs.tar"
    echo "base image made in $(( $(date +%s) - started )) s" >&2
fi

built=$(date +%s)
buildah bud --isolation chroot --format docker --layers --build-arg "BASE=$BASE_IMAGE" \
    -t "$IMAGE" -f Containerfile . >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log" >&2; exit 1; }
echo "image $IMAGE built in $(( $(date +%s) - built )) s" >&2

.venv/bin/python deploy/container_check.py "$IMAGE"
echo "container-test passed in $(( $(date +%s) - started )) s" >&2
