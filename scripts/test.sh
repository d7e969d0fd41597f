#!/usr/bin/env bash
# Runs every check of the project: lint, typecheck, build, unit tests, the end-to-end tests
# against each supported n8n release (installed into .cache/ on the first run), then the
# queue-mode tests. Exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."

step() {
	printf '\n=== %s\n' "$1"
}

# npm writes node_modules/.package-lock.json on every install, so a lock file newer than it
# means the installed dev dependencies are out of date.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	step 'Installing dev dependencies (npm ci)'
	npm ci --no-audit --no-fund
fi

results_folder="$(mktemp -d)"
trap 'rm -rf "$results_folder"' EXIT

step 'Lint'
npm run lint

step 'Typecheck'
npm run typecheck

step 'Build'
npm run build

step 'Unit tests'
npm run test:unit -- --json --outputFile="$results_folder/unit.json"

# The package supports n8n 1.x and 2.x, so the suite runs once in each (see versions.js).
for n8n_version in $(node -p "require('./scripts/lib/versions').TESTED_N8N_VERSIONS.join(' ')"); do
	step "End-to-end tests (real n8n $n8n_version)"
	N8N_VERSION="$n8n_version" npm run test:e2e -- --json \
		--outputFile="$results_folder/e2e-$n8n_version.json"
done

# Queue mode needs Redis and PostgreSQL. The harness installs them with apt-get when they are
# missing (as root, as in CI) and runs private instances on 127.0.0.1 ports of its own.
step 'Queue-mode tests (n8n with webhook processors, workers, Redis and PostgreSQL)'
npm run test:queue-mode -- --json --outputFile="$results_folder/queue-mode.json"

# One closing line with the totals of all jest runs, in the form CI systems read.
node -e '
const results = process.argv.slice(1).map((file) => require(file));
const passed = results.reduce((sum, result) => sum + result.numPassedTests, 0);
const failed = results.reduce((sum, result) => sum + result.numFailedTests, 0);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
' "$results_folder"/*.json
