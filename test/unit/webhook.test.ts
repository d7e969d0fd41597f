import { computeSignature } from '../../nodes/YcmTrigger/signature';
import { manifest, readBody, signedBytes, signedSample } from './helpers/fixtures';
import { emittedItems, runWebhook } from './helpers/webhook-context';

const credential = { secret: manifest.secret };

describe('YcmTrigger webhook()', () => {
	it.each(manifest.deliveries.map((delivery) => [delivery.name, delivery] as const))(
		'emits the expected items for %s',
		async (_name, delivery) => {
			const run = await runWebhook(signedSample(delivery.file), { credential });

			const items = emittedItems(run);
			expect(items).toHaveLength(delivery.expect.items);
			expect(items.map((item) => item.eventType)).toEqual(delivery.expect.eventTypes);
			expect(run.sent).toBeUndefined();
			expect(run.result.webhookResponse).toEqual({
				status: 'accepted',
				deliveryId: items[0].deliveryId,
				items: delivery.expect.items,
			});
		},
	);

	it('answers 401 without an execution for a forged signature', async () => {
		const delivery = signedSample('did-change-one-pbx.json', manifest.otherSecret);

		const run = await runWebhook(delivery, { credential });

		expect(run.sent).toEqual({
			statusCode: 401,
			body: { status: 'rejected', reason: 'The X-Signature header does not match the body.' },
		});
		expect(run.result).toEqual({ noWebhookResponse: true });
	});

	it('answers 401 for a missing signature', async () => {
		const run = await runWebhook({ rawBody: readBody('did-change-one-pbx.json') }, { credential });

		expect(run.sent).toEqual({
			statusCode: 401,
			body: { status: 'rejected', reason: 'The X-Signature header is missing.' },
		});
		expect(run.result.workflowData).toBeUndefined();
	});

	it('answers 401 for a body re-serialised after signing', async () => {
		const original = signedSample('did-change-one-pbx.json');
		const rawBody = readBody('did-change-one-pbx.reserialised.json');

		const run = await runWebhook({ rawBody, headers: original.headers }, { credential });

		expect(run.sent?.statusCode).toBe(401);
		expect(run.result.workflowData).toBeUndefined();
	});

	it('logs a rejection at warn without secret, signature or body', async () => {
		const delivery = signedSample('did-change-one-pbx.json', manifest.otherSecret);

		const run = await runWebhook(delivery, { credential });

		expect(run.logs).toEqual([
			{
				level: 'warn',
				message:
					'YCM Trigger rejected a delivery: The X-Signature header does not match the body. ' +
					'(workflow wf-unit, node "YCM Trigger")',
				metadata: { workflowId: 'wf-unit', node: 'YCM Trigger', reason: 'signatureMismatch' },
			},
		]);
		const logged = JSON.stringify(run.logs);
		expect(logged).not.toContain(manifest.secret);
		expect(logged).not.toContain(delivery.headers['x-signature']);
		expect(logged).not.toContain('36A1B2C3D4E5F6ZK');
	});

	it('answers 400 for an authentic body that is not JSON', async () => {
		const rawBody = Buffer.from('sn=36A1B2C3D4E5F6ZK&event=did_change');
		const headers = { 'x-signature': computeSignature(rawBody, manifest.secret) };

		const run = await runWebhook({ rawBody, headers }, { credential });

		expect(run.sent).toEqual({
			statusCode: 400,
			body: { status: 'rejected', reason: 'The body is not valid JSON.' },
		});
		expect(run.result).toEqual({ noWebhookResponse: true });
		expect(JSON.stringify(run.logs)).not.toContain('36A1B2C3D4E5F6ZK');
	});

	it('answers 400 for an authentic empty body', async () => {
		const run = await runWebhook(signedSample('empty-body.json'), { credential });

		expect(run.sent).toEqual({
			statusCode: 400,
			body: {
				status: 'rejected',
				reason: 'The body is empty; YCM always sends a JSON array or object.',
			},
		});
	});

	it('answers 200 without an execution when nothing is subscribed', async () => {
		const run = await runWebhook(signedSample('did-change-one-pbx.json'), {
			credential,
			parameters: { events: ['capacityChange'] },
		});

		expect(run.result.workflowData).toBeUndefined();
		expect(run.result.webhookResponse).toEqual({
			status: 'ignored',
			deliveryId: expect.stringMatching(/^[0-9a-f]{32}$/),
			reason: 'The delivery holds no event this workflow subscribes to.',
		});
		expect(run.sent).toBeUndefined();
	});

	it('keeps only subscribed elements of a mixed delivery', async () => {
		const run = await runWebhook(signedSample('mixed-did-and-capacity.json'), {
			credential,
			parameters: { events: ['capacityChange'] },
		});

		const items = emittedItems(run);
		expect(items).toHaveLength(1);
		expect(items[0].eventType).toBe('capacityChange');
		expect(run.logs.map((entry) => entry.message)).toContain(
			'YCM Trigger ignored events the workflow does not subscribe to',
		);
	});

	it('filters DID changes by reason', async () => {
		const delivery = signedSample('did-change-two-pbx-pretty.json');

		const run = await runWebhook(delivery, {
			credential,
			parameters: { events: ['didChange.did_delete'] },
		});

		const items = emittedItems(run);
		expect(items.map((item) => [item.event, item.sn])).toEqual([
			['did_delete', '36Q9W8E7R6T5Y4ZK'],
		]);
	});

	it('emits the connectivity test when subscribed', async () => {
		const run = await runWebhook(signedSample('connectivity-test.json'), {
			credential,
			parameters: { events: ['connectivityTest'] },
		});

		expect(emittedItems(run)).toEqual([
			{
				eventType: 'connectivityTest',
				deliveryId: expect.stringMatching(/^[0-9a-f]{32}$/),
				signedWith: 'current',
				sn: null,
				updateTime: null,
				updatedAt: null,
				event: 'test',
				message: 'This is a webhook connectivity test.',
			},
		]);
	});

	it('gives every item of a delivery and its retry one delivery ID', async () => {
		const first = emittedItems(
			await runWebhook(signedSample('capacity-change-two-pbx.json'), { credential }),
		);
		const retry = emittedItems(
			await runWebhook(signedSample('capacity-change-two-pbx.json'), { credential }),
		);
		const other = emittedItems(
			await runWebhook(signedSample('capacity-change-one-pbx.json'), { credential }),
		);

		expect(first[0].deliveryId).toBe(first[1].deliveryId);
		expect(retry[0].deliveryId).toBe(first[0].deliveryId);
		expect(other[0].deliveryId).not.toBe(first[0].deliveryId);
	});

	it('adds headers without the signature when asked', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json'), {
			credential,
			parameters: { options: { includeHeaders: true } },
		});

		expect(emittedItems(run)[0].headers).toEqual({ 'content-type': 'application/json' });
	});

	it('withholds credential headers from items', async () => {
		const delivery = signedSample('trunk-delete.json');
		const headers = {
			...delivery.headers,
			authorization: 'Basic cHJveHk6c2VjcmV0',
			'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
			cookie: 'n8n-auth=abc',
			'user-agent': 'YCM',
		};

		const run = await runWebhook(
			{ ...delivery, headers },
			{ credential, parameters: { options: { includeHeaders: true } } },
		);

		expect(emittedItems(run)[0].headers).toEqual({
			'content-type': 'application/json',
			'user-agent': 'YCM',
		});
	});

	it('warns when it ignores an element of unknown shape', async () => {
		const body = Buffer.from(
			'[{"modifier":"m","repository":{"extensions":"9","plan":{"minutes":"5"}},"sn":"P3","updateTime":1}]',
		);

		const run = await runWebhook(signedBytes(body), {
			credential,
			parameters: { events: ['capacityChange'] },
		});

		expect(run.result.workflowData).toBeUndefined();
		expect(run.logs.filter((entry) => entry.level === 'warn')).toEqual([
			{
				level: 'warn',
				message:
					'YCM Trigger ignored 1 authentic element(s) of unknown shape; subscribe to ' +
					'Unknown Events to receive them (workflow wf-unit, node "YCM Trigger")',
				metadata: expect.objectContaining({ ignored: 1 }),
			},
		]);
	});

	it('adds the raw body text when asked', async () => {
		const run = await runWebhook(signedSample('did-change-two-pbx-pretty.json'), {
			credential,
			parameters: { options: { includeRawBody: true } },
		});

		const text = readBody('did-change-two-pbx-pretty.json').toString('utf8');
		expect(emittedItems(run).map((item) => item.rawBody)).toEqual([text, text]);
	});

	it('leaves headers and raw body out by default', async () => {
		const run = await runWebhook(signedSample('trunk-delete.json'), { credential });

		const [item] = emittedItems(run);
		expect(Object.keys(item)).toEqual([
			'eventType',
			'deliveryId',
			'signedWith',
			'sn',
			'updateTime',
			'updatedAt',
			'event',
			'dids',
		]);
	});

	it('emits one item per DID with the perDid output', async () => {
		const run = await runWebhook(signedSample('did-change-one-pbx.json'), {
			credential,
			parameters: { options: { output: 'perDid' } },
		});

		expect(emittedItems(run).map((item) => item.did)).toEqual([
			'+44207951001',
			'+44207951002',
			'+44207951003',
		]);
	});

	it('emits one item with the perDelivery output', async () => {
		const run = await runWebhook(signedSample('capacity-change-two-pbx.json'), {
			credential,
			parameters: { options: { output: 'perDelivery' } },
		});

		const items = emittedItems(run);
		expect(items).toHaveLength(1);
		expect(items[0].events).toHaveLength(2);
		expect(run.result.webhookResponse).toMatchObject({ status: 'accepted', items: 1 });
	});

	it('reads the body itself when n8n has not read it', async () => {
		const rawBody = readBody('trunk-delete.json');
		const headers = { 'x-signature': computeSignature(rawBody, manifest.secret) };

		const run = await runWebhook({ headers, readRawBody: async () => rawBody }, { credential });

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('answers 413 when n8n refuses a body over its size limit', async () => {
		const tooLarge = Object.assign(new Error('request entity too large'), { status: 413 });

		const run = await runWebhook(
			{ headers: { 'x-signature': 'x' }, readRawBody: async () => Promise.reject(tooLarge) },
			{ credential },
		);

		expect(run.sent).toEqual({
			statusCode: 413,
			body: { status: 'rejected', reason: 'The body is larger than this n8n accepts.' },
		});
	});
});

