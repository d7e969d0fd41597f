'use strict';

// Reads n8n's SQLite database and prints the result as JSON on stdout. It runs under the
// cached Node.js 24, whose built-in `node:sqlite` needs no native module, while the tests and
// the demo run on Node.js 20: see n8n-database.js, which starts it.
//
// Usage: node query-n8n-database.js DATABASE_PATH FLATTED_PATH QUERY
// QUERY is `webhooks` (the number of registered production webhooks), `executions`, or
// `execution-counts` (executions per workflow and status, without their data).

const { DatabaseSync } = require('node:sqlite');

const { executionError, outputsByNode } = require('./execution-data');

const [databasePath, flattedPath, query] = process.argv.slice(2);

function countWebhooks(database) {
	return database.prepare('SELECT COUNT(*) AS count FROM webhook_entity').get().count;
}

/** Lists executions that n8n has not deleted, oldest first, with the output of each node. */
function listExecutions(database) {
	// n8n stores run data in the `flatted` format (JSON that can hold circular references).
	const { parse } = require(flattedPath);
	const rows = database
		.prepare(
			`SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt,
				d.data AS data
			FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
			WHERE e.deletedAt IS NULL
			ORDER BY e.id`,
		)
		.all();
	return rows.map((row) => {
		const runExecutionData = row.data ? parse(row.data) : undefined;
		return {
			id: String(row.id),
			workflowId: row.workflowId,
			status: row.status,
			mode: row.mode,
			finished: row.finished === 1,
			startedAt: row.startedAt,
			stoppedAt: row.stoppedAt,
			outputs: outputsByNode(runExecutionData),
			error: executionError(runExecutionData),
		};
	});
}

/** Counts executions that n8n has not deleted, per workflow and status. */
function countExecutions(database) {
	return database
		.prepare(
			`SELECT workflowId, status, COUNT(*) AS count
			FROM execution_entity
			WHERE deletedAt IS NULL
			GROUP BY workflowId, status
			ORDER BY workflowId, status`,
		)
		.all()
		.map((row) => ({ workflowId: row.workflowId, status: row.status, count: row.count }));
}

function main() {
	// timeout: wait for n8n's write lock instead of failing with SQLITE_BUSY.
	const database = new DatabaseSync(databasePath, { readOnly: true, timeout: 5000 });
	try {
		if (query === 'webhooks') {
			return countWebhooks(database);
		}
		if (query === 'executions') {
			return listExecutions(database);
		}
		if (query === 'execution-counts') {
			return countExecutions(database);
		}
		throw new Error(`Unknown query "${query}": use webhooks, executions or execution-counts.`);
	} finally {
		database.close();
	}
}

process.stdout.write(JSON.stringify(main()));
