import type { DeliveryResponse, StoredExecution } from '../../scripts/lib';
import {
	ensureN8nInstalled,
	loadSampleDeliveries,
	sendDelivery,
	signBody,
} from '../../scripts/lib';
import type { N8nInstance, QueueTopology } from '../../scripts/queue-mode';
import {
	DEFAULT_WORKER_CONCURRENCY,
	startQueueTopology,
	UPSTREAM_HEADER,
} from '../../scripts/queue-mode';
import type { QueueWorkflow } from './support/workflows';
import {
	buildQueueWorkflow,
	CREDENTIAL,
	LAST_NODE_NAME,
	TRIGGER_NODE_NAME,
} from './support/workflows';

// Runs the built package in n8n 2.41.1 queue mode: private Redis and PostgreSQL, one main
// instance, two webhook processors behind a round-robin proxy and two workers. A machine
// without Redis, PostgreSQL or n8n in the cache installs them first (several minutes).
const INSTALL_AND_START_TIMEOUT_MS = 30 * 60_000;

/** Concurrent requests of every load in this file, as many as the benchmark sends. */
const CONCURRENCY = 10;
const LOAD_DELIVERIES = 1000;
const KILL_TEST_DELIVERIES = 120;

/**
 * What n8n 2.41.1 writes into an execution whose job it gave up on (MaxStalledCountError in
 * n8n's dist/errors/max-stalled-count.error.js).
 */
const STALLED_MESSAGE =
	'This execution failed to be processed too many times and will no longer retry. To allow ' +
	'this execution to complete, please break down your workflow or scale up your workers or ' +
	'adjust your worker settings.';

const samples = loadSampleDeliveries();

const workflows = {
	load: buildQueueWorkflow('YcmQueueLoad0001', 'b2e1d8f3-1c66-4e9f-8d52-7b3a2f1c8e01'),
	slow: buildQueueWorkflow('YcmQueueSlow0001', 'b2e1d8f3-1c66-4e9f-8d52-7b3a2f1c8e02', {}, [
		{
			// Under 65 seconds, the Wait node sleeps inside the worker's job (n8n-nodes-base 2.41.1),
			// so every worker has jobs in progress when one is killed.
			id: 'c3f2e9a4-2d77-4fa0-9e63-8c4b3a2d9f01',
			name: 'Work for 2 seconds',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			webhookId: 'c3f2e9a4-2d77-4fa0-9e63-8c4b3a2d9f02',
			parameters: { resume: 'timeInterval', amount: 2, unit: 'seconds' },
		},
	]),
	retries: buildQueueWorkflow('YcmQueueRetry001', 'b2e1d8f3-1c66-4e9f-8d52-7b3a2f1c8e03', {
		retryWindow: 10,
	}),
	removeDuplicates: buildQueueWorkflow(
		'YcmQueueRemDup01',
		'b2e1d8f3-1c66-4e9f-8d52-7b3a2f1c8e04',
		{},
		[
			{
				id: 'c3f2e9a4-2d77-4fa0-9e63-8c4b3a2d9f03',
				name: 'Remove Duplicates',
				type: 'n8n-nodes-base.removeDuplicates',
				typeVersion: 2,
				parameters: {
					operation: 'removeItemsSeenInPreviousExecutions',
					dedupeValue: '={{ $json.deliveryId }}',
					options: {},
				},
			},
		],
	),
};

type Item = Record<string, unknown>;

/** One delivery with what the trigger must make of it. */
type PlannedDelivery = {
	body: Buffer;
	signature: string | null;
	serialNumbers: string[];
	eventTypes: string[];
};

type Sent = {
	response: DeliveryResponse;
	/** The webhook processor that handled the request, from the proxy's header. */
	upstream: string;
	json: Record<string, unknown>;
};

let topology: QueueTopology;
/** Keeps the bodies of different tests apart, since equal bytes share one deliveryId. */
let deliveryCount = 0;

function log(message: string): void {
	process.stderr.write(`[queue-mode] ${message}\n`);
}

/**
 * Builds a signed delivery with one or two Cloud PBXs, each with a serial number of its own:
 * a DID change, and for every second delivery a capacity change too.
 */
