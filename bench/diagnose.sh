#!/bin/bash
# Cold start of `prefixkit diagnose job` beside `node -e 0`: N runs each, interleaved; mean ms and ratio.
#   bench/diagnose.sh [N]
# Three specs: the golden one (test/golden/diagnose/specs, job stage3-http); a generated
# real-size one shaped like macaroni-os/mark-stages (6 jobs, anchors and merge keys, 10 hooks files
# of ~40 lines); and a stress spec with 6 times those hooks (10 files of 24 hooks each).
# Build first: npm run build (npm run bench:diagnose does both).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
golden=$here/test/golden/diagnose/specs
[[ -f $here/dist/cli/main.js ]] || { echo "bench: run npm run build first" >&2; exit 2; }
[[ -d $golden ]] || { echo "bench: no golden spec tree at $golden" >&2; exit 2; }

scratch=$(mktemp -d)
trap '[[ -n ${KEEP_BENCH_SPEC:-} ]] || rm -rf "$scratch"' EXIT
# spec_tree DIR JOBS COPIES: the golden prepare.yml hooks COPIES times in each of 10 files (names made unique), JOBS jobs.
spec_tree() {
	local dir=$1 jobs=$2 copies=$3
	mkdir -p "$dir/jobs/x86_64" "$dir/jobs/hooks"
	for i in $(seq 1 10); do
		for j in $(seq 1 "$copies"); do
			sed -e "s/name: \"\\([a-z-]*\\)\"/name: \"\\1-$i-$j\"/" "$golden/jobs/hooks/steps/prepare.yml" | if ((j > 1)); then tail -n +2; else cat; fi
		done >"$dir/jobs/hooks/step$i.yml"
	done
	{
		sed -n '1,/^jobs:/p' "$golden/jobs/x86_64/basic.yaml"
		for k in $(seq 1 "$jobs"); do
			sed -n '/^- name: stage3-http/,/^  hooks_files:/p' "$golden/jobs/x86_64/basic.yaml" | sed "s/stage3-http/stage3-big-$k/"
			for i in $(seq 1 10); do echo "    - step$i.yml"; done
		done
	} >"$dir/jobs/x86_64/big.yaml"
}
spec_tree "$scratch/real" 6 1
spec_tree "$scratch/stress" 4 6

now_ns() { date +%s%N; }
bench() { # label dir spec job
	local label=$1 dir=$2 spec=$3 job=$4 node_total=0 pk_total=0 t0 t1 t2
	cd "$dir"
	node "$here/bin/prefixkit.js" diagnose job --quiet --specfile "$spec" --job "$job" >/dev/null   # fails loudly, warms the cache
	for _ in 1 2 3; do node -e 0; done
	for ((i = 0; i < n; i++)); do
		t0=$(now_ns); node -e 0; t1=$(now_ns)
		node "$here/bin/prefixkit.js" diagnose job --quiet --specfile "$spec" --job "$job" >/dev/null; t2=$(now_ns)
		node_total=$((node_total + t1 - t0)); pk_total=$((pk_total + t2 - t1))
	done
	awk -v l="$label" -v a="$node_total" -v b="$pk_total" -v n="$n" 'BEGIN {
		printf "%-28s node -e 0 %6.1f ms   prefixkit %6.1f ms   ratio %.2f   (+%.1f ms)\n", l, a / n / 1e6, b / n / 1e6, b / a, (b - a) / n / 1e6 }'
}
echo "cold runs: $n each, interleaved"
bench "golden (stage3-http)" "$golden" jobs/x86_64/basic.yaml stage3-http
bench "real-size (6 jobs, 10 hooks)" "$scratch/real" jobs/x86_64/big.yaml stage3-big-3
bench "stress (240 hooks)" "$scratch/stress" jobs/x86_64/big.yaml stage3-big-3
