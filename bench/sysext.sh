#!/bin/bash
# sysext bake beside the plain tool on the same ~200 MB tree (shared libraries copied from this
# host's /usr/lib plus /usr/share/doc's many small files, under usr/local/bench): prefixkit's bake
# (validation, overlay staging in a mount namespace, release file, rename, sha256) next to
# `mksquashfs SRC OUT -all-root -noappend`, with the ratio (goal: <= 1.05). Also bake with the
# architecture detected from the ELF files (every file's first bytes read). Root.
#   bench/sysext.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cache=${PREFIXKIT_BENCH_CACHE:-/var/tmp/prefixkit-bench}
(( EUID == 0 )) || { echo "bench: run as root" >&2; exit 2; }
command -v mksquashfs >/dev/null || { echo "bench: mksquashfs missing (apt-get install squashfs-tools)" >&2; exit 2; }
[[ -x $here/node_modules/.bin/esbuild ]] || { echo "bench: run npm install first" >&2; exit 2; }

tree=$cache/sysext-tree
if [[ ! -d $tree/usr ]]; then
	echo "bench: building a ~200 MB tree in $tree (once)"
	rm -rf "$tree.new"
	mkdir -p "$tree.new/usr/local/bench/lib" "$tree.new/usr/local/bench/share"
	total=0
	while IFS= read -r f; do
		(( total > 100 * 1024 * 1024 )) && break
		cp -p "$f" "$tree.new/usr/local/bench/lib/"
		total=$(( total + $(stat -c %s "$f") ))
	done < <(find /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu -maxdepth 1 -type f -name '*.so*' 2>/dev/null | sort)
	cp -a /usr/share/doc "$tree.new/usr/local/bench/share/"
	mv "$tree.new" "$tree"
fi

work=$(mktemp -d /var/tmp/prefixkit-bench-sysext.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The library entry points as the CLI calls them, bundled once (node startup is counted, as for the CLI).
cat >"$work/bake.ts" <<TS
import { executeBake, planBake } from '$here/src/sysext/bake.js';
import { Log } from '$here/src/util/log.js';
const [input, outputDir, arch] = process.argv.slice(2);
const plan = await planBake({ input: input!, name: 'bench', format: 'squashfs', os: '_any', outputDir: outputDir!, force: true, protect: ['usr/sbin'], ...(arch ? { arch } : {}) });
await executeBake(plan, new Log(true));
TS
"$here/node_modules/.bin/esbuild" "$work/bake.ts" --bundle --platform=node --format=esm --log-level=error --outfile="$work/bake.mjs" \
	--banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

now() { date +%s%N; }
declare -A total
measure() { # name command...
	local t0; t0=$(now); "${@:2}" >/dev/null 2>&1 || { echo "bench: $1 failed: ${*:2}" >&2; exit 1; }
	total[$1]=$(( ${total[$1]:-0} + $(now) - t0 ))
}
plain() { SOURCE_DATE_EPOCH=0 mksquashfs "$tree" "$work/plain.raw" -all-root -noappend; }
bake() { node "$work/bake.mjs" "$tree" "$work" "$@"; }

plain >/dev/null 2>&1 # warm the page cache, untimed
for ((r = 0; r < runs; r++)); do
	rm -f "$work"/*.raw*; measure plain plain
	rm -f "$work"/*.raw*; measure bake bake x86-64
	rm -f "$work"/*.raw*; measure detect bake
done
ms() { awk -v t="${total[$1]}" -v n="$runs" 'BEGIN { printf "%8.0f ms", t / n / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "sysext bake on $(du -sh "$tree" | cut -f1) tree ($(find "$tree" -type f | wc -l) files), $runs runs, $(nproc) cores, $(mksquashfs -version | head -1)"
printf '%-40s %s   %-40s %s   ratio %s\n' 'bake --arch x86-64' "$(ms bake)" 'mksquashfs SRC OUT -all-root -noappend' "$(ms plain)" "$(ratio "${total[bake]}" "${total[plain]}")"
printf '%-40s %s   %-40s %s   ratio %s\n' 'bake (arch from ELF files)' "$(ms detect)" 'mksquashfs SRC OUT -all-root -noappend' "$(ms plain)" "$(ratio "${total[detect]}" "${total[plain]}")"
