import type { IWebhookFunctions } from 'n8n-workflow';

import type { JsonObject, JsonValue } from './events';

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']>;

export type RawBodyRead =
	{ ok: true; rawBody: Buffer } | { ok: false; statusCode: number; reason: string };

function hasStatus(error: unknown): error is { status: number } {
	return (
		typeof error === 'object' &&
		error !== null &&
		'status' in error &&
		typeof error.status === 'number'
	);
}

/**
 * Returns the exact bytes of the body (decompressed when the sender used gzip or deflate).
 *
 * n8n reads the body before a version 1 trigger runs. When it has not, this reads it through n8n,
 * and turns n8n's read errors (a body over its size limit, an aborted upload) into a 4xx.
 */
export async function readRawBody(request: WebhookRequest): Promise<RawBodyRead> {
	if (Buffer.isBuffer(request.rawBody)) return { ok: true, rawBody: request.rawBody };

	try {
		await request.readRawBody();
	} catch (error) {
		if (hasStatus(error) && error.status === 413) {
			return { ok: false, statusCode: 413, reason: 'The body is larger than this n8n accepts.' };
		}
		return { ok: false, statusCode: 400, reason: 'The body could not be read.' };
	}

	const rawBody: unknown = request.rawBody;
	return { ok: true, rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.alloc(0) };
}

function hasOwnKey(value: object): boolean {
	for (const key in value) {
		if (Object.prototype.hasOwnProperty.call(value, key)) return true;
	}
	return false;
}

/**
 * Returns n8n's parse of the verified body, so the node does not parse the same bytes twice.
 * Before the node runs, n8n 1.x and 2.x set `req.body` to JSON.parse of a non-empty
 * `application/json` body decoded in its charset. n8n 2.x strips a leading byte order mark first,
 * as parseDelivery does, and n8n 1.x rejects such a body with 422. So when `rawBody` is the
 * buffer n8n parsed and the charset is UTF-8, `req.body` equals what parseDelivery would parse.
 *
 * Returns undefined in every other case, and the node parses the bytes itself. That includes an
 * object without keys: n8n's webhook path leaves `null` for a body of `null`, but its generic
 * body-parser middleware puts `{}` there, and such a `{}` must not become an element.
 */
export function readParsedBody(
	request: WebhookRequest,
	rawBody: Buffer,
): JsonValue[] | JsonObject | undefined {
	if (request.rawBody !== rawBody || rawBody.length === 0) return undefined;
	if (request.contentType !== 'application/json') return undefined;
	const encoding: string | undefined = request.encoding;
	if (encoding !== 'utf-8' && encoding !== 'utf8') return undefined;

	const body: unknown = request.body;
	if (Array.isArray(body)) return body as JsonValue[];
	if (typeof body === 'object' && body !== null && hasOwnKey(body)) return body as JsonObject;
	return undefined;
}

/**
 * Headers left out of items: the signature, and credentials that a proxy or browser in front of
 * n8n may add, which would otherwise be stored with every execution.
 */
const WITHHELD_HEADERS: ReadonlySet<string> = new Set([
	'x-signature',
	'authorization',
	'proxy-authorization',
	'cookie',
]);

/** Copies the request headers for the items, leaving out the signature and credentials. */
export function collectHeaders(request: WebhookRequest): { [name: string]: string | string[] } {
	const headers: { [name: string]: string | string[] } = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (WITHHELD_HEADERS.has(name)) continue;
		if (typeof value === 'string' || Array.isArray(value)) headers[name] = value;
	}
	return headers;
}

/**
 * Returns the query string exactly as it arrived (without the `?`), or an empty string. Node's
 * HTTP parser rejects a request line with non-ASCII bytes with a 400, so these characters are the
 * bytes that were sent.
 */
export function readRawQuery(request: WebhookRequest): string {
	const url = request.originalUrl ?? request.url ?? '';
	const start = url.indexOf('?');
	return start === -1 ? '' : url.slice(start + 1);
}
