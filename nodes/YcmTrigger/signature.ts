import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * YCM sends standard Base64 with padding: 32 digest bytes always become 43 characters and one `=`.
 * Hex, URL-safe and unpadded forms are rejected rather than normalised, so that exactly one
 * spelling of a valid signature exists.
 */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** Reason a delivery failed verification. Each reason gets its own 401 message. */
export type SignatureRejection = 'missingSignature' | 'malformedSignature' | 'signatureMismatch';

/** Reasons sent back with a 401. None of them reveals anything about the secret. */
export const REJECTION_MESSAGES: Record<SignatureRejection, string> = {
	missingSignature: 'The X-Signature header is missing.',
	malformedSignature: 'The X-Signature header is not one Base64 HMAC-SHA256 signature.',
	signatureMismatch: 'The X-Signature header does not match the body.',
};

export type SignatureCheck =
	| {
			valid: true;
			/** Index into the secrets that were passed: 0 for the current one, 1 for the previous. */
			matchedSecretIndex: number;
			/** The HMAC digest that matched; never leaves the node, only the delivery ID derived from it. */
			digest: Buffer;
	  }
	| { valid: false; reason: SignatureRejection };

/** Computes the X-Signature value YCM sends for a body: Base64 HMAC-SHA256 keyed by the secret. */
export function computeSignature(rawBody: Buffer, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Verifies an X-Signature header against the exact body bytes, trying every secret.
 *
 * Every secret is compared, whether or not an earlier one matched, so the time taken does not
 * depend on which secret signed. A header that was sent twice reaches us joined with a comma
 * (or as an array), which can never be valid Base64 of one digest, so it is malformed.
 */
export function verifySignature(
	rawBody: Buffer,
	header: string | string[] | undefined,
	secrets: readonly string[],
): SignatureCheck {
	if (header === undefined || header === '') {
		return { valid: false, reason: 'missingSignature' };
	}
	if (typeof header !== 'string' || !BASE64_SHA256.test(header)) {
		return { valid: false, reason: 'malformedSignature' };
	}

	const received = Buffer.from(header, 'ascii');
	let matchedSecretIndex = -1;
	let matchedDigest: Buffer | undefined;
	secrets.forEach((secret, index) => {
		const digest = createHmac('sha256', secret).update(rawBody).digest();
		const expected = Buffer.from(digest.toString('base64'), 'ascii');
		if (timingSafeEqual(expected, received) && matchedSecretIndex === -1) {
			matchedSecretIndex = index;
			matchedDigest = digest;
		}
	});

	if (matchedDigest === undefined) {
		return { valid: false, reason: 'signatureMismatch' };
	}
	return { valid: true, matchedSecretIndex, digest: matchedDigest };
}

/**
 * Derives a delivery ID from the verified digest: the same body signed with the same secret (a
 * retry) gets the same ID, any other body a different one. Hashing the digest once more keeps the
 * signature itself out of the items, and costs 32 bytes of hashing instead of a second pass over a
 * large body.
 */
export function deriveDeliveryId(digest: Buffer): string {
	// Not the faster one-shot crypto.hash(): n8n 1.x releases ran on Node.js versions without it
	// (before 20.12), where every delivery would fail.
	return createHash('sha256').update(digest).digest('hex').slice(0, 32);
}
