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
zstd -dc output/demo/*.tar.zst | tar -tv --numeric-owner | sed -n 1,8p

# sysext: a tiny real prefix (a program built for /usr/local/pkdemo, with its own glibc and
# loader), checked for self-containment, baked, read back, and merged by systemd-sysext.
cd "${work}"
P=/usr/local/pkdemo
root=${work}/pkdemo/root
case $(uname -m) in aarch64) loader=ld-linux-aarch64.so.1 libc=/lib/aarch64-linux-gnu/libc.so.6 ;; *) loader=ld-linux-x86-64.so.2 libc=/lib/x86_64-linux-gnu/libc.so.6 ;; esac
mkdir -p "${root}${P}/usr/bin" "${root}${P}/lib64" "${work}/images"
printf '#include <stdio.h>\nint main(void) { puts("hello from pkdemo"); return 0; }\n' >"${work}/hello.c"
gcc -O2 -o "${root}${P}/usr/bin/hello" "${work}/hello.c" -Wl,--dynamic-linker=${P}/lib64/${loader} -Wl,-rpath,${P}/lib64
cp -L "${libc}" "/lib64/${loader}" "${root}${P}/lib64/"
patchelf --set-interpreter "${P}/lib64/${loader}" "${root}${P}/lib64/libc.so.6"

step 'Is the prefix self-contained? (interpreters, libraries, RUNPATHs, shebangs, symlinks)' "prefixkit verify pkdemo/root --eprefix ${P}"
prefixkit verify pkdemo/root --eprefix "${P}"

step 'Bake it into a reproducible systemd-sysext image' 'prefixkit sysext bake pkdemo/root --name pkdemo --output images'
prefixkit sysext bake pkdemo/root --name pkdemo --output images

step 'Read the image back' 'prefixkit sysext inspect images/pkdemo.raw'
prefixkit sysext inspect images/pkdemo.raw

step 'Would systemd merge it here? A real merge into a scratch root, running the program' "prefixkit sysext check images/pkdemo.raw --run ${P}/usr/bin/hello"
prefixkit sysext check images/pkdemo.raw --run "${P}/usr/bin/hello"

step 'And on a Flatcar host? (ID=flatcar, SYSEXT_LEVEL=1.0): systemd skips an ID=fedora image, and says why' 'prefixkit sysext check ... --os-release flatcar-os-release'
printf 'ID=flatcar\nVERSION_ID=4081.2.0\nSYSEXT_LEVEL=1.0\n' >"${work}/flatcar-os-release"
prefixkit sysext bake pkdemo/root --name pkdemo-fedora --os fedora --sysext-level 1.0 --output images --quiet
prefixkit sysext check images/pkdemo-fedora.raw --os-release "${work}/flatcar-os-release" || echo "(exit $?)"
