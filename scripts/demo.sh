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

# metro run, end to end: a busybox seed served on 127.0.0.1, outer and inner hooks, a .tar.zst
# with DIGESTS. Runs in a temporary copy of examples/metro (workspace and output land there).
cp -r "${repo}/examples/metro" "${work}/metro"
mkdir -p "${work}/seed/rootfs/bin" "${work}/seed/rootfs/dev" "${work}/seed/rootfs/etc" "${work}/seed/rootfs/proc" "${work}/seed/rootfs/var/tmp"
cp "$(command -v busybox)" "${work}/seed/rootfs/bin/busybox"
for applet in sh ls cat echo id grep touch rm; do ln -s busybox "${work}/seed/rootfs/bin/${applet}"; done
mknod -m 0666 "${work}/seed/rootfs/dev/null" c 1 3
tar -C "${work}/seed/rootfs" --numeric-owner -czf "${work}/seed/busybox-seed.tar.gz" .
node "${repo}/scripts/serve.mjs" "${work}/seed" >"${work}/port" &
server=$!
trap 'kill ${server} 2>/dev/null; rm -rf "${work}" /tmp/prefixkit-demo-distfiles' EXIT
for _ in $(seq 50); do [[ -s ${work}/port ]] && break; sleep 0.1; done
sed -i "s/seed_port: 8080/seed_port: $(cat "${work}/port")/" "${work}/metro/jobs/x86_64/busybox.yaml"
cd "${work}/metro"

step 'Plan a metro job: every step and hook in run order (nothing is run)' 'prefixkit metro run --dry-run --specfile jobs/x86_64/busybox.yaml --job busybox-demo'
prefixkit metro run --dry-run --specfile jobs/x86_64/busybox.yaml --job busybox-demo

step 'Run it: download and extract the seed, run the hooks (inner ones in a chroot), pack a .tar.zst' 'prefixkit metro run --specfile jobs/x86_64/busybox.yaml --job busybox-demo'
prefixkit metro run --specfile jobs/x86_64/busybox.yaml --job busybox-demo
find output -type f | sort
zstd -dc output/demo/*.tar.zst | tar -tv --numeric-owner | head -8
