'use strict';

// Reads registered webhooks and executions from the PostgreSQL database that n8n uses in queue
// mode. The client is the `pg` package from the cached n8n installation, so the project adds no
// dependency for it.

const path = require('node:path');

const { executionError, outputsByNode } = require('../lib/execution-data');

/** Statuses of an execution that may still change. */
const UNFINISHED_STATUSES = ['new', 'running'];

class PostgresN8nDatabase {
	/**
	 * @param {import('../lib/install').N8nInstallation} installation
	 * @param {{ port: number, user: string, password: string, database: string }} server
	 */
	constructor(installation, server) {
		const modules = path.join(installation.folder, 'node_modules');
		const { Pool } = require(path.join(modules, 'pg'));
		// n8n stores run data in the `flatted` format (JSON that can hold circular references).
		this.parseFlatted = require(path.join(modules, 'flatted')).parse;
		this.pool = new Pool({
			host: '127.0.0.1',
			port: server.port,
			user: server.user,
			password: server.password,
			database: server.database,
			max: 2,
		});
		// PostgreSQL ends idle connections when it stops. The error also reaches the next query,
		// so the pool only keeps the last one instead of crashing the process.
		this.pool.on('error', (error) => {
			this.lastIdleError = error;
		});
	}

	/** Counts rows in `webhook_entity`, or returns 0 while n8n has not created the table. */
	async countWebhooks() {
		const { rows } = await this.pool.query("SELECT to_regclass('webhook_entity') AS name");
		if (rows[0].name === null) {
			return 0;
		}
		const result = await this.pool.query('SELECT COUNT(*)::int AS count FROM webhook_entity');
		return result.rows[0].count;
	}

	/**
	 * Counts the executions of a workflow that n8n has not deleted, by status.
	 * @returns {Promise<{ total: number, unfinished: number, byStatus: Record<string, number> }>}
	 */
	async countExecutions(workflowId) {
		const { rows } = await this.pool.query(
			`SELECT status, COUNT(*)::int AS count FROM execution_entity
			WHERE "deletedAt" IS NULL AND "workflowId" = $1 GROUP BY status`,
			[workflowId],
		);
		const byStatus = Object.fromEntries(rows.map((row) => [row.status, row.count]));
		const total = rows.reduce((sum, row) => sum + row.count, 0);
		const unfinished = UNFINISHED_STATUSES.reduce(
			(sum, status) => sum + (byStatus[status] ?? 0),
			0,
		);
		return { total, unfinished, byStatus };
	}

	/**
	 * Lists the executions of a workflow that n8n has not deleted, oldest first, with the output
	 * of each node, in the shape of the single-instance harness (`StoredExecution`).
	 */
	async listExecutions(workflowId) {
		const { rows } = await this.pool.query(
			`SELECT e.id, e."workflowId", e.status, e.mode, e.finished, e."startedAt", e."stoppedAt",
				d.data AS data
			FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
			WHERE e."deletedAt" IS NULL AND e."workflowId" = $1
			ORDER BY e.id`,
			[workflowId],
		);
		return rows.map((row) => {
			const runExecutionData = row.data ? this.parseFlatted(row.data) : undefined;
			return {
				id: String(row.id),
				workflowId: row.workflowId,
				status: row.status,
				mode: row.mode,
				finished: row.finished,
				startedAt: row.startedAt?.toISOString() ?? null,
				stoppedAt: row.stoppedAt?.toISOString() ?? null,
				outputs: outputsByNode(runExecutionData),
				error: executionError(runExecutionData),
			};
		});
	}

	/**
	 * Waits until a workflow has at least `count` executions and none is `new` or `running`.
	 * With `responseMode: 'onReceived'` n8n responds once the job is queued, before a worker
	 * runs it, so a count taken right after the responses is too early.
	 */
	async waitForFinishedExecutions(workflowId, count, { timeoutMs = 120_000, pollMs = 500 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const counts = await this.countExecutions(workflowId);
			if (counts.total >= count && counts.unfinished === 0) {
				return counts;
			}
			if (Date.now() > deadline) {
				throw new Error(
					`Executions of workflow ${workflowId} did not finish within ${timeoutMs / 1000} s ` +
						`(expected ${count}, counted ${JSON.stringify(counts.byStatus)}).`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, pollMs));
		}
	}

	async close() {
		await this.pool.end();
	}
}

module.exports = { PostgresN8nDatabase, UNFINISHED_STATUSES };
