'use strict';

// Reads registered webhooks and executions from the SQLite database of a running n8n.

const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');

const QUERY_SCRIPT = path.join(__dirname, 'query-n8n-database.js');

/**
 * One execution as stored by n8n.
 * @typedef {object} StoredExecution
 * @property {string} id
 * @property {string} workflowId
 * @property {string} status  'new', 'running', 'success', 'error', 'canceled', …
 * @property {string} mode  'webhook' for executions started by a production webhook
 * @property {boolean} finished
 * @property {Record<string, object[]>} outputs  node name → JSON of its output items
 * @property {{ message: string, description: string | null } | null} error  the error that
 *   ended the execution, or null
 */

class N8nDatabase {
	/**
	 * @param {import('./install').N8nInstallation} installation
	 * @param {string} databasePath  `<N8N_USER_FOLDER>/.n8n/database.sqlite`
	 */
	constructor(installation, databasePath) {
		this.installation = installation;
		this.databasePath = databasePath;
		this.flattedPath = path.join(installation.folder, 'node_modules', 'flatted');
	}

	/** Counts rows in `webhook_entity`, or returns 0 while n8n has not created the database. */
	async countWebhooks() {
		if (!fs.existsSync(this.databasePath)) {
			return 0;
		}
		return await this.query('webhooks');
	}

	/** @returns {Promise<StoredExecution[]>} executions not deleted, oldest first */
	async listExecutions() {
		if (!fs.existsSync(this.databasePath)) {
			return [];
		}
		return await this.query('executions');
	}

	/**
	 * Counts executions per workflow and status without reading their data, which stays fast
	 * with thousands of executions.
	 * @returns {Promise<Array<{ workflowId: string, status: string, count: number }>>}
	 */
	async countExecutions() {
		if (!fs.existsSync(this.databasePath)) {
			return [];
		}
		return await this.query('execution-counts');
	}

	/**
	 * Waits until no execution is `new` or `running` and the number of executions has stayed
	 * the same for `quietMs`, then returns them all.
	 *
	 * With `responseMode: 'onReceived'` n8n responds before it stores the execution,
	 * so a count taken right after the response can miss an execution that is about to start.
	 * @returns {Promise<StoredExecution[]>}
	 */
	async waitForSettledExecutions({ quietMs = 750, timeoutMs = 30_000, pollMs = 150 } = {}) {
		const deadline = Date.now() + timeoutMs;
		let previousCount = -1;
		let stableSince = Date.now();
		for (;;) {
			const executions = await this.listExecutions();
			const unfinished = executions.filter((execution) =>
				['new', 'running'].includes(execution.status),
			);
			if (executions.length !== previousCount || unfinished.length > 0) {
				previousCount = executions.length;
				stableSince = Date.now();
			} else if (Date.now() - stableSince >= quietMs) {
				return executions;
			}
			if (Date.now() > deadline) {
				const ids = unfinished.map((execution) => execution.id).join(', ') || 'none';
				throw new Error(`Executions did not settle within ${timeoutMs} ms (unfinished: ${ids}).`);
			}
			await sleep(pollMs);
		}
	}

	query(queryName) {
		return new Promise((resolve, reject) => {
			execFile(
				this.installation.nodePath,
				['--no-warnings', QUERY_SCRIPT, this.databasePath, this.flattedPath, queryName],
				{ maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
				(error, stdout, stderr) => {
					if (error) {
						reject(new Error(`Reading ${this.databasePath} failed: ${stderr || error.message}`));
						return;
					}
					resolve(JSON.parse(stdout));
				},
			);
		});
	}
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

module.exports = { N8nDatabase, sleep };
