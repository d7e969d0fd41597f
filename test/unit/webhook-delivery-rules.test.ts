import type { IDataObject } from 'n8n-workflow';

import { MAX_CLOCK_SKEW_SECONDS } from '../../nodes/YcmTrigger/freshness';
import { computeSignature } from '../../nodes/YcmTrigger/signature';
import { manifest, readBody, signedSample } from './helpers/fixtures';
import { emittedItems, runWebhook } from './helpers/webhook-context';

describe('secret rotation', () => {
	const rotating = { secret: manifest.otherSecret, previousSecret: manifest.secret };

	it('accepts the previous secret and says so', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json', manifest.secret), {
			credential: rotating,
		});

		expect(emittedItems(run).map((item) => item.signedWith)).toEqual(['previous']);
	});

	it('accepts the current secret and says so', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json', manifest.otherSecret), {
			credential: rotating,
		});

		expect(emittedItems(run).map((item) => item.signedWith)).toEqual(['current']);
	});

	it('gives both signings of one body different delivery IDs', async () => {
		const byPrevious = await runWebhook(signedSample('trunk-delete.json', manifest.secret), {
			credential: rotating,
		});
		const byCurrent = await runWebhook(signedSample('trunk-delete.json', manifest.otherSecret), {
			credential: rotating,
		});

		expect(emittedItems(byPrevious)[0].deliveryId).not.toBe(emittedItems(byCurrent)[0].deliveryId);
	});

	it('rejects a third secret', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json', 'X'.repeat(32)), {
			credential: rotating,
		});

		expect(run.sent?.statusCode).toBe(401);
	});

	it('ignores an empty previous secret', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json'), {
			credential: { secret: manifest.secret, previousSecret: '' },
		});

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('throws for a malformed previous secret', async () => {
		const run = runWebhook(signedSample('trunk-delete.json'), {
			credential: { secret: manifest.secret, previousSecret: 'short' },
		});

		await expect(run).rejects.toMatchObject({
			message: 'The previous YCM webhook secret is invalid',
			description:
				'Previous Secret must be exactly 32 characters (it has 5). Copy it again from YCM > System > API > Webhook Event Push. Or clear Previous Secret if the rotation is finished.',
		});
	});
});

describe('retry de-duplication', () => {
	const credential = { secret: manifest.secret };
	const withWindow = { options: { retryWindow: 10 } };
	let now = 1_800_000_000_000;

	beforeEach(() => {
		jest.spyOn(Date, 'now').mockImplementation(() => now);
	});

	afterEach(() => {
		jest.restoreAllMocks();
	});

	it('ignores a retry within the window', async () => {
		const staticData: IDataObject = {};
		const setup = { credential, parameters: withWindow, staticData };

		const first = await runWebhook(signedSample('did-change-one-pbx.json'), setup);
		now += 9 * 60_000;
		const retry = await runWebhook(signedSample('did-change-one-pbx.json'), setup);

		expect(emittedItems(first)).toHaveLength(1);
		expect(first.result.noWebhookResponse).toBe(true);
		expect(first.sent).toEqual({
			statusCode: 200,
			body: { status: 'accepted', deliveryId: emittedItems(first)[0].deliveryId, items: 1 },
		});
		expect(retry.result.workflowData).toBeUndefined();
		expect(retry.result.webhookResponse).toEqual({
			status: 'ignored',
			deliveryId: emittedItems(first)[0].deliveryId,
			reason: 'This delivery was already accepted; the retry is ignored.',
		});
		expect(retry.logs.map((entry) => [entry.level, entry.message])).toEqual([
			['info', 'YCM Trigger ignored a retry of a delivery it already accepted'],
		]);
	});

	it('runs a repeat after the window', async () => {
		const staticData: IDataObject = {};
		const setup = { credential, parameters: withWindow, staticData };

		await runWebhook(signedSample('did-change-one-pbx.json'), setup);
		now += 10 * 60_000 + 1;
		const late = await runWebhook(signedSample('did-change-one-pbx.json'), setup);

		expect(emittedItems(late)).toHaveLength(1);
	});

	it('runs other deliveries within the window', async () => {
		const staticData: IDataObject = {};
		const setup = { credential, parameters: withWindow, staticData };

		await runWebhook(signedSample('did-change-one-pbx.json'), setup);
		const other = await runWebhook(signedSample('trunk-delete.json'), setup);

		expect(emittedItems(other)).toHaveLength(1);
	});

	it('runs every repeat when the option is off', async () => {
		const staticData: IDataObject = {};
		const setup = { credential, staticData };

		await runWebhook(signedSample('did-change-one-pbx.json'), setup);
		const repeat = await runWebhook(signedSample('did-change-one-pbx.json'), setup);

		expect(emittedItems(repeat)).toHaveLength(1);
		expect(staticData).toEqual({});
	});

	it('does not remember rejected deliveries', async () => {
		const staticData: IDataObject = {};
		const setup = { credential, parameters: withWindow, staticData };

		await runWebhook(signedSample('did-change-one-pbx.json', manifest.otherSecret), setup);

		expect(staticData).toEqual({});
	});
});