function planDelivery(tag: string): PlannedDelivery {
	deliveryCount += 1;
	const number = String(deliveryCount).padStart(8, '0');
	const updateTime = Math.floor(Date.now() / 1000);
	const elements: Array<Record<string, unknown>> = [
		{
			event: 'did_change',
			sn: `36${tag}D${number}`,
			trunkDidInfoList: [
				{ did: `+4420${number}`, didId: number, trunkId: '7', trunkName: 'Queue mode' },
			],
			updateTime,
		},
	];
	if (deliveryCount % 2 === 0) {
		elements.push({
			modifier: 'queue-mode@example.com',
			repository: { extensions: '20', concurrentCalls: '10', enableCallRecording: 'yes' },
			sn: `36${tag}C${number}`,
			updateTime,
		});
	}
	const body = Buffer.from(JSON.stringify(elements));
	return {
		body,
		signature: signBody(body, samples.secret),
		serialNumbers: elements.map((element) => String(element.sn)),
		eventTypes: elements.map((element) => ('event' in element ? 'didChange' : 'capacityChange')),
	};
}

async function send(
	url: string,
	delivery: { body: Buffer; signature: string | null },
): Promise<Sent> {
	const response = await sendDelivery({ url, ...delivery, timeoutMs: 60_000 });
	const upstream = response.headers[UPSTREAM_HEADER];
	return {
		response,
		upstream: typeof upstream === 'string' ? upstream : '',
		json: JSON.parse(response.body) as Record<string, unknown>,
	};
}

/**
 * Sends every delivery with `CONCURRENCY` requests in flight and returns the results in the
 * order of `deliveries`. `afterEach` runs after each response with the number received so far.
 */
async function sendAll(
	url: string,
	deliveries: Array<{ body: Buffer; signature: string | null }>,
	afterEach: (received: number) => Promise<void> = async () => {},
): Promise<Sent[]> {
	const results: Sent[] = new Array(deliveries.length);
	let next = 0;
	let received = 0;
	const sender = async (): Promise<void> => {
		while (next < deliveries.length) {
			const index = next;
			next += 1;
			results[index] = await send(url, deliveries[index]);
			received += 1;
			await afterEach(received);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, sender));
	return results;
}

function triggerItems(execution: StoredExecution): Item[] {
	return execution.outputs[TRIGGER_NODE_NAME] ?? [];
}

function deliveryIdOf(execution: StoredExecution): unknown {
	return triggerItems(execution)[0]?.deliveryId;
}

/** Counts the jobs each worker finished, from the log lines n8n 2.41.1 writes for them. */
function finishedJobs(worker: N8nInstance): number {
	return worker.readLog().match(/^Worker finished execution \d+/gm)?.length ?? 0;
}

function countBy(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

async function executionsOf(workflow: QueueWorkflow): Promise<StoredExecution[]> {
	return await topology.database.listExecutions(workflow.id);
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function waitFor<T>(
	description: string,
	timeoutMs: number,
	check: () => Promise<T | undefined>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			throw new Error(`Timed out after ${timeoutMs / 1000} s waiting until ${description}.`);
		}
		await sleep(1000);
	}
}

beforeAll(async () => {
	const installation = ensureN8nInstalled({ log });
	topology = await startQueueTopology({
		installation,
		credentials: [{ ...CREDENTIAL, type: 'ycmWebhookApi', data: { secret: samples.secret } }],
		workflows: Object.values(workflows).map((workflow) => workflow.json),
		log,
	});
}, INSTALL_AND_START_TIMEOUT_MS);

afterAll(async () => {
	if (topology !== undefined) await topology.stop();
}, 120_000);

