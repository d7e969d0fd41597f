'use strict';

// Starts a real n8n with this package installed as a community package, in a fresh user
// folder, on 127.0.0.1 only.

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { installCommunityPackage } = require('./community-package');
const { node24Environment } = require('./install');
const { N8nDatabase, sleep } = require('./n8n-database');
const { spawnInGroup, stopGroup, releaseGroup, runAtExit } = require('./n8n-process');
const { PROJECT_ROOT } = require('./versions');

/** The log line n8n (1.x and 2.x) prints once its HTTP server listens. */
const READY_LOG_LINE = 'Editor is now accessible via';

/** How long a CLI command (import, publish) may take; one normally takes 2 to 5 seconds. */
const CLI_TIMEOUT_MS = 120_000;

/** Environment variables from the caller's shell that could point n8n at another setup. */
const INHERITED_PREFIXES = ['N8N_', 'DB_', 'EXECUTIONS_', 'QUEUE_', 'WEBHOOK_URL'];

/**
 * Variables that jest sets. With NODE_ENV=test, n8n 2.41.1 takes itself for its own test suite
 * and exits at start without a log line.
 */
const TEST_RUNNER_VARIABLES = ['NODE_ENV', 'JEST_WORKER_ID'];

/**
 * @typedef {object} CredentialToImport
 * @property {string} id
 * @property {string} name
 * @property {string} type
 * @property {Record<string, unknown>} data  plain values; n8n encrypts them on import
 */

/**
 * Starts n8n and resolves once every workflow's production webhooks are registered.
 * @param {object} options
 * @param {import('./install').N8nInstallation} options.installation
 * @param {CredentialToImport[]} [options.credentials]
 * @param {object[]} [options.workflows]  workflow JSON with fixed `id`s; all are published
 * @param {number} [options.expectedWebhooks]  production webhooks to wait for (default: one
 *   per workflow)
 * @param {string} [options.packageRoot]  the project whose package.json and dist/ to install
 * @param {(message: string) => void} [options.log]
 * @param {number} [options.readyTimeoutMs]
 * @param {Record<string, string>} [options.environment]  variables set on top of the isolated
 *   environment, for every n8n command (such as `N8N_PAYLOAD_SIZE_MAX` or `NODE_OPTIONS`)
 */
async function startN8n({
	installation,
	credentials = [],
	workflows = [],
	expectedWebhooks = workflows.length,
	packageRoot = PROJECT_ROOT,
	log = () => {},
	readyTimeoutMs = 120_000,
	environment = {},
}) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ycm-n8n-'));
	const unregisterCleanup = runAtExit(() =>
		fs.rmSync(userFolder, { recursive: true, force: true }),
	);
	const logPath = path.join(userFolder, 'n8n.log');
	const port = await findFreePort();
	const env = {
		...n8nEnvironment(installation, userFolder, port, await findFreePort()),
		...environment,
	};
	const database = new N8nDatabase(installation, path.join(userFolder, '.n8n', 'database.sqlite'));

	const installed = installCommunityPackage(userFolder, packageRoot);
	log(`Installed ${installed.name}@${installed.version} into ${installed.folder}`);
	await importEntities({ installation, env, userFolder, credentials, workflows, log });

	log(`Starting n8n ${installation.n8nVersion} on http://127.0.0.1:${port} (log: ${logPath})`);
	const startedAt = Date.now();
	const child = spawnInGroup(installation.nodePath, [installation.n8nPath, 'start'], {
		env,
		cwd: userFolder,
		logPath,
	});
	const server = new N8nServer({ child, port, userFolder, logPath, database, unregisterCleanup });
	try {
		await waitUntilReady(server, expectedWebhooks, readyTimeoutMs);
	} catch (error) {
		await server.stop({ keepUserFolder: true });
		throw error;
	}
	server.startupMs = Date.now() - startedAt;
	log(`n8n is ready after ${(server.startupMs / 1000).toFixed(1)} s (process group ${child.pid})`);
	return server;
}

class N8nServer {
	constructor({ child, port, userFolder, logPath, database, unregisterCleanup }) {
		this.child = child;
		this.pid = child.pid;
		this.port = port;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.userFolder = userFolder;
		this.logPath = logPath;
		this.database = database;
		this.unregisterCleanup = unregisterCleanup;
		/** Milliseconds from `n8n start` until the webhooks were registered. */
		this.startupMs = 0;
	}

	/** Builds the production URL of a webhook: `/webhook/<webhookId>/<path>`. */
	productionUrl(webhookId, webhookPath = 'webhook') {
		return `${this.baseUrl}/webhook/${webhookId}/${webhookPath}`;
	}

	/**
	 * Stops n8n and removes its user folder; a folder of a failed start is kept so that its
	 * log can be read.
	 */
	async stop({ keepUserFolder = false } = {}) {
		await stopGroup(this.child);
		if (!keepUserFolder) {
			fs.rmSync(this.userFolder, { recursive: true, force: true });
		}
		this.unregisterCleanup();
	}

	/** Leaves n8n and its user folder in place when this process exits. */
	keepRunning() {
		releaseGroup(this.child);
		this.child.unref();
		this.unregisterCleanup();
	}

	/** Returns the last lines of n8n's log, for error messages. */
	logTail(lineCount = 40) {
		if (!fs.existsSync(this.logPath)) {
			return '';
		}
		return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lineCount).join('\n');
	}
}

/**
 * Builds the environment of every n8n command: an isolated user folder, 127.0.0.1 only, and
 * every feature that would reach the internet switched off.
 */
