import type { IWebhookFunctions } from 'n8n-workflow';

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
