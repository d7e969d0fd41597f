#!/usr/bin/env node
'use strict';

// Runs the checks of n8n's community-package scanner (@n8n/scan-community-package) on this
// project before it is published. The scanner's own command line only reads packages from the
// npm registry, so this script packs the package with `npm pack` and lints it with the
// scanner's exported ESLint configuration, in the scanner's two passes:
//
// - the packed tarball: its compiled `.js` files and its package.json;
// - the sources (`nodes/`, `credentials/`, package.json), which the registry fetches from the
//   GitHub commit named in the package's npm provenance.
//
// Like the scanner, it ignores `eslint-disable` comments, so a finding cannot be waived inline.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The files of the packed tarball that the scanner lints. */
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

/**
 * Findings only the maintainers can resolve, by rule. They are warnings while developing and
 * errors with --release, so that nothing is published while one is open.
 */
const RELEASE_BLOCKERS = {
	'@n8n/community-nodes/valid-author':
		'package.json needs an author email that the maintainers read',
};

const USAGE = `Usage: node scripts/scan-package.js [--release] [--skip-build]

  --release     fail on findings that only the maintainers can resolve, too
  --skip-build  pack dist/ as it is instead of running npm run build first`;

function log(message) {
	console.log(`[scan] ${message}`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: PROJECT_ROOT, encoding: 'utf8', ...options });
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}:\n` +
				`${result.stderr}`,
		);
	}
	return result.stdout;
}

/** Packs the project into `folder` and unpacks the tarball into `folder/package`. */
function packInto(folder) {
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', folder]));
	const packageFolder = path.join(folder, 'package');
	fs.mkdirSync(packageFolder);
	run('tar', [
		'-xzf',
		path.join(folder, packed.filename),
		'-C',
		packageFolder,
		'--strip-components=1',
	]);
	log(`Packed ${packed.filename}: ${packed.files.length} files, ${packed.size} bytes`);
	return packageFolder;
}

/**
 * Loads the scanner's ESLint configuration and the ESLint it runs with. Importing the scanner
 * creates a temporary folder, which `tmp` removes at exit only once graceful clean-up is on.
 */
async function loadScanner() {
	const scannerRequire = createRequire(require.resolve('@n8n/scan-community-package/package.json'));
	scannerRequire('tmp').setGracefulCleanup();
	const scanner = await import(scannerRequire.resolve('./scanner/scanner.mjs'));
	const { ESLint } = scannerRequire('eslint');
	return {
		ESLint,
		config: await scanner.buildScanConfig(),
		sourcePatterns: scanner.SOURCE_FILE_PATTERNS,
	};
}

/** Lints `patterns` under `folder` with the scanner's ESLint options. */
async function lintLikeScanner({ ESLint, config }, folder, patterns) {
	const eslint = new ESLint({
		cwd: folder,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: config,
		errorOnUnmatchedPattern: false,
	});
	return { eslint, results: await eslint.lintFiles(patterns) };
}

/** Turns release blockers into warnings unless this is a release, and counts the errors left. */
function applyReleasePolicy(results, release) {
	let errors = 0;
	for (const result of results) {
		for (const message of result.messages) {
			if (!release && message.severity === 2 && message.ruleId in RELEASE_BLOCKERS) {
				message.severity = 1;
				message.message += ` (blocks a release: ${RELEASE_BLOCKERS[message.ruleId]})`;
				result.errorCount -= 1;
				result.warningCount += 1;
			}
		}
		errors += result.errorCount;
	}
	return errors;
}

function countReleaseBlockers(results) {
	return results
		.flatMap((result) => result.messages)
		.filter((message) => message.ruleId in RELEASE_BLOCKERS).length;
}

async function main() {
	const { values } = parseArgs({
		options: {
			release: { type: 'boolean', default: false },
			'skip-build': { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return 0;
	}

	if (!values['skip-build']) {
		log('Building the package (npm run build)');
		run('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'pipe'] });
	}
	const workFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ycm-scan-'));
	try {
		const packageFolder = packInto(workFolder);
		const scanner = await loadScanner();
		const passes = [
			{ name: 'packed tarball', folder: packageFolder, patterns: TARBALL_PATTERNS },
			{ name: 'sources', folder: PROJECT_ROOT, patterns: scanner.sourcePatterns },
		];

		let errors = 0;
		let blockers = 0;
		for (const pass of passes) {
			const { eslint, results } = await lintLikeScanner(scanner, pass.folder, pass.patterns);
			const passErrors = applyReleasePolicy(results, values.release);
			blockers += countReleaseBlockers(results);
			const formatter = await eslint.loadFormatter('stylish');
			const report = await formatter.format(results);
			log(
				`${pass.name}: ${results.length} files, ${passErrors} errors${report ? '' : ', no findings'}`,
			);
			if (report) console.log(report);
			errors += passErrors;
		}

		if (errors > 0) {
			log(`n8n's community-package scan would reject this package (${errors} errors).`);
			return 1;
		}
		if (blockers > 0) {
			log(
				`The package passes the scanner's checks, but ${blockers} finding(s) above block a ` +
					'release (see --release).',
			);
			return 0;
		}
		log("The package passes the checks of n8n's community-package scanner.");
		return 0;
	} finally {
		fs.rmSync(workFolder, { recursive: true, force: true });
	}
}

main().then(
	(exitCode) => {
		process.exitCode = exitCode;
	},
	(error) => {
		console.error(`[scan] ${error.message}`);
		process.exitCode = 1;
	},
);
