// n8n's rules for community packages (@n8n/eslint-plugin-community-nodes, recommended set).
// ESLint 9 reads this flat config. The rules of eslint-plugin-n8n-nodes-base stay in
// .eslintrc.js, which `npm run lint` runs in ESLint's legacy mode.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';

export default [
	{
		// The TypeScript parser also reads package.json, whose fields the package rules check as
		// an object literal.
		files: ['**/*.ts', '**/*.json'],
		languageOptions: { parser: tsParser },
	},
	n8nCommunityNodesPlugin.configs.recommended,
	{
		files: ['package.json'],
		rules: {
			// NOTE: package.json has no author email yet, because only the maintainers can choose
			// the address. It is a warning here, but scripts/scan-package.js --release, which the
			// publish workflow runs, fails on it.
			'@n8n/community-nodes/valid-author': 'warn',
		},
	},
];
