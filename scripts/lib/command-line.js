'use strict';

// Command-line helpers that the demo, `npm run queue-mode` and the queue-mode benchmark share:
// options with --help, prefixed log lines and the exit code.

const { parseArgs } = require('node:util');

/**
 * Parses the command-line options, plus --help. Returns the option values, or prints `usage` and
 * returns null when --help is given. Throws on an unknown option or a missing value, as
 * `parseArgs` does.
 * @param {import('node:util').ParseArgsConfig['options']} options
 * @param {string} usage
 */
function parseOptions(options, usage) {
	const { values } = parseArgs({
		options: { ...options, help: { type: 'boolean', default: false } },
	});
	if (values.help) {
		console.log(usage);
		return null;
	}
	return values;
}

/**
 * Parses the value of a count option, such as `--workers 2`.
 * @param {string} value
 * @param {string} option  the option's name, for the error message
 */
function parsePositiveInteger(value, option) {
	const number = Number(value);
	if (!Number.isInteger(number) || number < 1) {
		throw new Error(`Invalid ${option} "${value}": give a whole number of 1 or more.`);
	}
	return number;
}

/** Returns a function that prints a message to stdout, prefixed with `[prefix]`. */
function createLog(prefix) {
	return (message) => console.log(`[${prefix}] ${message}`);
}

/**
 * Runs `main` and sets the exit code to the number it resolves with, if any. When `main` throws,
 * prints the error message to stderr, prefixed with `[prefix]`, and sets the exit code to 1.
 * @param {string} prefix
 * @param {() => Promise<number | void>} main
 */
function runMain(prefix, main) {
	main().then(
		(exitCode) => {
			if (exitCode !== undefined) {
				process.exitCode = exitCode;
			}
		},
		(error) => {
			console.error(`[${prefix}] ${error.message}`);
			process.exitCode = 1;
		},
	);
}

module.exports = { parseOptions, parsePositiveInteger, createLog, runMain };
