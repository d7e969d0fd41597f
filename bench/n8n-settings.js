'use strict';

// Reads the `--n8n-env NAME=VALUE` options that the benchmark scripts pass on to n8n.

/** Turns `NAME=VALUE` strings into an environment object; the value may contain `=`. */
function parseEnvironment(assignments) {
	const environment = {};
	for (const assignment of assignments) {
		const separator = assignment.indexOf('=');
		if (separator < 1) {
			throw new Error(`--n8n-env takes NAME=VALUE, not "${assignment}".`);
		}
		environment[assignment.slice(0, separator)] = assignment.slice(separator + 1);
	}
	return environment;
}

/** Lists the settings as `NAME=VALUE` words, for reports and log lines. */
function formatEnvironment(environment) {
	return Object.entries(environment).map(([name, value]) => `${name}=${value}`);
}

module.exports = { formatEnvironment, parseEnvironment };
