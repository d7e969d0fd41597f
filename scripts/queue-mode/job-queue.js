'use strict';

// Reads n8n's job queue in Redis: the Bull queue `jobs` under the default prefix `bull`
// (n8n 2.41.1, `QUEUE_BULL_PREFIX` unset, no worker pools). The client is the `ioredis` package
// from the cached n8n installation.

const path = require('node:path');

const QUEUE_KEY = 'bull:jobs';

class JobQueue {
	/**
	 * @param {import('../lib/install').N8nInstallation} installation
	 * @param {{ port: number, password: string }} redis
	 */
	constructor(installation, redis) {
		const Redis = require(path.join(installation.folder, 'node_modules', 'ioredis'));
		this.client = new Redis({
			host: '127.0.0.1',
			port: redis.port,
			password: redis.password,
			maxRetriesPerRequest: 2,
		});
	}

	/** Counts jobs that wait for a worker and jobs that a worker has taken. */
	async countJobs() {
		// n8n adds every job with a priority, and Bull 4 keeps such a job in the wait list too.
		const [waiting, active] = await Promise.all([
			this.client.llen(`${QUEUE_KEY}:wait`),
			this.client.llen(`${QUEUE_KEY}:active`),
		]);
		return { waiting, active };
	}

	/**
	 * Lists the jobs that a worker has taken, with the n8n execution of each.
	 * @returns {Promise<Array<{ jobId: string, executionId: string | undefined }>>}
	 */
	async listActiveJobs() {
		const jobIds = await this.client.lrange(`${QUEUE_KEY}:active`, 0, -1);
		const jobs = [];
		for (const jobId of jobIds) {
			const data = await this.client.hget(`${QUEUE_KEY}:${jobId}`, 'data');
			jobs.push({ jobId, executionId: data ? JSON.parse(data).executionId : undefined });
		}
		return jobs;
	}

	close() {
		this.client.disconnect();
	}
}

module.exports = { JobQueue };
