#!/bin/sh
# bootstrap.sh -- build knetsim from a fresh clone on Debian (12 or later).
#
# Installs the Debian packages the build needs (when run as root; otherwise
# prints the apt-get line to run), then runs autoreconf, configure and make.
# Arguments are passed to ./configure, e.g. ./bootstrap.sh --enable-sanitizers
set -eu

cd "$(dirname "$0")"

PACKAGES="gcc libc6-dev make autoconf automake pkg-config libglib2.0-dev libjson-glib-dev libyaml-dev libcmocka-dev libgraphviz-dev"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "bootstrap: installing$missing"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
    else
        echo "bootstrap: missing Debian packages; run as root:" >&2
        echo "  apt-get install$missing" >&2
        exit 1
    fi
fi

autoreconf -fi
./configure "$@"
make -j"$(nproc)"
