#!/bin/bash
# The main jobs on built-in examples: plan a prefix, write its config and wrappers, use a
# wrapper's help, list it, remove it. Runs in a temporary copy of examples/prefix/scripts-root.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d /tmp/prefixkit-demo.XXXXXX)
trap 'rm -rf "${work}"' EXIT
cp -r examples/prefix/scripts-root "${work}/scripts"
cd "${work}/scripts"
setup_prefix() { node "${repo}/bin/setup_prefix.js" "$@"; }
prefixkit() { node "${repo}/bin/prefixkit.js" "$@"; }
step() { printf '\n\033[1m### %s\033[0m\n$ %s\n' "$1" "$2"; }

step 'Plan a prefix (nothing is changed)' "setup_prefix --dry-run --staging_dir ${work}/build/python python /usr/local/python"
setup_prefix --dry-run --staging_dir "${work}/build/python" python /usr/local/python

step 'Write its directories, Portage config and wrappers (no bootstrap)' 'setup_prefix --config_only ...'
setup_prefix --config_only --staging_dir "${work}/build/python" python /usr/local/python
find "${work}/scripts/__prefix__/amd64-usr/python" "${work}/scripts/wrappers" | sed "s|${work}/||" | sort

step 'The emerge wrapper explains itself' 'wrappers/emerge-prefix-python-amd64-usr --help'
wrappers/emerge-prefix-python-amd64-usr --help

step 'Known prefixes' 'prefixkit prefix list'
prefixkit prefix list

step 'A mistake gets one clear line (exit 2)' 'setup_prefix python /usr'
setup_prefix python /usr || echo "(exit $?)"

step 'Remove it again: only what prefixkit recorded' 'setup_prefix --uninstall python'
setup_prefix --uninstall python
prefixkit prefix list

step 'Render a mark-devkit job spec as `mark-devkit diagnose job` does' 'prefixkit diagnose job --specfile examples/metro/jobs/x86_64/stage3.yaml --job stage3-next'
(cd "${repo}" && prefixkit diagnose job --quiet --specfile examples/metro/jobs/x86_64/stage3.yaml --job stage3-next)

step 'Render a Go/Helm template with values' "prefixkit template render --set arch=arm64 --set 'extras={kde,gnome}' -"
printf '%s\n' 'stage3-{{ .Values.arch }}{{ if .Values.extras }}+{{ join "+" .Values.extras }}{{ end }}.tar.xz' |
	prefixkit template render --set arch=arm64 --set 'extras={kde,gnome}' -