describe('maximum event age', () => {
	const credential = { secret: manifest.secret };
	// did-change-one-pbx.json was signed with updateTime 1764849600.
	const updateTimeMs = 1764849600 * 1000;

	function runAt(nowMs: number, file = 'did-change-one-pbx.json') {
		jest.spyOn(Date, 'now').mockReturnValue(nowMs);
		return runWebhook(signedSample(file), {
			credential,
			parameters: { options: { maxEventAge: 60 } },
		});
	}

	afterEach(() => {
		jest.restoreAllMocks();
	});

	it('accepts an event inside the window', async () => {
		const run = await runAt(updateTimeMs + 60 * 60_000);

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('ignores a stale event with a warning', async () => {
		const run = await runAt(updateTimeMs + 60 * 60_000 + 1000);

		expect(run.result.workflowData).toBeUndefined();
		expect(run.result.webhookResponse).toMatchObject({
			status: 'ignored',
			reason: 'Every subscribed event is outside the Maximum Event Age.',
		});
		expect(run.logs.filter((entry) => entry.level === 'warn')).toEqual([
			{
				level: 'warn',
				message: expect.stringMatching(
					/^YCM Trigger dropped events outside the Maximum Event Age \(workflow wf-unit, node "YCM Trigger"\)$/,
				),
				metadata: expect.objectContaining({ dropped: 1 }),
			},
		]);
	});

	it('ignores an event too far in the future', async () => {
		const run = await runAt(updateTimeMs - (MAX_CLOCK_SKEW_SECONDS + 1) * 1000);

		expect(run.result.workflowData).toBeUndefined();
	});

	it('tolerates small clock skew', async () => {
		const run = await runAt(updateTimeMs - (MAX_CLOCK_SKEW_SECONDS - 1) * 1000);

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('always passes the connectivity test', async () => {
		const run = await runAt(updateTimeMs + 365 * 24 * 3_600_000, 'connectivity-test.json');

		expect(emittedItems(run)).toHaveLength(1);
	});
});

describe('GET deliveries', () => {
	const credential = { secret: manifest.secret };

	it('verifies a signed body on GET like on POST', async () => {
		const run = await runWebhook(
			{ ...signedSample('trunk-delete.json'), method: 'GET' },
			{ credential },
		);

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('reads URL-encoded JSON from the query string', async () => {
		const json = readBody('trunk-delete.json').toString('utf8');
		const rawQuery = encodeURIComponent(json);

		const run = await runWebhook(
			{
				method: 'GET',
				rawBody: Buffer.alloc(0),
				url: `/webhook/id/webhook?${rawQuery}`,
				headers: { 'x-signature': computeSignature(Buffer.from(rawQuery), manifest.secret) },
			},
			{ credential },
		);

		expect(emittedItems(run).map((item) => [item.eventType, item.sn])).toEqual([
			['didChange', '36Z0X9C8V7B6N5ZK'],
		]);
	});

	it('passes query parameters on as one element', async () => {
		const rawQuery = 'sn=36Z0X9C8V7B6N5ZK&event=trunk_delete';

		const run = await runWebhook(
			{
				method: 'GET',
				rawBody: Buffer.alloc(0),
				url: `/webhook/id/webhook?${rawQuery}`,
				query: { sn: '36Z0X9C8V7B6N5ZK', event: 'trunk_delete' },
				headers: { 'x-signature': computeSignature(Buffer.from(rawQuery), manifest.secret) },
			},
			{ credential },
		);

		expect(emittedItems(run)).toMatchObject([
			{
				eventType: 'unknown',
				sn: '36Z0X9C8V7B6N5ZK',
				element: { sn: '36Z0X9C8V7B6N5ZK', event: 'trunk_delete' },
			},
		]);
	});

	it('rejects a query string signed over its decoded form', async () => {
		const json = '[{"event":"test"}]';

		const run = await runWebhook(
			{
				method: 'GET',
				rawBody: Buffer.alloc(0),
				url: `/webhook/id/webhook?${encodeURIComponent(json)}`,
				headers: { 'x-signature': computeSignature(Buffer.from(json), manifest.secret) },
			},
			{ credential },
		);

		expect(run.sent?.statusCode).toBe(401);
	});

	it('answers 400 for broken URL encoding', async () => {
		const rawQuery = '%E0%A4%A';

		const run = await runWebhook(
			{
				method: 'GET',
				rawBody: Buffer.alloc(0),
				url: `/webhook/id/webhook?${rawQuery}`,
				headers: { 'x-signature': computeSignature(Buffer.from(rawQuery), manifest.secret) },
			},
			{ credential },
		);

		expect(run.sent).toEqual({
			statusCode: 400,
			body: { status: 'rejected', reason: 'The query string is not valid URL encoding.' },
		});
	});

	it('ignores the query string of a POST', async () => {
		const delivery = signedSample('trunk-delete.json');

		const run = await runWebhook({ ...delivery, url: '/webhook/id/webhook?x=1' }, { credential });

		expect(emittedItems(run)).toHaveLength(1);
	});
});
