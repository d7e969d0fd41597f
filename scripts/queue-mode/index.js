'use strict';

// Runs this package in n8n's queue mode (main, webhook processors, workers, Redis, PostgreSQL)
// for the queue-mode tests, the benchmark and `npm run queue-mode`.

const { UPSTREAM_HEADER } = require('./round-robin-proxy');
const { ensureServersInstalled } = require('./servers');
const { startQueueTopology, DEFAULT_WORKER_CONCURRENCY } = require('./topology');

module.exports = {
	DEFAULT_WORKER_CONCURRENCY,
	UPSTREAM_HEADER,
	ensureServersInstalled,
	startQueueTopology,
};
