'use strict';

// Starts n8n in queue mode on 127.0.0.1 with this package installed in every process: private
// Redis and PostgreSQL servers, one main instance, webhook processors behind a round-robin
// proxy, and workers. Everything lives in one temporary folder and stops together.

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { installCommunityPackage } = require('../lib/community-package');
const { runAtExit } = require('../lib/n8n-process');
const { n8nEnvironment, importEntities, findFreePort } = require('../lib/n8n-server');
const { PROJECT_ROOT } = require('../lib/versions');
const { JobQueue } = require('./job-queue');
const { N8nInstance } = require('./n8n-instance');
const { PostgresN8nDatabase } = require('./postgres-database');
const { startRoundRobinProxy } = require('./round-robin-proxy');
const { ensureServersInstalled, startPostgres, startRedis } = require('./servers');

/** n8n's own default for `n8n worker --concurrency`. */
const DEFAULT_WORKER_CONCURRENCY = 10;

/**
 * Starts the whole setup and resolves once every n8n process is ready and the main instance has
 * registered the production webhooks of every workflow.
 * @param {object} options
 * @param {import('../lib/install').N8nInstallation} options.installation
 * @param {Array<{ id: string, name: string, type: string, data: object }>} [options.credentials]
 * @param {object[]} [options.workflows]  workflow JSON with fixed `id`s; all are published
 * @param {number} [options.expectedWebhooks]  production webhooks to wait for (default: one
 *   per workflow)
 * @param {number} [options.webhookProcessors]  how many `n8n webhook` processes (default 2)
 * @param {number} [options.workers]  how many `n8n worker` processes (default 2)
 * @param {number} [options.workerConcurrency]  jobs each worker runs at once (default 10)
 * @param {Record<string, string>} [options.environment]  variables for every n8n process
 * @param {string} [options.packageRoot]
 * @param {(message: string) => void} [options.log]
 * @param {number} [options.readyTimeoutMs]  for each step of the start
 * @returns {Promise<QueueTopology>}
 */
async function startQueueTopology({
	installation,
	credentials = [],
	workflows = [],
	expectedWebhooks = workflows.length,
	webhookProcessors = 2,
	workers = 2,
	workerConcurrency = DEFAULT_WORKER_CONCURRENCY,
	environment = {},
	packageRoot = PROJECT_ROOT,
	log = () => {},
	readyTimeoutMs = 180_000,
}) {
	const binaries = ensureServersInstalled({
		log,
		aptLogPath: path.join(PROJECT_ROOT, '.cache', 'queue-mode-apt-get.log'),
	});
	const startedAt = Date.now();
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ycm-queue-'));
	// PostgreSQL runs as its own user under root, and must be able to reach its data folder.
	fs.chmodSync(folder, 0o711);
	const topology = new QueueTopology({ folder, installation });
	log(`Starting n8n ${installation.n8nVersion} in queue mode (folder: ${folder})`);

	try {
		const [redis, postgres] = await Promise.all([
			startRedis({ redisServer: binaries.redisServer, folder: path.join(folder, 'redis') }),
			startPostgres({
				postgresBinFolder: binaries.postgresBinFolder,
				folder: path.join(folder, 'postgres'),
			}),
		]);
		topology.redis = redis;
		topology.postgres = postgres;
		log(`Redis on port ${redis.port}, PostgreSQL on port ${postgres.port}`);
		topology.database = new PostgresN8nDatabase(installation, postgres);
		topology.jobQueue = new JobQueue(installation, redis);

		const shared = sharedEnvironment(redis, postgres, environment);
		topology.main = await createInstance(topology, 'main', 'main', ['start'], shared, packageRoot);
		for (let index = 1; index <= webhookProcessors; index += 1) {
			topology.webhookProcessors.push(
				await createInstance(
					topology,
					`webhook-${index}`,
					'webhook',
					['webhook'],
					shared,
					packageRoot,
				),
			);
		}
		for (let index = 1; index <= workers; index += 1) {
			const args = ['worker', `--concurrency=${workerConcurrency}`];
			topology.workers.push(
				await createInstance(topology, `worker-${index}`, 'worker', args, shared, packageRoot),
			);
		}

		// The import runs n8n's database migrations, so no server starts on an empty schema.
		await importEntities({
			installation,
			env: topology.main.env,
			userFolder: topology.main.env.N8N_USER_FOLDER,
			credentials,
			workflows,
			log,
		});

		const instances = topology.instances();
		for (const instance of instances) {
			instance.start();
		}
		await Promise.all(instances.map((instance) => instance.waitUntilReady(readyTimeoutMs)));
		await waitForWebhooks(topology, expectedWebhooks, readyTimeoutMs);

		topology.proxy = await startRoundRobinProxy(
			topology.webhookProcessors.map(({ name, port }) => ({ name, port })),
		);
		topology.startupMs = Date.now() - startedAt;
		const pids = instances.map((instance) => `${instance.name} ${instance.pid}`).join(', ');
		log(
			`Queue mode ready after ${(topology.startupMs / 1000).toFixed(1)} s: ${pids}; ` +
				`webhooks through http://127.0.0.1:${topology.proxy.port}`,
		);
		return topology;
	} catch (error) {
		const logs = topology
			.instances()
			.filter((instance) => fs.existsSync(instance.logPath))
			.map((instance) => `--- ${instance.name}:\n${instance.logTail(15)}`)
			.join('\n');
		await topology.stop();
		if (logs !== '') {
			error.message += `\nLast lines of the n8n logs:\n${logs}`;
		}
		throw error;
	}
}

