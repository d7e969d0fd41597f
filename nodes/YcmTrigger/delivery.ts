import type { JsonValue } from './events';

export type ParsedDelivery = { ok: true; elements: JsonValue[] } | { ok: false; reason: string };

const BYTE_ORDER_MARK = '\ufeff';

/**
 * Parses a verified body into its elements (see toElements). The reasons name what is wrong
 * without quoting the body, because JSON.parse's own message can contain a piece of it.
 */
export function parseDelivery(rawBody: Buffer): ParsedDelivery {
	let text = rawBody.toString('utf8');
	// The signature covers the mark, but JSON.parse rejects it. n8n 2.x strips it the same way.
	if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
	if (text.trim() === '') {
		return { ok: false, reason: 'The body is empty; YCM always sends a JSON array or object.' };
	}

	let parsed: JsonValue;
	try {
		parsed = JSON.parse(text);
	} catch {
		return { ok: false, reason: 'The body is not valid JSON.' };
	}
	return toElements(parsed);
}

/**
 * Splits a parsed body into its elements: an array gives one element per Cloud PBX, a single
 * object (the connectivity test) one element, and anything else is not a delivery.
 */
export function toElements(parsed: JsonValue): ParsedDelivery {
	if (Array.isArray(parsed)) return { ok: true, elements: parsed };
	if (typeof parsed === 'object' && parsed !== null) return { ok: true, elements: [parsed] };

	const kind = parsed === null ? 'null' : typeof parsed;
	return { ok: false, reason: `The body must be a JSON array or object, not ${kind}.` };
}

/**
 * Parses a payload sent in the query string of a GET request. YCM does not document where a GET
 * delivery puts its payload, so two forms are read: the whole query string as URL-encoded JSON,
 * or else the query parameters, which become one element of their own.
 */
export function parseQueryDelivery(rawQuery: string, parameters: JsonValue): ParsedDelivery {
	let decoded: string;
	try {
		decoded = decodeURIComponent(rawQuery.replace(/\+/g, ' '));
	} catch {
		return { ok: false, reason: 'The query string is not valid URL encoding.' };
	}

	const asJson = parseDelivery(Buffer.from(decoded, 'utf8'));
	if (asJson.ok) return asJson;
	return { ok: true, elements: [parameters] };
}
