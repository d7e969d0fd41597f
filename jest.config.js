/**
 * Unit tests run on pure functions and n8n's own webhook context; e2e tests drive a real n8n, and
 * queue-mode tests n8n with webhook processors, workers, Redis and PostgreSQL.
 */
const shared = {
	preset: 'ts-jest',
	testEnvironment: 'node',
};

module.exports = {
	projects: [
		{ ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
		{ ...shared, displayName: 'queue-mode', testMatch: ['<rootDir>/test/queue-mode/**/*.test.ts'] },
	],
};
