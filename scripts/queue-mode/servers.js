'use strict';

// Installs Redis and PostgreSQL from Debian's packages when they are missing, and runs private
// instances of both on 127.0.0.1 with their data in a folder of the caller's. The system
// services that the packages bring are never started, used or stopped here.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const { runAtExit, spawnInGroup, stopGroup } = require('../lib/n8n-process');
const { findFreePort } = require('../lib/n8n-server');

/** The folder of Debian's postgresql-NN packages, with one subfolder per major release. */
const POSTGRESQL_ROOT = '/usr/lib/postgresql';

const DEBIAN_PACKAGES = ['redis-server', 'postgresql'];

/** How long apt-get waits for another apt or dpkg run on the machine to release its lock. */
const DPKG_LOCK_TIMEOUT_SECONDS = 600;

const REDIS_READY_LINE = 'Ready to accept connections';
const POSTGRES_READY_LINE = 'database system is ready to accept connections';

/**
 * Paths of the server binaries.
 * @typedef {object} ServerBinaries
 * @property {string} redisServer  the `redis-server` binary
 * @property {string} postgresBinFolder  the folder with `initdb`, `postgres` and `createdb`
 */

/**
 * Returns the Redis and PostgreSQL binaries, installing the Debian packages first when either
 * is missing. Installing needs root, as in CI; anyone else gets the command to run.
 * @param {{ log?: (message: string) => void, aptLogPath: string }} options
 * @returns {ServerBinaries}
 */
function ensureServersInstalled({ log = () => {}, aptLogPath }) {
	const found = findServerBinaries();
	if (found.redisServer && found.postgresBinFolder) {
		return found;
	}

	const missing = DEBIAN_PACKAGES.filter((name, index) =>
		index === 0 ? !found.redisServer : !found.postgresBinFolder,
	);
	const command = `apt-get update && apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`;
	if (process.getuid?.() !== 0) {
		throw new Error(`${missing.join(' and ')} not found. Install them as root: ${command}`);
	}

	log(`Installing ${DEBIAN_PACKAGES.join(' and ')} with apt-get (log: ${aptLogPath})`);
	fs.mkdirSync(path.dirname(aptLogPath), { recursive: true });
	const lockOption = `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`;
	runApt(['-o', lockOption, 'update'], aptLogPath);
	runApt(['-o', lockOption, 'install', '-y', ...DEBIAN_PACKAGES], aptLogPath);

	const installed = findServerBinaries();
	if (!installed.redisServer || !installed.postgresBinFolder) {
		throw new Error(
			`apt-get installed ${DEBIAN_PACKAGES.join(' ')}, but no server binary was found. See ${aptLogPath}.`,
		);
	}
	return installed;
}

function findServerBinaries() {
	return { redisServer: findOnPath('redis-server'), postgresBinFolder: findPostgresBinFolder() };
}

function findOnPath(name) {
	for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
		const candidate = path.join(folder, name);
		if (folder !== '' && isExecutable(candidate)) {
			return candidate;
		}
	}
	return undefined;
}

/** Returns the bin folder of the newest PostgreSQL major with `postgres`, `initdb` and `createdb`. */
function findPostgresBinFolder() {
	if (!fs.existsSync(POSTGRESQL_ROOT)) {
		return undefined;
	}
	const majors = fs
		.readdirSync(POSTGRESQL_ROOT)
		.filter((name) => /^\d+$/.test(name))
		.sort((a, b) => Number(b) - Number(a));
	for (const major of majors) {
		const binFolder = path.join(POSTGRESQL_ROOT, major, 'bin');
		const tools = ['postgres', 'initdb', 'createdb'];
		if (tools.every((tool) => isExecutable(path.join(binFolder, tool)))) {
			return binFolder;
		}
	}
	return undefined;
}

function isExecutable(filePath) {
	try {
		fs.accessSync(filePath, fs.constants.X_OK);
		return fs.statSync(filePath).isFile();
	} catch {
		return false;
	}
}