describe('YcmTrigger webhook() configuration errors', () => {
	it('throws for a secret of the wrong length instead of skipping the check', async () => {
		const delivery = signedSample('did-change-one-pbx.json');

		const run = runWebhook(delivery, { credential: { secret: manifest.secret.slice(1) } });

		await expect(run).rejects.toMatchObject({
			message: 'The YCM webhook secret is invalid',
			description:
				'Secret must be exactly 32 characters (it has 31). Copy it again from YCM > System > API > Webhook Event Push. Deliveries are not verified, and so not accepted, until it is fixed.',
		});
	});

	it('throws for a missing secret', async () => {
		const run = runWebhook(signedSample('did-change-one-pbx.json'), { credential: {} });

		await expect(run).rejects.toMatchObject({ message: 'The YCM webhook secret is invalid' });
	});

	it('throws for an empty event selection', async () => {
		const run = runWebhook(signedSample('did-change-one-pbx.json'), {
			credential,
			parameters: { events: [] },
		});

		await expect(run).rejects.toMatchObject({
			message: 'The Events parameter is invalid',
			description:
				"No event is selected. Choose one or more events in the node's Events parameter.",
		});
	});

	it('throws for an unknown output option', async () => {
		const run = runWebhook(signedSample('did-change-one-pbx.json'), {
			credential,
			parameters: { options: { output: 'perTrunk' } },
		});

		await expect(run).rejects.toMatchObject({ message: 'The Output option is invalid' });
	});

	it('never puts the secret into a configuration error', async () => {
		const secret = `${manifest.secret} `;

		const error: unknown = await runWebhook(signedSample('did-change-one-pbx.json'), {
			credential: { secret },
		}).catch((caught: unknown) => caught);

		expect(JSON.stringify(error)).not.toContain(manifest.secret);
		expect(error).toMatchObject({
			description: expect.stringContaining('contains whitespace at position 33'),
		});
	});
});
