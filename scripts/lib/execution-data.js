'use strict';

// Reads the parts of n8n's stored run data (`IRunExecutionData`, already parsed from `flatted`)
// that the tests check. Used by the SQLite reader and by the PostgreSQL reader of queue mode.

/** Returns the message and description of the error that ended the execution, or null. */
function executionError(runExecutionData) {
	const error = runExecutionData?.resultData?.error;
	if (!error) {
		return null;
	}
	return {
		message: String(error.message ?? ''),
		description: typeof error.description === 'string' ? error.description : null,
	};
}

/** Maps each node name to the JSON of the items on its first output in its last run. */
function outputsByNode(runExecutionData) {
	const runData = runExecutionData?.resultData?.runData ?? {};
	const outputs = {};
	for (const [nodeName, runs] of Object.entries(runData)) {
		const lastRun = runs[runs.length - 1];
		const firstOutput = lastRun?.data?.main?.[0] ?? [];
		outputs[nodeName] = firstOutput.map((item) => item.json);
	}
	return outputs;
}

module.exports = { executionError, outputsByNode };
