/**
 * Unit tests run on pure functions, n8n's own webhook context and the harness's signal handlers.
 * The e2e tests drive a real n8n, and the queue-mode tests n8n with webhook processors, workers,
 * Redis and PostgreSQL.
 */
const shared = {
	preset: 'ts-jest',
	testEnvironment: 'node',
};

/** The environment that lets the harness stop its processes when jest gets a signal. */
const harness = {
	...shared,
	testEnvironment: '<rootDir>/test/support/harness-environment.js',
};

module.exports = {
	projects: [
		{ ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...harness, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
		{
			...harness,
			displayName: 'queue-mode',
			testMatch: ['<rootDir>/test/queue-mode/**/*.test.ts'],
		},
	],
};
