#!/bin/bash
# A recording stand-in for Gentoo's fchroot, installed as <dir>/fchroot by the tests: writes its
# arguments, environment and working directory to <dir>/fchroot.{argv,env,cwd} (NUL-separated,
# exactly as received), copies the host's resolv.conf into the rootfs as the real one does, then
# runs the command with a plain chroot so that the hook really runs.
set -euo pipefail
here=${0%/*}
printf '%s\0' "$@" > "$here/fchroot.argv"
cat /proc/$$/environ > "$here/fchroot.env"
readlink /proc/$$/cwd > "$here/fchroot.cwd"

while [[ $# -gt 0 && $1 == -* ]]; do shift; done   # -v, --debug, --preserve-env, --cpu=, --bind=
rootfs=$1
shift
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
exec chroot "$rootfs" "$@"
