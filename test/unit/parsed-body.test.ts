import type { IWebhookFunctions } from 'n8n-workflow';

import { readParsedBody } from '../../nodes/YcmTrigger/request';
import { manifest, signedBytes } from './helpers/fixtures';
import { emittedItems, prepareWebhook } from './helpers/webhook-context';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

const rawBody = Buffer.from('[{"sn":"3631A1B2C3D4","vendorField":[1,2]}]');
const n8nParse = [{ sn: '3631A1B2C3D4', vendorField: [1, 2] }];

function requestOf(fields: { [name: string]: unknown }): WebhookRequest {
	return {
		rawBody,
		contentType: 'application/json',
		encoding: 'utf-8',
		body: n8nParse,
		...fields,
	} as unknown as WebhookRequest;
}

describe('readParsedBody', () => {
	it("returns n8n's parse of the verified buffer for UTF-8 JSON", () => {
		expect(readParsedBody(requestOf({}), rawBody)).toBe(n8nParse);
		expect(readParsedBody(requestOf({ encoding: 'utf8' }), rawBody)).toBe(n8nParse);
	});

	it('returns a parsed object with keys', () => {
		const body = { event: 'test' };
		expect(readParsedBody(requestOf({ body }), rawBody)).toBe(body);
	});

	it.each([
		['another buffer with the same bytes', { rawBody: Buffer.from(rawBody) }],
		['a type n8n does not parse as JSON', { contentType: 'application/octet-stream' }],
		['text/plain', { contentType: 'text/plain' }],
		['no content type', { contentType: undefined }],
		['a charset other than UTF-8', { encoding: 'latin1' }],
		['UTF-16', { encoding: 'utf-16le' }],
		['an object without keys', { body: {} }],
		['null', { body: null }],
		['a scalar', { body: 42 }],
		['a string', { body: 'text' }],
		['no body', { body: undefined }],
	])('parses the bytes itself for %s', (_case, fields) => {
		expect(readParsedBody(requestOf(fields), rawBody)).toBeUndefined();
	});

	it('parses the bytes itself for an empty body', () => {
		const empty = Buffer.alloc(0);
		expect(readParsedBody(requestOf({ rawBody: empty }), empty)).toBeUndefined();
	});
});

describe("webhook() with n8n's parse of the body", () => {
	it('emits the elements n8n parsed instead of parsing the bytes again', async () => {
		const { context, run } = prepareWebhook(signedBytes(rawBody), {
			credential: { secret: manifest.secret },
		});
		const parsedByN8n = context.getRequestObject().body as unknown[];

		const items = emittedItems(await run());

		expect(parsedByN8n).toEqual(n8nParse);
		expect(items).toHaveLength(1);
		expect(items[0].eventType).toBe('unknown');
		expect(items[0].element).toBe(parsedByN8n[0]);
	});

	it('rejects a form body that n8n parsed into an object', async () => {
		const form = Buffer.from('event=test&message=hello');
		const delivery = signedBytes(form);
		delivery.headers['content-type'] = 'application/x-www-form-urlencoded';
		const { context, run } = prepareWebhook(delivery, { credential: { secret: manifest.secret } });

		const result = await run();

		expect(context.getRequestObject().body).toEqual({ event: 'test', message: 'hello' });
		expect(result.result.workflowData).toBeUndefined();
		expect(result.sent).toEqual({
			statusCode: 400,
			body: { status: 'rejected', reason: 'The body is not valid JSON.' },
		});
	});
});
