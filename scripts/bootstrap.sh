#!/bin/bash
# Brings a fresh clone to a working state: system packages, npm packages, the build.
# Each part runs only when something is missing or stale, so it is cheap to call every time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [[ ! -d node_modules/.bin || package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "bootstrap: npm ci" >&2
	npm ci --no-audit --no-fund --loglevel=error   # runs the build too (prepare)
elif [[ ! -f dist/cli/main.js || -n $(find src templates -newer dist/cli/main.js -print -quit) ]]; then
	echo "bootstrap: npm run build" >&2
	npm run --silent build
fi
