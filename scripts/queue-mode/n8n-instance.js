'use strict';

// One n8n process of a queue-mode setup: the main instance (`n8n start`), a webhook processor
// (`n8n webhook`) or a worker (`n8n worker`), each with its own user folder and log.

const fs = require('node:fs');

const { spawnInGroup, stopGroup } = require('../lib/n8n-process');
const { readFrom, readTail, waitForLogLine } = require('./servers');

/** The log line each kind of n8n 2.41.1 process prints once it serves requests or takes jobs. */
const READY_LINES = {
	main: 'Editor is now accessible via',
	webhook: 'Webhook listener waiting for requests.',
	worker: 'n8n worker is now ready',
};

class N8nInstance {
	/**
	 * @param {object} options
	 * @param {string} options.name  such as `webhook-1`
	 * @param {'main' | 'webhook' | 'worker'} options.role
	 * @param {string[]} options.args  the n8n command and its flags
	 * @param {import('../lib/install').N8nInstallation} options.installation
	 * @param {NodeJS.ProcessEnv} options.env
	 * @param {number} options.port  the HTTP port: N8N_PORT, or the health check port of a worker
	 * @param {string} options.logPath
	 */
	constructor({ name, role, args, installation, env, port, logPath }) {
		this.name = name;
		this.role = role;
		this.args = args;
		this.installation = installation;
		this.env = env;
		this.port = port;
		this.logPath = logPath;
		this.baseUrl = `http://127.0.0.1:${port}`;
		/** @type {import('node:child_process').ChildProcess | undefined} */
		this.child = undefined;
		/** Where the log of the current run starts, since a restart appends to the same file. */
		this.logOffset = 0;
		/** Every process group this instance started, to kill what a SIGKILL left behind. */
		this.groupIds = new Set();
	}

	/** The process id of the current run, which leads its own process group. */
	get pid() {
		return this.child?.pid;
	}

	isRunning() {
		return (
			this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
		);
	}

	start() {
		if (this.isRunning()) {
			throw new Error(`${this.name} is already running (process ${this.pid}).`);
		}
		this.logOffset = fs.existsSync(this.logPath) ? fs.statSync(this.logPath).size : 0;
		this.child = spawnInGroup(
			this.installation.nodePath,
			[this.installation.n8nPath, ...this.args],
			{ env: this.env, cwd: this.env.N8N_USER_FOLDER, logPath: this.logPath },
		);
		this.groupIds.add(this.child.pid);
	}

	async waitUntilReady(timeoutMs) {
		await waitForLogLine({
			child: this.child,
			logPath: this.logPath,
			line: READY_LINES[this.role],
			name: `n8n ${this.name}`,
			timeoutMs,
			fromOffset: this.logOffset,
		});
	}

	/** Stops the process group: SIGTERM, then SIGKILL after `graceMs`. */
	async stop(graceMs = 20_000) {
		if (this.child !== undefined) {
			await stopGroup(this.child, graceMs);
		}
	}

	/**
	 * Sends `signal` to the n8n process alone, as a crash or the out-of-memory killer would, and
	 * resolves once it has exited. Its task runner stays until `stop()` or `killLeftovers()`.
	 */
	async kill(signal = 'SIGKILL') {
		if (!this.isRunning()) {
			throw new Error(`${this.name} is not running.`);
		}
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		process.kill(this.child.pid, signal);
		await exited;
	}

	/** Sends SIGKILL to every process group this instance started, for clean-up at exit. */
	killLeftovers() {
		for (const groupId of this.groupIds) {
			try {
				process.kill(-groupId, 'SIGKILL');
			} catch (error) {
				if (error.code !== 'ESRCH') {
					throw error;
				}
			}
		}
	}

	/** Builds a production webhook URL on this process: `/webhook/<webhookId>/<path>`. */
	productionUrl(webhookId, webhookPath = 'webhook') {
		return `${this.baseUrl}/webhook/${webhookId}/${webhookPath}`;
	}

	/** Returns the log of the current run (since the last start). */
	readLog() {
		return readFrom(this.logPath, this.logOffset);
	}

	/** Returns the last lines of the log, for error messages. */
	logTail(lineCount = 30) {
		return readTail(this.logPath, lineCount);
	}
}

module.exports = { N8nInstance, READY_LINES };
