#!/bin/bash
# verify on a generated 10,000-entry prefix (copies of the tiny prefix's hello and libc, scripts,
# data files and symlinks), next to readelf over the same files. Needs gcc and patchelf.
#   bench/verify.sh [DIRS]      (100 entries per directory; default 100; KEEP=1 keeps the root)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dirs=${1:-100}
for cmd in gcc patchelf readelf; do command -v "$cmd" >/dev/null || { echo "bench: $cmd missing" >&2; exit 2; }; done
work=$(mktemp -d /var/tmp/prefixkit-bench-verify.XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT

cat >"$work/bench.ts" <<TS
import { copyFileSync, linkSync, mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { makeTinyPrefix, PKDEMO } from '$here/test/support/tiny-prefix.ts';
import { formatVerifyReport, verifyPrefix } from '$here/src/sysext/verify.ts';

const root = '$work/root';
const { hello, libc } = makeTinyPrefix(root);
for (let d = 0; d < $dirs; d++) {
  const dir = \`\${root}\${PKDEMO}/share/d\${d}\`;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 30; i++) copyFileSync(hello, \`\${dir}/hello\${i}\`);
  for (let i = 0; i < 10; i++) linkSync(libc, \`\${dir}/libc\${i}.so\`);
  for (let i = 0; i < 30; i++) { writeFileSync(\`\${dir}/s\${i}.sh\`, \`#!\${PKDEMO}/usr/bin/hello\\n\`); chmodSync(\`\${dir}/s\${i}.sh\`, 0o755); }
  for (let i = 0; i < 20; i++) writeFileSync(\`\${dir}/data\${i}.txt\`, 'data\\n'.repeat(100));
  for (let i = 0; i < 10; i++) symlinkSync(\`hello\${i}\`, \`\${dir}/link\${i}\`);
}
const t0 = performance.now();
const r = await verifyPrefix(root, PKDEMO);
const ms = performance.now() - t0;
console.log(formatVerifyReport(r).trimEnd().split('\n').at(-1));
console.log(\`verify: \${(ms / 1000).toFixed(2)} s for \${r.files + r.symlinks} entries\`);
TS
"$here/node_modules/.bin/esbuild" "$work/bench.ts" --bundle --platform=node --format=esm --log-level=warning --outfile="$work/bench.mjs"
node "$work/bench.mjs"

start=$(date +%s%N)
find "$work/root" -type f -exec readelf -lWd {} + >/dev/null 2>&1 || true
echo "readelf -lWd on the same files: $(( ($(date +%s%N) - start) / 1000000 )) ms (reference)"
