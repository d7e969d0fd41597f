import fc from 'fast-check';

import { computeSignature } from '../../nodes/YcmTrigger/signature';
import { manifest, readBody } from './helpers/fixtures';
import type { WebhookRun } from './helpers/webhook-context';
import { parseLikeN8n, runWebhook } from './helpers/webhook-context';

const credential = { secret: manifest.secret };

/** Bodies an attacker or a broken sender could produce, from raw bytes to valid JSON. */
const bodyArbitrary = fc.oneof(
	fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes)),
	fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => Buffer.from(text)),
	fc.json({ maxDepth: 6 }).map((text) => Buffer.from(text)),
	fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify([value]))),
	fc
		.constantFrom(...manifest.deliveries.map((delivery) => delivery.file))
		.map((file) => readBody(file)),
	fc
		.jsonValue({ maxDepth: 2 })
		.map((value) =>
			Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))]),
		),
);

function statusOf(run: WebhookRun): number {
	return run.sent?.statusCode ?? 200;
}

describe('webhook() properties', () => {
	it('answers 2xx or 400 for any authentic body, never throws', async () => {
		await fc.assert(
			fc.asyncProperty(bodyArbitrary, async (rawBody) => {
				const headers = { 'x-signature': computeSignature(rawBody, manifest.secret) };

				const run = await runWebhook({ rawBody, headers }, { credential });

				expect([200, 400]).toContain(statusOf(run));
				if (run.result.workflowData !== undefined) expect(statusOf(run)).toBe(200);
			}),
			{ numRuns: 3000 },
		);
	});

	it('answers 401 with no execution for any forged body', async () => {
		await fc.assert(
			fc.asyncProperty(
				bodyArbitrary,
				fc.oneof(
					fc.constant(undefined),
					fc.string({ maxLength: 60 }),
					fc.constant(computeSignature(Buffer.from('[]'), manifest.secret)),
					bodyArbitrary.map((other) => computeSignature(other, manifest.otherSecret)),
				),
				async (rawBody, signature) => {
					fc.pre(signature !== computeSignature(rawBody, manifest.secret));
					const headers = signature === undefined ? {} : { 'x-signature': signature };

					const run = await runWebhook({ rawBody, headers }, { credential });

					expect(statusOf(run)).toBe(401);
					expect(run.result).toEqual({ noWebhookResponse: true });
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('answers JSON and octet-stream alike', async () => {
		await fc.assert(
			fc.asyncProperty(
				bodyArbitrary,
				fc.constantFrom(
					'application/json',
					'application/json; charset=utf-8',
					'Application/JSON; charset=UTF-8',
					'application/json;charset="utf8"',
				),
				async (rawBody, jsonType) => {
					const signature = computeSignature(rawBody, manifest.secret);
					const send = async (contentType: string) =>
						await runWebhook(
							{ rawBody, headers: { 'content-type': contentType, 'x-signature': signature } },
							{ credential },
						);
					// n8n rejects a JSON type whose body does not parse with 422, before the node runs.
					fc.pre(!parseLikeN8n({ 'content-type': jsonType }, rawBody).rejectedByN8n);

					const asJson = await send(jsonType);
					const asBytes = await send('application/octet-stream');

					expect(asJson.sent).toEqual(asBytes.sent);
					expect(asJson.result).toEqual(asBytes.result);
				},
			),
			{ numRuns: 3000 },
		);
	});

	it('emits one item per element of an authentic array', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 20 }),
				async (elements) => {
					const rawBody = Buffer.from(JSON.stringify(elements));
					const headers = { 'x-signature': computeSignature(rawBody, manifest.secret) };

					const run = await runWebhook({ rawBody, headers }, { credential });

					expect(run.result.workflowData?.[0]).toHaveLength(elements.length);
				},
			),
			{ numRuns: 1000 },
		);
	});
});