describe('YCM Trigger in n8n queue mode', () => {
	it(
		'runs 1,000 deliveries once each',
		async () => {
			const planned = Array.from({ length: LOAD_DELIVERIES }, () => planDelivery('LD'));

			const startedAt = Date.now();
			const sent = await sendAll(topology.productionUrl(workflows.load.webhookId), planned);
			const seconds = (Date.now() - startedAt) / 1000;
			log(`${LOAD_DELIVERIES} deliveries in ${seconds.toFixed(1)} s`);

			expect(countBy(sent.map((result) => String(result.response.status)))).toEqual({
				'200': LOAD_DELIVERIES,
			});
			expect(countBy(sent.map((result) => String(result.json.status)))).toEqual({
				accepted: LOAD_DELIVERIES,
			});
			expect(countBy(sent.map((result) => result.upstream))).toEqual({
				'webhook-1': LOAD_DELIVERIES / 2,
				'webhook-2': LOAD_DELIVERIES / 2,
			});

			const counts = await topology.database.waitForFinishedExecutions(
				workflows.load.id,
				LOAD_DELIVERIES,
				{ timeoutMs: 300_000 },
			);
			expect(counts.byStatus).toEqual({ success: LOAD_DELIVERIES });

			const expectedByDeliveryId = new Map(
				sent.map((result, index) => [result.json.deliveryId, planned[index]]),
			);
			expect(expectedByDeliveryId.size).toBe(LOAD_DELIVERIES);
			const executions = await executionsOf(workflows.load);
			expect(executions).toHaveLength(LOAD_DELIVERIES);
			const seen = new Set<unknown>();
			for (const execution of executions) {
				const items = triggerItems(execution);
				const deliveryId = deliveryIdOf(execution);
				const expected = expectedByDeliveryId.get(deliveryId);
				expect(expected).toBeDefined();
				expect(seen.has(deliveryId)).toBe(false);
				seen.add(deliveryId);
				expect(execution.mode).toBe('webhook');
				expect(items.map((item) => item.sn)).toEqual(expected?.serialNumbers);
				expect(items.map((item) => item.eventType)).toEqual(expected?.eventTypes);
				expect(items.map((item) => item.deliveryId)).toEqual(items.map(() => deliveryId));
				expect(execution.outputs[LAST_NODE_NAME]).toEqual(items);
			}
			expect(seen.size).toBe(LOAD_DELIVERIES);

			// Both workers took jobs, and together they finished each execution once.
			const finished = topology.workers.map(finishedJobs);
			log(`jobs finished by worker: ${finished.join(', ')}`);
			for (const count of finished) expect(count).toBeGreaterThan(0);
			expect(finished.reduce((sum, count) => sum + count, 0)).toBe(LOAD_DELIVERIES);
		},
		20 * 60_000,
	);

	it(
		'rejects forged deliveries on both processors',
		async () => {
			const before = await topology.database.countExecutions(workflows.load.id);
			const forged = [];
			for (let index = 0; index < 10; index += 1) {
				const { body } = planDelivery('FG');
				forged.push(
					{ body, signature: signBody(body, samples.otherSecret) },
					{ body, signature: null },
					{
						body: Buffer.concat([body, Buffer.from(' ')]),
						signature: signBody(body, samples.secret),
					},
				);
			}

			const rejected = await sendAll(topology.productionUrl(workflows.load.webhookId), forged);

			expect(countBy(rejected.map((result) => String(result.response.status)))).toEqual({
				'401': forged.length,
			});
			expect(countBy(rejected.map((result) => String(result.json.status)))).toEqual({
				rejected: forged.length,
			});
			expect(countBy(rejected.map((result) => result.upstream))).toEqual({
				'webhook-1': forged.length / 2,
				'webhook-2': forged.length / 2,
			});

			// A forged request that started an execution would be stored no later than the
			// sentinels after it, which the count waits for.
			const sentinels = [planDelivery('SN'), planDelivery('SN')];
			const accepted = await sendAll(topology.productionUrl(workflows.load.webhookId), sentinels);
			expect(accepted.map((result) => result.response.status)).toEqual([200, 200]);
			await topology.database.waitForFinishedExecutions(workflows.load.id, before.total + 2);
			const executions = await executionsOf(workflows.load);
			expect(executions).toHaveLength(before.total + 2);
			expect(executions.slice(-2).map(deliveryIdOf).sort()).toEqual(
				accepted.map((result) => result.json.deliveryId).sort(),
			);
		},
		5 * 60_000,
	);

	it(
		'verifies deliveries after a webhook processor restart',
		async () => {
			const restarted = topology.webhookProcessors[0];
			const pidBefore = restarted.pid;
			const before = await topology.database.countExecutions(workflows.load.id);

			await topology.restart(restarted);
			expect(restarted.pid).not.toBe(pidBefore);

			const throughProxy = Array.from({ length: 10 }, () => planDelivery('RS'));
			const direct = Array.from({ length: 5 }, () => planDelivery('RS'));
			const proxied = await sendAll(topology.productionUrl(workflows.load.webhookId), throughProxy);
			const directly = await sendAll(restarted.productionUrl(workflows.load.webhookId), direct);
			const all = [...proxied, ...directly];

			expect(all.map((result) => result.response.status)).toEqual(all.map(() => 200));
			expect(all.map((result) => result.json.status)).toEqual(all.map(() => 'accepted'));
			expect(countBy(proxied.map((result) => result.upstream))).toEqual({
				'webhook-1': 5,
				'webhook-2': 5,
			});

			const counts = await topology.database.waitForFinishedExecutions(
				workflows.load.id,
				before.total + all.length,
			);
			expect(counts.total).toBe(before.total + all.length);
			expect(counts.byStatus).toEqual({ success: counts.total });
			const newest = (await executionsOf(workflows.load)).slice(-all.length);
			expect(newest.map(deliveryIdOf).sort()).toEqual(
				all.map((result) => result.json.deliveryId).sort(),
			);
		},
		10 * 60_000,
	);

	/**
	 * n8n 2.41.1 creates its Bull queue with `maxStalledCount: 0` (dist/scaling/scaling.service.js).
	 * The job of a dead worker keeps its lock until QUEUE_WORKER_LOCK_DURATION (default 60 s)
	 * passes, then the next stalled-job check (QUEUE_WORKER_STALLED_INTERVAL, default 30 s) moves
	 * it to `failed` instead of back to the queue. The webhook processor waiting for the job re-reads the execution for up to 30 s,
	 * then stores it as `error` with the stalled message and no run data. The delivery
	 * already got a 200 response, so YCM does not send it again.
	 */
	it(
		'loses the executions a killed worker held',
		async () => {
			const killed = topology.workers[0];
			const survivor = topology.workers[1];
			const planned = Array.from({ length: KILL_TEST_DELIVERIES }, () => planDelivery('KL'));
			let killedAt = 0;
			let activeAtKill: string[] = [];

			const sent = await sendAll(
				topology.productionUrl(workflows.slow.webhookId),
				planned,
				async (received) => {
					if (received !== KILL_TEST_DELIVERIES / 2) return;
					killedAt = Date.now();
					await killed.kill('SIGKILL');
					// The dead worker's jobs, and those the survivor is running at this moment.
					const active = await topology.jobQueue.listActiveJobs();
					activeAtKill = active.map((job) => String(job.executionId));
					log(`killed ${killed.name} (SIGKILL) after ${received} responses`);
				},
			);
			expect(killedAt).toBeGreaterThan(0);
			expect(countBy(sent.map((result) => String(result.response.status)))).toEqual({
				'200': KILL_TEST_DELIVERIES,
			});

			const settled = await waitFor('every execution has finished', 600_000, async () => {
				const counts = await topology.database.countExecutions(workflows.slow.id);
				const done = counts.total === KILL_TEST_DELIVERIES && counts.unfinished === 0;
				return done ? counts : undefined;
			});
			log(`executions settled ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
			expect((await topology.jobQueue.countJobs()).active).toBe(0);

			const executions = await executionsOf(workflows.slow);
			const lost = executions.filter((execution) => execution.status === 'error');
			const lostIds = lost.map((execution) => execution.id);
			log(`${lost.length} executions lost with the killed worker: ${lostIds.join(', ')}`);
			expect(lost.length).toBeGreaterThan(0);
			expect(lost.length).toBeLessThanOrEqual(DEFAULT_WORKER_CONCURRENCY);
			expect(settled.byStatus).toEqual({
				success: KILL_TEST_DELIVERIES - lost.length,
				error: lost.length,
			});
			for (const execution of lost) {
				expect(activeAtKill).toContain(execution.id);
				expect(execution.error?.message).toBe(STALLED_MESSAGE);
				// The stored error replaces the run data, so the delivery's items are gone too.
				expect(execution.outputs).toEqual({});
			}

			// No other worker ran them: n8n does not retry a stalled job.
			const survivorLog = survivor.readLog();
			for (const executionId of lostIds) {
				expect(survivorLog).not.toMatch(
					new RegExp(`^Worker started execution ${executionId} `, 'm'),
				);
			}

			await topology.restart(killed);
		},
		15 * 60_000,
	);

	describe('one delivery sent twice', () => {
		/**
		 * The trigger's retry window lives in the workflow's static data, which each webhook
		 * processor loads from PostgreSQL when a request arrives and saves before it responds.
		 */
		it(
			'runs both copies arriving together',
			async () => {
				const delivery = planDelivery('DP');
				const urls = topology.webhookProcessors.map((processor) =>
					processor.productionUrl(workflows.retries.webhookId),
				);

				const copies = await Promise.all(urls.map(async (url) => await send(url, delivery)));

				expect(copies.map((copy) => copy.response.status)).toEqual([200, 200]);
				expect(copies.map((copy) => copy.json.status)).toEqual(['accepted', 'accepted']);
				const deliveryId = copies[0].json.deliveryId;
				expect(copies[1].json.deliveryId).toBe(deliveryId);

				// The node responds before n8n saves the record, so a copy sent at once may still
				// run. Once both copies have run, the record is saved and a third copy is ignored.
				await topology.database.waitForFinishedExecutions(workflows.retries.id, 2);
				const later = await send(urls[1], delivery);
				expect(later.json.status).toBe('ignored');

				const executions = await executionsOf(workflows.retries);
				expect(executions.map(deliveryIdOf)).toEqual([deliveryId, deliveryId]);
			},
			5 * 60_000,
		);

		/**
		 * n8n 2.41.1 saves static data after the response, but WorkflowRunner.run first builds a
		 * second Workflow over the same object (establishContextForPersistence), which clears its
		 * `__dataChanged` flag. With a retry window set, the node therefore sends its response
		 * itself before the execution starts, so the save still sees the record. A retry that
		 * arrives once the first copy has run, as YCM's do, is ignored on the other processor.
		 */
		it(
			'ignores a later retry on the other processor',
			async () => {
				const before = await topology.database.countExecutions(workflows.retries.id);
				const delivery = planDelivery('DQ');
				const [first, retry] = topology.webhookProcessors.map((processor) =>
					processor.productionUrl(workflows.retries.webhookId),
				);

				const accepted = await send(first, delivery);
				await topology.database.waitForFinishedExecutions(workflows.retries.id, before.total + 1);
				const retried = await send(retry, delivery);

				expect(accepted.json.status).toBe('accepted');
				expect(retried.json.status).toBe('ignored');
				expect(retried.json.deliveryId).toBe(accepted.json.deliveryId);
				const after = await topology.database.countExecutions(workflows.retries.id);
				expect(after.total).toBe(before.total + 1);
			},
			5 * 60_000,
		);

		/**
		 * The Remove Duplicates node keeps its history in PostgreSQL (table processed_data) and
		 * reads, then updates it without a lock (dist/deduplication/deduplication-helper.js in
		 * n8n 2.41.1). Two copies that workers run at the same moment can therefore both pass (1 of
		 * 5 pairs did in one run here), while a copy that arrives after the first has finished does
		 * not.
		 */
		it(
			'removes later retries with Remove Duplicates',
			async () => {
				const urls = topology.webhookProcessors.map((processor) =>
					processor.productionUrl(workflows.removeDuplicates.webhookId),
				);
				// The first execution inserts the history row; later ones update it.
				const warmUp = await send(urls[0], planDelivery('RD'));
				expect(warmUp.response.status).toBe(200);
				await topology.database.waitForFinishedExecutions(workflows.removeDuplicates.id, 1);

				const pairs = Array.from({ length: 5 }, () => planDelivery('RD'));
				for (const delivery of pairs) {
					const copies = await Promise.all(urls.map(async (url) => await send(url, delivery)));
					expect(copies.map((copy) => copy.json.status)).toEqual(['accepted', 'accepted']);
				}
				await topology.database.waitForFinishedExecutions(
					workflows.removeDuplicates.id,
					1 + 2 * pairs.length,
				);
				for (const delivery of pairs) {
					const retry = await send(urls[0], delivery);
					expect(retry.json.status).toBe('accepted');
				}
				const counts = await topology.database.waitForFinishedExecutions(
					workflows.removeDuplicates.id,
					1 + 3 * pairs.length,
				);
				expect(counts.byStatus).toEqual({ success: 1 + 3 * pairs.length });

				const executions = (await executionsOf(workflows.removeDuplicates)).slice(1);
				const passedByDelivery = new Map<unknown, number[]>();
				for (const execution of executions) {
					const passed = (execution.outputs[LAST_NODE_NAME]?.length ?? 0) > 0 ? 1 : 0;
					const runs = passedByDelivery.get(deliveryIdOf(execution)) ?? [];
					passedByDelivery.set(deliveryIdOf(execution), [...runs, passed]);
				}
				expect(passedByDelivery.size).toBe(pairs.length);
				let pairsPassedTwice = 0;
				for (const runs of passedByDelivery.values()) {
					const [firstCopy, secondCopy, retry] = runs;
					expect(runs).toHaveLength(3);
					expect(firstCopy + secondCopy).toBeGreaterThanOrEqual(1);
					expect(retry).toBe(0);
					if (firstCopy + secondCopy === 2) pairsPassedTwice += 1;
				}
				log(`Remove Duplicates passed both copies of ${pairsPassedTwice} of ${pairs.length} pairs`);
			},
			5 * 60_000,
		);
	});
});
