/**
 * n8n's own rule sets for community packages: package.json metadata, credentials and nodes.
 * `npm run lint` runs them in ESLint's legacy mode. The rules of
 * @n8n/eslint-plugin-community-nodes are in eslint.config.mjs.
 *
 * @type {import('@types/eslint').ESLint.ConfigData}
 */
module.exports = {
	root: true,

	env: {
		browser: false,
		es6: true,
		node: true,
	},

	parser: '@typescript-eslint/parser',

	parserOptions: {
		project: ['./tsconfig.json'],
		sourceType: 'module',
		extraFileExtensions: ['.json'],
	},

	ignorePatterns: ['.eslintrc.js', '**/*.js', '**/node_modules/**', '**/dist/**', '.cache/**'],

	overrides: [
		{
			files: ['package.json'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/community'],
		},
		{
			files: ['./credentials/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/credentials'],
			rules: {
				// The rule wants n8n's internal doc slugs; a community credential links a full URL.
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			},
		},
		{
			files: ['./nodes/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/nodes'],
			rules: {
				// It wants outputs: ['main'], while @n8n/eslint-plugin-community-nodes requires
				// NodeConnectionTypes.Main. n8n's community-package scanner turns it off too.
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			},
		},
	],
};