function runApt(args, logPath) {
	const logFd = fs.openSync(logPath, 'a');
	try {
		fs.writeSync(logFd, `\n$ apt-get ${args.join(' ')}\n`);
		const result = spawnSync('apt-get', args, {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			stdio: ['ignore', logFd, logFd],
		});
		if (result.error) {
			throw new Error(`Could not run apt-get: ${result.error.message}`);
		}
		if (result.status !== 0) {
			throw new Error(
				`apt-get ${args.join(' ')} failed with exit code ${result.status ?? result.signal}. ` +
					`See ${logPath}.`,
			);
		}
	} finally {
		fs.closeSync(logFd);
	}
}

/**
 * A private Redis: no persistence, a password, and 127.0.0.1 only.
 * @typedef {object} RedisServer
 * @property {number} port
 * @property {string} password
 * @property {string} logPath
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => Promise<void>} stop
 */

/**
 * Starts Redis with its files in `folder`, which must not exist yet.
 * @returns {Promise<RedisServer>}
 */
async function startRedis({ redisServer, folder, readyTimeoutMs = 30_000 }) {
	fs.mkdirSync(folder, { mode: 0o700 });
	const port = await findFreePort();
	const password = crypto.randomBytes(24).toString('hex');
	const logPath = path.join(folder, 'redis.log');

	// A configuration file rather than arguments, so the password does not show in `ps`.
	const configPath = path.join(folder, 'redis.conf');
	const config = [
		`port ${port}`,
		'bind 127.0.0.1',
		`dir ${folder}`,
		'save ""',
		'appendonly no',
		'daemonize no',
		`requirepass ${password}`,
	];
	fs.writeFileSync(configPath, config.join('\n') + '\n', { mode: 0o600 });

	const child = spawnInGroup(redisServer, [configPath], { env: process.env, cwd: folder, logPath });
	await waitForLogLine({
		child,
		logPath,
		line: REDIS_READY_LINE,
		name: 'Redis',
		timeoutMs: readyTimeoutMs,
	});
	return { port, password, logPath, child, stop: () => stopGroup(child, 10_000) };
}

/**
 * A private PostgreSQL cluster with one database, reached over TCP on 127.0.0.1 with a password.
 * @typedef {object} PostgresServer
 * @property {number} port
 * @property {string} user
 * @property {string} password
 * @property {string} database
 * @property {string} logPath
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => Promise<void>} stop
 */

/**
 * Creates a cluster in `folder` (which must not exist yet), starts it and creates the database.
 * PostgreSQL does not run as root, so under root the cluster belongs to the `postgres` user that
 * Debian's package creates, and every parent of `folder` must let that user pass through.
 * @returns {Promise<PostgresServer>}
 */
async function startPostgres({ postgresBinFolder, folder, readyTimeoutMs = 60_000 }) {
	const owner = process.getuid?.() === 0 ? lookUpUser('postgres') : undefined;
	fs.mkdirSync(folder, { mode: 0o700 });
	if (owner) {
		fs.chownSync(folder, owner.uid, owner.gid);
	}
	const port = await findFreePort();
	const user = 'n8n';
	const database = 'n8n';
	const password = crypto.randomBytes(24).toString('hex');
	const logPath = path.join(folder, 'postgres.log');
	const dataFolder = path.join(folder, 'data');
	const env = { ...process.env, LC_ALL: 'C', PGPASSWORD: password };

	const passwordFile = path.join(folder, 'password');
	fs.writeFileSync(passwordFile, password, { mode: 0o600 });
	if (owner) {
		fs.chownSync(passwordFile, owner.uid, owner.gid);
	}
	try {
		runAs(
			path.join(postgresBinFolder, 'initdb'),
			[
				`--pgdata=${dataFolder}`,
				`--username=${user}`,
				`--pwfile=${passwordFile}`,
				'--auth=scram-sha-256',
				'--encoding=UTF8',
				'--no-locale',
			],
			{ env, owner, logPath },
		);
	} finally {
		fs.rmSync(passwordFile, { force: true });
	}

	// No Unix socket: the cluster is reached over 127.0.0.1 only, like every other server here.
	const child = spawnInGroup(
		path.join(postgresBinFolder, 'postgres'),
		[
			`-D`,
			dataFolder,
			'-p',
			String(port),
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'unix_socket_directories=',
		],
		{ env, cwd: folder, logPath, stopSignal: 'SIGINT', uid: owner?.uid, gid: owner?.gid },
	);
	await waitForLogLine({
		child,
		logPath,
		line: POSTGRES_READY_LINE,
		name: 'PostgreSQL',
		timeoutMs: readyTimeoutMs,
	});
	const unregisterCleanup = runAtExit(
		removeSharedMemoryAtExit(child, readSharedMemoryId(dataFolder)),
	);

	runAs(
		path.join(postgresBinFolder, 'createdb'),
		['--host=127.0.0.1', `--port=${port}`, `--username=${user}`, database],
		{ env, owner, logPath },
	);
	const stop = async () => {
		await stopGroup(child, 15_000);
		unregisterCleanup();
	};
	return { port, user, password, database, logPath, child, stop };
}

