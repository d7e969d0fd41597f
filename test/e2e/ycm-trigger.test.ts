import type { N8nInstallation, N8nServer } from '../../scripts/lib';
import { ensureN8nInstalled, loadSampleDeliveries, signBody, startN8n } from '../../scripts/lib';
import type { Item } from './support/deliveries';
import {
	DeliveryClient,
	expectOnlySentinel,
	log,
	responseJson,
	triggerItems,
} from './support/deliveries';
import type { TestWorkflow } from './support/workflows';
import {
	buildWorkflow,
	CREDENTIAL,
	OTHER_CREDENTIAL,
	ROTATING_CREDENTIAL,
} from './support/workflows';

// Runs the built package in a real n8n: one server for the whole file, with one workflow per
// subscription and option under test. A cold cache adds the n8n install (4 to 4.5 minutes on a 2-core machine).
const INSTALL_AND_START_TIMEOUT_MS = 15 * 60_000;
const TEST_TIMEOUT_MS = 60_000;

const samples = loadSampleDeliveries();

const workflows = {
	all: buildWorkflow('YcmE2eAllEvents1', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d01', {}),
	capacityOnly: buildWorkflow('YcmE2eCapacity01', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d02', {
		events: ['capacityChange'],
	}),
	trunkDeleteOnly: buildWorkflow('YcmE2eTrunkDel01', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d03', {
		events: ['didChange.trunk_delete'],
	}),
	perDid: buildWorkflow('YcmE2ePerDid0001', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d04', {
		options: { output: 'perDid' },
	}),
	perDelivery: buildWorkflow('YcmE2ePerDeliv01', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d05', {
		options: { output: 'perDelivery' },
	}),
	requestExtras: buildWorkflow('YcmE2eExtras0001', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d06', {
		options: { includeHeaders: true, includeRawBody: true },
	}),
	getMethod: buildWorkflow('YcmE2eGetMethod1', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d07', {
		httpMethod: 'GET',
	}),
	otherSecret: buildWorkflow(
		'YcmE2eOtherSec01',
		'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d08',
		{},
		OTHER_CREDENTIAL,
	),
	retries: buildWorkflow('YcmE2eRetries001', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d09', {
		options: { retryWindow: 10 },
	}),
	maxAge: buildWorkflow('YcmE2eMaxAge0001', 'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d10', {
		options: { maxEventAge: 60 },
	}),
	rotation: buildWorkflow(
		'YcmE2eRotation01',
		'a1f0c7e2-0b55-4d8e-9c41-6a2f1e0b7d11',
		{},
		ROTATING_CREDENTIAL,
	),
};

/** Returns the secret that the workflow's credential names as current. */
function currentSecretOf(workflow: TestWorkflow): string {
	const usesOtherSecret = workflow === workflows.otherSecret || workflow === workflows.rotation;
	return usesOtherSecret ? samples.otherSecret : samples.secret;
}

let installation: N8nInstallation;
let server: N8nServer;
let client: DeliveryClient;

function sampleBody(name: string): Buffer {
	const delivery = samples.deliveries.find((entry) => entry.name === name);
	if (delivery === undefined) throw new Error(`No sample delivery named ${name}.`);
	return delivery.body;
}

function vector(name: string) {
	const found = samples.vectors.find((entry) => entry.name === name);
	if (found === undefined) throw new Error(`No signature vector named ${name}.`);
	return found;
}

function signed(body: Buffer, secret = samples.secret): string {
	return signBody(body, secret);
}

/** Lists the `sn` of every element of a sample body, null for the connectivity test. */
function serialNumbersOf(body: Buffer): unknown[] {
	const parsed: unknown = JSON.parse(body.toString('utf8'));
	const elements: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
	return elements.map((element) =>
		typeof element === 'object' && element !== null && 'sn' in element
			? (element as { sn: unknown }).sn
			: null,
	);
}

beforeAll(async () => {
	const installStartedAt = Date.now();
	installation = ensureN8nInstalled({ log });
	log(`n8n ${installation.n8nVersion} available after ${Date.now() - installStartedAt} ms`);

	const credentials = [
		{ ...CREDENTIAL, type: 'ycmWebhookApi', data: { secret: samples.secret } },
		{ ...OTHER_CREDENTIAL, type: 'ycmWebhookApi', data: { secret: samples.otherSecret } },
		{
			...ROTATING_CREDENTIAL,
			type: 'ycmWebhookApi',
			data: { secret: samples.otherSecret, previousSecret: samples.secret },
		},
	];
	server = await startN8n({
		installation,
		credentials,
		workflows: Object.values(workflows).map((workflow) => workflow.json),
		log,
	});
	client = new DeliveryClient(server, currentSecretOf);
}, INSTALL_AND_START_TIMEOUT_MS);

