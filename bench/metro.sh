#!/bin/bash
# metro run beside the plain tools, on a debootstrap minbase rootfs (~200 MB) served over HTTP
# from 127.0.0.1 as .tar.xz: the full run and each phase, next to `curl | xz -dc | tar -x` and
# `tar -c | xz -T0` on the same data in the same process, with the ratios. Root; needs network
# once for debootstrap (the rootfs is kept in $PREFIXKIT_BENCH_CACHE, default /var/tmp/prefixkit-bench).
#   bench/metro.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
cache=${PREFIXKIT_BENCH_CACHE:-/var/tmp/prefixkit-bench}
[[ -f $here/dist/cli/main.js ]] || { echo "bench: run npm run build first" >&2; exit 2; }
(( EUID == 0 )) || { echo "bench: run as root" >&2; exit 2; }
for cmd in curl xz tar; do command -v "$cmd" >/dev/null || { echo "bench: $cmd missing (bash scripts/install-deps.sh)" >&2; exit 2; }; done

if [[ ! -d $cache/rootfs/usr ]]; then
	command -v debootstrap >/dev/null || { echo "bench: apt-get install debootstrap first" >&2; exit 2; }
	echo "bench: debootstrap --variant=minbase bookworm into $cache/rootfs (once)"
	debootstrap --variant=minbase bookworm "$cache/rootfs.new" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1
	mv "$cache/rootfs.new" "$cache/rootfs"
fi
work=$(mktemp -d /var/tmp/prefixkit-bench-run.XXXXXX)
trap 'kill ${server:-} 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/www" "$work/jobs/hooks" "$work/out"
tar -C "$cache/rootfs" --numeric-owner -cf - . | xz -T0 >"$work/www/seed.tar.xz"
node "$here/scripts/serve.mjs" "$work/www" >"$work/port" &
server=$!
for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")/seed.tar.xz"
printf 'hooks: []\n' >"$work/jobs/hooks/none.yml"
cat >"$work/jobs/bench.yaml" <<SPEC
jobs:
- name: bench
  workspacedir: $work/ws
  hooks_basedir: hooks
  hooks_files: [none.yml]
  source: {type: http, uri: "$url", target: $work/ws/seed.tar.xz}
  output: {type: file, name: stage.tar.xz, dir: $work/out}
SPEC

now() { date +%s%N; }
declare -A total
measure() { # name command...
	local t0; t0=$(now); "${@:2}" >/dev/null 2>&1 || { echo "bench: $1 failed: ${*:2}" >&2; exit 1; }
	total[$1]=$(( ${total[$1]:-0} + $(now) - t0 ))
}
prefixkit() { node "$here/bin/prefixkit.js" metro run --quiet --specfile "$work/jobs/bench.yaml" --job bench "$@"; }
fresh() { rm -rf "$work/ws" "$work/plain" "$work/out"/*; mkdir -p "$work/plain"; }
plain_fetch() { curl -sf "$url" | xz -dc | tar -x -C "$work/plain"; }
plain_pack() { tar -c -C "$work/plain" . | xz -T0 >"$work/out/plain.tar.xz"; }

for ((r = 0; r < runs; r++)); do
	fresh; measure plain_fetch plain_fetch; measure plain_pack plain_pack
	fresh; measure full prefixkit
	fresh; measure source prefixkit --skip-packer-phase --cleanup=false
	measure pack prefixkit --skip-source-phase --cleanup=false
done
ms() { awk -v t="${total[$1]}" -v n="$runs" 'BEGIN { printf "%8.0f ms", t / n / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "metro run on $(du -sh "$cache/rootfs" | cut -f1) rootfs, seed $(du -h "$work/www/seed.tar.xz" | cut -f1) .tar.xz, $runs runs, $(nproc) cores"
printf '%-34s %s   %-30s %s   ratio %s\n' 'source (download + extract)' "$(ms source)" 'curl | xz -dc | tar -x' "$(ms plain_fetch)" "$(ratio "${total[source]}" "${total[plain_fetch]}")"
printf '%-34s %s   %-30s %s   ratio %s\n' 'pack (.tar.xz, DIGESTS, CONTENTS)' "$(ms pack)" 'tar -c | xz -T0' "$(ms plain_pack)" "$(ratio "${total[pack]}" "${total[plain_pack]}")"
printf '%-34s %s   %-30s %s   ratio %s\n' 'full run' "$(ms full)" 'both pipelines' "$(awk -v a="${total[plain_fetch]}" -v b="${total[plain_pack]}" -v n="$runs" 'BEGIN { printf "%8.0f ms", (a + b) / n / 1e6 }')" "$(ratio "${total[full]}" "$(( ${total[plain_fetch]} + ${total[plain_pack]} ))")"
