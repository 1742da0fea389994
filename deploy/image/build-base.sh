#!/bin/sh
# Builds the two local base images deploy/Dockerfile starts from, out of Debian's packages alone
# (no container registry is contacted):
#
#   watcher-jdk:SUITE   Debian minbase + openjdk-17-jdk-headless (with jmods, for jlink), binutils
#                       (jlink --strip-debug runs objcopy), curl and unzip (the Maven wrapper); used
#                       by the build stages only.
#   watcher-base:SUITE  Debian minbase (glibc, bash, useradd): the runtime image's base. The Java
#                       runtime is jlinked in the Dockerfile and copied on top.
#
# Needs root, debootstrap (apt-get install debootstrap) and docker (or podman: DOCKER=podman).
# Usage: deploy/image/build-base.sh [SUITE [MIRROR]]   (default: bookworm, debootstrap's mirror)
# Behind a TLS-intercepting proxy, EXTRA_CA_CERTS=/path/to/ca.crt (PEM) adds its CA to the JDK
# image's trust stores (system and Java), so that the Maven wrapper reaches Maven Central.
set -eu

suite=${1:-bookworm}
mirror=${2:-}
docker=${DOCKER:-docker}

if [ "$(id -u)" -ne 0 ]; then
    echo "build-base.sh: debootstrap needs root" >&2
    exit 77
fi
for tool in debootstrap "$docker"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "build-base.sh: $tool is missing" >&2
        exit 69
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Builds one root file system with debootstrap and imports it as image $1 (with $2 = extra packages).
build() {
    name=$1
    packages=$2
    root="$work/$name"
    # shellcheck disable=SC2086 # $mirror is empty or one word
    debootstrap --variant=minbase ${packages:+--include="$packages"} "$suite" "$root" $mirror
    if [ -n "${EXTRA_CA_CERTS:-}" ] && [ -d "$root/etc/ssl/certs/java" ]; then
        cp "$EXTRA_CA_CERTS" "$root/usr/local/share/ca-certificates/extra-ca.crt"
        # The Java trust store's hook runs java, which finds its libraries through /proc/self/exe.
        mount -t proc proc "$root/proc"
        updated=0
        chroot "$root" update-ca-certificates || updated=$?
        umount "$root/proc"
        [ "$updated" -eq 0 ]
    fi
    # What an image does not need: package indexes, caches, documentation, manual pages.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/info/*
    tar -C "$root" -c . | "$docker" import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["bash"]' \
        - "$name:$suite"
    echo "built $name:$suite"
}

build watcher-base ""
build watcher-jdk "openjdk-17-jdk-headless,binutils,curl,unzip"