function n8nEnvironment(installation, userFolder, port, runnerBrokerPort) {
	const env = node24Environment(installation);
	for (const name of Object.keys(env)) {
		if (
			INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix)) ||
			TEST_RUNNER_VARIABLES.includes(name)
		) {
			delete env[name];
		}
	}
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('base64'),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(runnerBrokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		// n8n 2.x deletes executions that it is not configured to save, and the tests read them.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		// The list of verified community nodes is fetched from n8n's servers.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_OUTPUT: 'console',
		...majorEnvironment(installation),
	};
}

/** Returns the settings that exist in only one major release of n8n. */
function majorEnvironment(installation) {
	if (n8nMajor(installation) >= 2) {
		// The MCP registry module fetches from the internet at start. 1.x has no such module and
		// fails on start when asked to disable it.
		return { N8N_DISABLED_MODULES: 'mcp-registry' };
	}
	return {};
}

function n8nMajor(installation) {
	return Number(installation.n8nVersion.split('.')[0]);
}

async function importEntities({ installation, env, userFolder, credentials, workflows, log }) {
	const startedAt = Date.now();
	const importFolder = path.join(userFolder, 'import');
	const workflowFolder = path.join(importFolder, 'workflows');
	fs.mkdirSync(workflowFolder, { recursive: true });
	const cliLogPath = path.join(userFolder, 'n8n-cli.log');

	if (credentials.length > 0) {
		const credentialsPath = path.join(importFolder, 'credentials.json');
		fs.writeFileSync(credentialsPath, JSON.stringify(credentials, null, 2));
		await runN8nCommand(
			installation,
			env,
			['import:credentials', `--input=${credentialsPath}`],
			cliLogPath,
		);
		// The file contains secrets in plain text, while n8n stores them encrypted.
		fs.rmSync(credentialsPath);
	}
	if (workflows.length === 0) {
		return;
	}

	for (const workflow of workflows) {
		if (!workflow.id) {
			throw new Error(`Workflow "${workflow.name}" has no id: give it a fixed one.`);
		}
		fs.writeFileSync(
			path.join(workflowFolder, `${workflow.id}.json`),
			JSON.stringify(workflow, null, 2),
		);
	}
	await runN8nCommand(
		installation,
		env,
		['import:workflow', '--separate', `--input=${workflowFolder}`],
		cliLogPath,
	);
	// n8n imports every workflow inactive, and neither major activates several in one command.
	for (const workflow of workflows) {
		await runN8nCommand(
			installation,
			env,
			activationArguments(installation, workflow.id),
			cliLogPath,
		);
	}
	const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
	log(
		`Imported ${credentials.length} credential(s) and activated ${workflows.length} ` +
			`workflow(s) in ${seconds} s`,
	);
}

/**
 * Builds the CLI arguments that activate a workflow: 2.x publishes it, while 1.x has no
 * `publish:workflow` and sets the workflow active instead.
 */
function activationArguments(installation, workflowId) {
	if (n8nMajor(installation) >= 2) {
		return ['publish:workflow', `--id=${workflowId}`];
	}
	return ['update:workflow', `--id=${workflowId}`, '--active=true'];
}

/**
 * Runs one n8n CLI command to completion. Its output goes to a file: piped into a reader that
 * stops early (such as `head`), an n8n command was seen spinning at full CPU.
 */
async function runN8nCommand(installation, env, args, logPath) {
	fs.appendFileSync(logPath, `\n$ n8n ${args.join(' ')}\n`);
	const child = spawnInGroup(installation.nodePath, [installation.n8nPath, ...args], {
		env,
		cwd: env.N8N_USER_FOLDER,
		logPath,
	});
	const timer = setTimeout(() => void stopGroup(child, 1_000), CLI_TIMEOUT_MS);
	const [exitCode, signal] = await new Promise((resolve) =>
		child.once('exit', (code, exitSignal) => resolve([code, exitSignal])),
	);
	clearTimeout(timer);
	if (exitCode !== 0) {
		const output = fs.readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n');
		throw new Error(
			`n8n ${args[0]} failed (exit code ${exitCode ?? signal}). Last lines of ${logPath}:\n${output}`,
		);
	}
}

/**
 * Waits for n8n's "ready" log line and for its production webhooks. The health check
 * (`/healthz`) responds before webhooks are registered, so it is not used here.
 */
async function waitUntilReady(server, expectedWebhooks, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { exitCode, signalCode } = server.child;
		if (exitCode !== null || signalCode !== null) {
			throw new Error(
				`n8n exited during start (exit code ${exitCode ?? signalCode}). ` +
					`Last lines of ${server.logPath}:\n${server.logTail()}`,
			);
		}
		const log = fs.existsSync(server.logPath) ? fs.readFileSync(server.logPath, 'utf8') : '';
		if (log.includes(READY_LOG_LINE)) {
			const webhooks = await server.database.countWebhooks();
			if (webhooks >= expectedWebhooks) {
				return;
			}
		}
		if (Date.now() > deadline) {
			throw new Error(
				`n8n was not ready within ${timeoutMs / 1000} s (expected ${expectedWebhooks} ` +
					`webhooks). Last lines of ${server.logPath}:\n${server.logTail()}`,
			);
		}
		await sleep(250);
	}
}

/** Asks the kernel for a free TCP port on 127.0.0.1. Another process could take it before n8n. */
function findFreePort() {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});
}

module.exports = { startN8n, N8nServer, n8nEnvironment, importEntities, findFreePort };