/** Reads the id of the System V shared memory segment from line 7 of `postmaster.pid`. */
function readSharedMemoryId(dataFolder) {
	const lines = fs.readFileSync(path.join(dataFolder, 'postmaster.pid'), 'utf8').split('\n');
	const id = Number(lines[6]?.trim().split(/\s+/)[1]);
	return Number.isInteger(id) ? id : undefined;
}

/**
 * Builds the exit step for a cluster that was not stopped cleanly. The exit handlers can only
 * send SIGKILL, after which PostgreSQL leaves its small System V segment behind, so the step
 * removes it (the kernel frees it once the last killed process has detached).
 */
function removeSharedMemoryAtExit(child, sharedMemoryId) {
	return () => {
		// Exit code 0: PostgreSQL shut down on its stop signal and removed the segment itself.
		if (sharedMemoryId === undefined || child.exitCode === 0) {
			return;
		}
		try {
			execFileSync('ipcrm', ['-m', String(sharedMemoryId)], { stdio: 'ignore' });
		} catch {
			// Already removed: nothing is left to clean up.
		}
	};
}

function lookUpUser(name) {
	const read = (flag) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
	try {
		return { uid: read('-u'), gid: read('-g') };
	} catch {
		throw new Error(
			`User "${name}" not found. It comes with Debian's postgresql package: apt-get install -y postgresql`,
		);
	}
}

/** Runs a PostgreSQL tool to completion as `owner`, appending its output to `logPath`. */
function runAs(command, args, { env, owner, logPath }) {
	const logFd = fs.openSync(logPath, 'a');
	try {
		fs.writeSync(logFd, `\n$ ${path.basename(command)} ${args.join(' ')}\n`);
		const result = spawnSync(command, args, {
			env,
			uid: owner?.uid,
			gid: owner?.gid,
			cwd: path.dirname(logPath),
			stdio: ['ignore', logFd, logFd],
			timeout: 120_000,
		});
		if (result.error || result.status !== 0) {
			throw new Error(
				`${path.basename(command)} failed (${result.error?.message ?? `exit code ${result.status ?? result.signal}`}). ` +
					`Last lines of ${logPath}:\n${readTail(logPath)}`,
			);
		}
	} finally {
		fs.closeSync(logFd);
	}
}

/**
 * Waits until `line` appears in the log at `logPath` after byte `fromOffset`. Fails when the
 * process exits first or the timeout passes, with the end of the log in the message.
 */
async function waitForLogLine({ child, logPath, line, name, timeoutMs, fromOffset = 0 }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (readFrom(logPath, fromOffset).includes(line)) {
			return;
		}
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`${name} exited during start (exit code ${child.exitCode ?? child.signalCode}). ` +
					`Last lines of ${logPath}:\n${readTail(logPath)}`,
			);
		}
		if (Date.now() > deadline) {
			throw new Error(
				`${name} was not ready within ${timeoutMs / 1000} s (no "${line}" in its log). ` +
					`Last lines of ${logPath}:\n${readTail(logPath)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

function readFrom(filePath, offset) {
	if (!fs.existsSync(filePath)) {
		return '';
	}
	const content = fs.readFileSync(filePath);
	return content.subarray(Math.min(offset, content.length)).toString('utf8');
}

/** Returns the last lines of a log file, for error messages. */
function readTail(filePath, lineCount = 30) {
	return readFrom(filePath, 0).split('\n').slice(-lineCount).join('\n');
}

module.exports = {
	ensureServersInstalled,
	startRedis,
	startPostgres,
	waitForLogLine,
	readFrom,
	readTail,
};
