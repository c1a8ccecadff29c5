#!/bin/bash
# Installs the Debian packages prefixkit and its tests use, only those that are missing.
# Usage: scripts/install-deps.sh [--check]   (--check: list what is missing, install nothing)
set -euo pipefail

# command -> Debian package that provides it
declare -A PACKAGES=(
	[tar]=tar [bzip2]=bzip2 [xz]=xz-utils [zstd]=zstd [gzip]=gzip [unshare]=util-linux [mount]=mount
	[git]=git [bash]=bash [sha256sum]=coreutils
	# metro: multi-threaded compressors, xattrs and ACLs, the busybox rootfs of the tests and the demo
	[pixz]=pixz [pigz]=pigz [lbzip2]=lbzip2 [setfattr]=attr [setfacl]=acl [busybox]=busybox-static [curl]=curl
	# sysext: image tools, systemd's own checks, loop devices; gcc and patchelf build the test prefix
	[mksquashfs]=squashfs-tools [unsquashfs]=squashfs-tools [mkfs.erofs]=erofs-utils [fsck.erofs]=erofs-utils
	[systemd-sysext]=systemd [systemd-dissect]=systemd-container [losetup]=mount [gcc]=gcc [patchelf]=patchelf
)
# file -> Debian package, for what is not a command
declare -A FILES=(
	[/usr/include/stdio.h]=libc6-dev
)

missing=()
for cmd in "${!PACKAGES[@]}"; do
	command -v "${cmd}" >/dev/null 2>&1 || missing+=("${PACKAGES[${cmd}]}")
done
for file in "${!FILES[@]}"; do
	[[ -e ${file} ]] || missing+=("${FILES[${file}]}")
done
if (( ${#missing[@]} == 0 )); then exit 0; fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [[ ${1-} == --check ]]; then printf 'missing: %s\n' "${missing[*]}"; exit 1; fi

echo "install-deps: installing ${missing[*]}" >&2
as_root=()
[[ ${EUID} -eq 0 ]] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
