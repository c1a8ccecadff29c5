# Stand-in for cross-boss's scripts/common.sh (sourced by the emerge/ebuild wrappers with the
# staging root as $1). It sets up the same variables the real one derives and defines the same
# functions; cross-emerge runs $CROSS_CMD (emerge or ebuild) from PATH, as crossdev's
# ${CHOST}-emerge would, so the recording fakes see the environment a real build gets.
ROOT=${1%/}
EROOT=${ROOT}${EPREFIX:-}
SYSROOT=${SYSROOT:-${ROOT}}
ESYSROOT=${SYSROOT}${EPREFIX:-}
PORTAGE_CONFIGROOT=${EROOT}
CROSS_CMD=emerge
if [[ -z ${ROOT} ]]; then echo "Please specify a target directory." >&2; exit 1; fi

export-env() { export CROSS_CMD PORTAGE_CONFIGROOT ROOT; }
set-sysroot() { export SYSROOT; }
cross-emerge() { "${CROSS_CMD}" "$@"; }
