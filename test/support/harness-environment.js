'use strict';

// The jest environment of the end-to-end and queue-mode tests: jest's Node.js environment, plus
// the real process object for the harness in scripts/lib/n8n-process.js. With it, a SIGINT,
// SIGTERM or SIGHUP to jest stops the n8n, Redis and PostgreSQL processes that a test started,
// and so does the exit of jest.

const { TestEnvironment } = require('jest-environment-node');

const { HOST_PROCESS_GLOBAL } = require('../../scripts/lib/n8n-process');

class HarnessEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		this.global[HOST_PROCESS_GLOBAL] = process;
	}
}

module.exports = HarnessEnvironment;
