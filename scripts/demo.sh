#!/usr/bin/env bash
# Runs the demo: installs the project's dev dependencies when they are missing, then hands over
# to scripts/demo.js, which builds the package and runs it in a real n8n.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
	echo "[demo] Installing dev dependencies (npm ci)"
	npm ci --no-audit --no-fund
fi

exec node scripts/demo.js "$@"