afterAll(async () => {
	if (server !== undefined) await server.stop();
});

describe('YCM Trigger in a real n8n', () => {
	jest.setTimeout(TEST_TIMEOUT_MS);

	describe('signed sample deliveries', () => {
		it.each(samples.deliveries.map((delivery) => [delivery.name, delivery] as const))(
			'accepts %s',
			async (_name, delivery) => {
				const { response, executions } = await client.deliver(
					workflows.all,
					delivery.body,
					signed(delivery.body),
				);

				expect(response.status).toBe(200);
				const answer = responseJson(response);
				expect(answer.status).toBe('accepted');
				expect(answer.items).toBe(delivery.expect.items);
				expect(executions).toHaveLength(1);
				expect(executions[0].status).toBe('success');
				expect(executions[0].mode).toBe('webhook');

				const items = triggerItems(executions[0]);
				expect(items).toHaveLength(delivery.expect.items);
				expect(items.map((item) => item.eventType)).toEqual(delivery.expect.eventTypes);
				expect(items.map((item) => item.sn)).toEqual(serialNumbersOf(delivery.body));
				expect(items.map((item) => item.deliveryId)).toEqual(items.map(() => answer.deliveryId));
				expect(items.map((item) => item.signedWith)).toEqual(items.map(() => 'current'));
				if (delivery.expect.didCounts !== undefined) {
					const didCounts = items.map((item) => (item.dids as unknown[]).length);
					expect(didCounts).toEqual(delivery.expect.didCounts);
				}
				for (const item of items) {
					const expectedTime =
						typeof item.updateTime === 'number'
							? new Date(item.updateTime * 1000).toISOString()
							: null;
					expect(item.updatedAt).toBe(expectedTime);
				}
				// The items reach the next node unchanged.
				expect(executions[0].outputs['Received events']).toEqual(items);
			},
		);

		it('accepts the connectivity test', async () => {
			const body = sampleBody('connectivity-test');
			const { response, executions } = await client.deliver(workflows.perDid, body, signed(body));

			expect(response.status).toBeGreaterThanOrEqual(200);
			expect(response.status).toBeLessThan(300);
			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items).toHaveLength(1);
			expect(items[0].eventType).toBe('connectivityTest');
			expect(items[0].message).toBe('This is a webhook connectivity test.');
		});
	});

	describe('rejected deliveries', () => {
		const invalidVectors = samples.vectors.filter((entry) => !entry.valid);

		it.each(invalidVectors.map((entry) => [entry.name, entry] as const))(
			'rejects %s with 401',
			async (_name, entry) => {
				const result = await client.deliverExpectingNothing(
					workflows.all,
					entry.body,
					entry.signature,
				);

				expect(result.response.status).toBe(401);
				expect(responseJson(result.response).status).toBe('rejected');
				if (entry.signature) {
					expect(result.response.body).not.toContain(entry.signature);
				}
				expectOnlySentinel(result);
			},
		);

		it('rejects a body signed with another workflow secret', async () => {
			const body = sampleBody('capacity-change-one-pbx');
			const result = await client.deliverExpectingNothing(
				workflows.otherSecret,
				body,
				signed(body),
			);

			expect(result.response.status).toBe(401);
			expectOnlySentinel(result);
		});

		it('rejects an authentic body that is not JSON with 400', async () => {
			const body = Buffer.from('This is not JSON.');
			const result = await client.deliverExpectingNothing(workflows.all, body, signed(body), {
				contentType: 'text/plain',
			});

			expect(result.response.status).toBe(400);
			expect(responseJson(result.response).status).toBe('rejected');
			expectOnlySentinel(result);
		});

		it('rejects an authentic empty body with 400', async () => {
			const entry = vector('empty body, correctly signed');
			const result = await client.deliverExpectingNothing(
				workflows.all,
				entry.body,
				entry.signature,
			);

			expect(result.response.status).toBe(400);
			expectOnlySentinel(result);
		});

		it('leaves malformed JSON to n8n (422)', async () => {
			const body = Buffer.from('[{"event":"did_change",');
			const result = await client.deliverExpectingNothing(workflows.all, body, signed(body));

			// n8n's body parser rejects the request before the trigger runs (n8n 2.41.1).
			expect(result.response.status).toBe(422);
			expect(responseJson(result.response).message).toBe('Failed to parse request body');
			expectOnlySentinel(result);
		});
	});

	describe('event subscriptions', () => {
		it('responds 200 when nothing is subscribed', async () => {
			const body = sampleBody('did-change-one-pbx');
			const result = await client.deliverExpectingNothing(
				workflows.capacityOnly,
				body,
				signed(body),
			);

			expect(result.response.status).toBe(200);
			expect(responseJson(result.response).status).toBe('ignored');
			expectOnlySentinel(result);
		});

		it('keeps only subscribed elements of a mixed delivery', async () => {
			const body = sampleBody('mixed-did-and-capacity');
			const { response, executions } = await client.deliver(
				workflows.capacityOnly,
				body,
				signed(body),
			);

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items.map((item) => item.eventType)).toEqual(['capacityChange']);
			expect(items.map((item) => item.sn)).toEqual(['36A1B2C3D4E5F6ZK']);
		});

		it('passes a DID change of the subscribed reason', async () => {
			const body = sampleBody('trunk-delete');
			const { response, executions } = await client.deliver(
				workflows.trunkDeleteOnly,
				body,
				signed(body),
			);

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items.map((item) => item.event)).toEqual(['trunk_delete']);
			expect(items.map((item) => item.sn)).toEqual(['36Z0X9C8V7B6N5ZK']);
		});

		it('ignores DID changes of other reasons', async () => {
			const body = sampleBody('did-change-two-pbx-pretty');
			const result = await client.deliverExpectingNothing(
				workflows.trunkDeleteOnly,
				body,
				signed(body),
			);

			expect(result.response.status).toBe(200);
			expect(responseJson(result.response).status).toBe('ignored');
			expectOnlySentinel(result);
		});
	});

	describe('output options', () => {
		it('emits one item per DID', async () => {
			const body = sampleBody('did-change-two-pbx-pretty');
			const { executions } = await client.deliver(workflows.perDid, body, signed(body));

			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items.map((item) => item.did)).toEqual([
				'+44207951004',
				'+44207951005',
				'+44207951006',
			]);
			expect(items.map((item) => item.sn)).toEqual([
				'36A1B2C3D4E5F6ZK',
				'36Q9W8E7R6T5Y4ZK',
				'36Q9W8E7R6T5Y4ZK',
			]);
			expect(items.map((item) => item.trunkName)).toEqual([
				'London SIP',
				'Zürich – Haupt',
				'Zürich – Haupt',
			]);
		});

		it('keeps one item per DID for a PBX without DIDs', async () => {
			const body = sampleBody('pce-delete-empty-list');
			const { executions } = await client.deliver(workflows.perDid, body, signed(body));

			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items).toHaveLength(1);
			expect(items[0].event).toBe('pce_delete');
			expect(items[0].did).toBeNull();
		});

		it('emits one item per delivery', async () => {
			const body = sampleBody('mixed-did-and-capacity');
			const { response, executions } = await client.deliver(
				workflows.perDelivery,
				body,
				signed(body),
			);

			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items).toHaveLength(1);
			expect(items[0].deliveryId).toBe(responseJson(response).deliveryId);
			const events = items[0].events as Item[];
			expect(events.map((event) => event.eventType)).toEqual(['didChange', 'capacityChange']);
		});

		it('adds headers and the exact raw body', async () => {
			const body = sampleBody('did-change-two-pbx-pretty');
			const { executions } = await client.deliver(workflows.requestExtras, body, signed(body));

			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items).toHaveLength(2);
			for (const item of items) {
				expect(item.rawBody).toBe(body.toString('utf8'));
				const headers = item.headers as Record<string, unknown>;
				expect(headers['content-type']).toBe('application/json');
				expect(headers['user-agent']).toBe('ycm-delivery-simulator');
				expect(headers).not.toHaveProperty('x-signature');
			}
		});
	});

	describe('GET deliveries', () => {
		it('accepts a signed GET that carries the body', async () => {
			// n8n 2.41.1 reads a GET request's body when it has a Content-Length.
			const body = sampleBody('trunk-delete');
			const { response, executions } = await client.deliver(
				workflows.getMethod,
				body,
				signed(body),
				{
					method: 'GET',
				},
			);

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			expect(triggerItems(executions[0]).map((item) => item.sn)).toEqual(['36Z0X9C8V7B6N5ZK']);
		});

		it('rejects an unsigned GET with 401', async () => {
			const body = sampleBody('did-change-one-pbx');
			const result = await client.deliverExpectingNothing(workflows.getMethod, body, null, {
				method: 'GET',
			});

			expect(result.response.status).toBe(401);
			expectOnlySentinel(result);
		});

		it('leaves POST on a GET webhook to n8n (404)', async () => {
			const body = sampleBody('did-change-one-pbx');
			const result = await client.deliverExpectingNothing(workflows.getMethod, body, signed(body));

			expect(result.response.status).toBe(404);
			expectOnlySentinel(result);
		});

		it('accepts a payload in the signed query string', async () => {
			const rawQuery = encodeURIComponent(sampleBody('trunk-delete').toString('utf8'));
			const signature = signed(Buffer.from(rawQuery, 'ascii'));
			const { response, executions } = await client.deliver(
				workflows.getMethod,
				Buffer.alloc(0),
				signature,
				{ method: 'GET', query: rawQuery },
			);

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			const items = triggerItems(executions[0]);
			expect(items.map((item) => item.event)).toEqual(['trunk_delete']);
			expect(items.map((item) => item.sn)).toEqual(['36Z0X9C8V7B6N5ZK']);
		});

		it('rejects a query string changed after signing', async () => {
			const rawQuery = encodeURIComponent(sampleBody('trunk-delete').toString('utf8'));
			const signature = signed(Buffer.from(rawQuery, 'ascii'));
			const result = await client.deliverExpectingNothing(
				workflows.getMethod,
				Buffer.alloc(0),
				signature,
				{
					method: 'GET',
					query: `${rawQuery}&extra=1`,
				},
			);

			expect(result.response.status).toBe(401);
			expectOnlySentinel(result);
		});
	});

	describe('delivery rules kept across requests', () => {
		it('ignores a retry of an accepted delivery', async () => {
			const body = sampleBody('capacity-change-two-pbx');
			const first = await client.deliver(workflows.retries, body, signed(body));
			expect(first.response.status).toBe(200);
			expect(first.executions).toHaveLength(1);

			// The node remembers accepted deliveries in its static data, which n8n must save
			// to its database after the first request and load for the second.
			const retry = await client.deliverExpectingNothing(workflows.retries, body, signed(body));
			expect(retry.response.status).toBe(200);
			const answer = responseJson(retry.response);
			expect(answer.status).toBe('ignored');
			expect(answer.deliveryId).toBe(responseJson(first.response).deliveryId);
			expectOnlySentinel(retry);
		});

		it('drops events older than the maximum age', async () => {
			// The sample events happened on 2025-12-04, far beyond the workflow's 60 minutes.
			const body = sampleBody('did-change-one-pbx');
			const result = await client.deliverExpectingNothing(workflows.maxAge, body, signed(body));

			expect(result.response.status).toBe(200);
			expect(responseJson(result.response).status).toBe('ignored');
			expectOnlySentinel(result);
		});

		it('accepts a fresh event within the maximum age', async () => {
			const element = {
				event: 'did_change',
				sn: '36A1B2C3D4E5F6ZK',
				trunkDidInfoList: [],
				updateTime: Math.floor(Date.now() / 1000) - 60,
			};
			const body = Buffer.from(JSON.stringify([element]));
			const { response, executions } = await client.deliver(workflows.maxAge, body, signed(body));

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			expect(triggerItems(executions[0]).map((item) => item.updateTime)).toEqual([
				element.updateTime,
			]);
		});
	});

	describe('secret rotation', () => {
		it('accepts the previous secret', async () => {
			const body = sampleBody('did-change-one-pbx');
			const { response, executions } = await client.deliver(workflows.rotation, body, signed(body));

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			expect(triggerItems(executions[0]).map((item) => item.signedWith)).toEqual(['previous']);
		});

		it('accepts the current secret', async () => {
			const body = sampleBody('trunk-delete');
			const signature = signed(body, samples.otherSecret);
			const { response, executions } = await client.deliver(workflows.rotation, body, signature);

			expect(response.status).toBe(200);
			expect(executions).toHaveLength(1);
			expect(triggerItems(executions[0]).map((item) => item.signedWith)).toEqual(['current']);
		});

		it('rejects any third secret', async () => {
			const body = sampleBody('capacity-change-one-pbx');
			const signature = signed(body, 'Xx9Yy8Zz7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp');
			const result = await client.deliverExpectingNothing(workflows.rotation, body, signature);

			expect(result.response.status).toBe(401);
			expectOnlySentinel(result);
		});
	});
});