// NOTE: Debian 12 ships PostgreSQL 15. n8n 2.41.1 warns at start that it supports 17, and 16 for
// compatibility, but every queue-mode test passes on 15.
/**
 * Builds what every n8n process of the setup shares: queue mode, one encryption key (a
 * credential encrypted by one process must decrypt in all), Redis and PostgreSQL.
 */
function sharedEnvironment(redis, postgres, environment) {
	return {
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('base64'),
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_PASSWORD: redis.password,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		// Without it n8n 2.41.1 logs a deprecation warning. With it, manual runs go to workers too.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		...environment,
	};
}

/** Builds the variables that one role adds to the shared environment. */
function roleEnvironment(role, port) {
	if (role === 'main') {
		// Production webhooks go to the webhook processors only.
		return { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' };
	}
	if (role === 'worker') {
		return {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
	}
	return {};
}

// NOTE: where /.dockerenv exists, as on this project's machines, n8n 2.41.1 builds the hostId
// of a process from the hostname, so the two webhook processors share one and so do the two
// workers, and main logs a cluster-check warning. Separate hosts or containers differ.
async function createInstance(topology, name, role, args, shared, packageRoot) {
	const userFolder = path.join(topology.folder, name);
	fs.mkdirSync(userFolder);
	installCommunityPackage(userFolder, packageRoot);
	const port = await findFreePort();
	const env = {
		...n8nEnvironment(topology.installation, userFolder, port, await findFreePort()),
		...shared,
		...roleEnvironment(role, port),
	};
	return new N8nInstance({
		name,
		role,
		args,
		installation: topology.installation,
		env,
		port,
		logPath: path.join(topology.folder, `${name}.log`),
	});
}

async function waitForWebhooks(topology, expectedWebhooks, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const webhooks = await topology.database.countWebhooks();
		if (webhooks >= expectedWebhooks) {
			return;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`The main instance registered ${webhooks} of ${expectedWebhooks} webhooks within ` +
					`${timeoutMs / 1000} s.`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

class QueueTopology {
	constructor({ folder, installation }) {
		this.folder = folder;
		this.installation = installation;
		/** @type {import('./servers').RedisServer | undefined} */
		this.redis = undefined;
		/** @type {import('./servers').PostgresServer | undefined} */
		this.postgres = undefined;
		/** @type {PostgresN8nDatabase | undefined} */
		this.database = undefined;
		/** @type {JobQueue | undefined} */
		this.jobQueue = undefined;
		/** @type {N8nInstance | undefined} */
		this.main = undefined;
		/** @type {N8nInstance[]} */
		this.webhookProcessors = [];
		/** @type {N8nInstance[]} */
		this.workers = [];
		/** @type {import('./round-robin-proxy').RoundRobinProxy | undefined} */
		this.proxy = undefined;
		/** Milliseconds from the start of Redis until every process was ready. */
		this.startupMs = 0;
		this.stopped = false;
		this.unregisterCleanup = runAtExit(() => this.removeAtExit());
	}

	/** Lists the n8n processes: main first, then webhook processors, then workers. */
	instances() {
		return [this.main, ...this.webhookProcessors, ...this.workers].filter(Boolean);
	}

	/** Builds the production URL of a webhook behind the proxy. */
	productionUrl(webhookId, webhookPath = 'webhook') {
		return this.proxy.url(`/webhook/${webhookId}/${webhookPath}`);
	}

	/** Stops one n8n process gracefully and starts it again with the same settings and port. */
	async restart(instance, readyTimeoutMs = 180_000) {
		await instance.stop();
		instance.start();
		await instance.waitUntilReady(readyTimeoutMs);
	}

	/**
	 * Stops every process this setup started, n8n before the servers it depends on, and removes
	 * the folder. Safe to call more than once and after a failed start.
	 */
	async stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		await this.proxy?.close();
		await Promise.allSettled(this.instances().map((instance) => instance.stop()));
		for (const instance of this.instances()) {
			instance.killLeftovers();
		}
		this.jobQueue?.close();
		await this.database?.close().catch(() => {});
		await Promise.allSettled([this.postgres?.stop(), this.redis?.stop()]);
		fs.rmSync(this.folder, { recursive: true, force: true });
		this.unregisterCleanup();
	}

	/** Kills what is left and removes the folder when the process exits without `stop()`. */
	removeAtExit() {
		for (const instance of this.instances()) {
			instance.killLeftovers();
		}
		fs.rmSync(this.folder, { recursive: true, force: true });
	}
}

module.exports = { startQueueTopology, QueueTopology, DEFAULT_WORKER_CONCURRENCY };
