set -euo pipefail

PREFIXNAME=python
BOARD=@BOARD@
EPREFIX=/usr/local/python
STAGINGROOT=/build/prefix-@BOARD@/python/root
FINALROOT=/src/scripts/__prefix__/@BOARD@/python/root
CB_ROOT=/src/scripts/cross-boss

# Root runs Portage directly; anyone else through sudo -E, which keeps USE, FEATURES and the like.
as_root=()
[[ ${EUID} -eq 0 ]] || as_root=(sudo -E)

prefix_info() {
	cat <<INFO
Prefix:
  name:          ${PREFIXNAME}
  board:         ${BOARD}
  EPREFIX:       ${EPREFIX}
  staging root:  ${STAGINGROOT}
  final root:    ${FINALROOT}
  cross-boss:    ${CB_ROOT}
INFO
}

# Runs emerge or ebuild in the staging root the way cross-boss's cb-emerge/cb-ebuild do, but keeps
# the real exit status: cb-emerge itself always exits 0, even when the build failed.
cross_boss() {
	"${as_root[@]}" env -u SYSROOT EPREFIX="${EPREFIX}" CROSS_BOSS="${CB_ROOT}" bash -c '
		_cb_cmd=$1; shift
		source "${CROSS_BOSS}/scripts/common.sh" || exit
		export-env
		set-sysroot
		shift
		CROSS_CMD=${_cb_cmd} cross-emerge "$@"' cross-boss "$@"
}

# Portage pointed at one root of the prefix. SYSROOT is set explicitly so that a SYSROOT in the
# caller's environment cannot leak in: staging builds against itself, final installs binaries only.
in_staging() {
	"${as_root[@]}" env EPREFIX="${EPREFIX}" ROOT="${STAGINGROOT}" SYSROOT="${STAGINGROOT}" \
		PORTAGE_CONFIGROOT="${STAGINGROOT}${EPREFIX}" "$@"
}
in_final() {
	"${as_root[@]}" env -u SYSROOT EPREFIX="${EPREFIX}" ROOT="${FINALROOT}" \
		PORTAGE_CONFIGROOT="${FINALROOT}${EPREFIX}" "$@"
}

usage() {
	cat <<USAGE
