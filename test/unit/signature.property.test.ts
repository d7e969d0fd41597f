import fc from 'fast-check';

import { computeSignature, verifySignature } from '../../nodes/YcmTrigger/signature';

/** A YCM-shaped secret: 32 printable ASCII characters without whitespace. */
const secretArbitrary = fc
	.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 32, maxLength: 32 })
	.map((codes) => String.fromCharCode(...codes));

const bodyArbitrary = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));

function flipBit(bytes: Buffer, bit: number): Buffer {
	const copy = Buffer.from(bytes);
	copy[Math.floor(bit / 8) % copy.length] ^= 1 << (bit % 8);
	return copy;
}

const RUNS = { numRuns: 5000 };

describe('verifySignature properties', () => {
	it('accepts every authentic delivery', () => {
		fc.assert(
			fc.property(bodyArbitrary, secretArbitrary, (body, secret) => {
				const check = verifySignature(body, computeSignature(body, secret), [secret]);
				expect(check.valid).toBe(true);
			}),
			RUNS,
		);
	});

	it('rejects a body with one bit flipped', () => {
		fc.assert(
			fc.property(
				bodyArbitrary.filter((body) => body.length > 0),
				secretArbitrary,
				fc.nat(),
				(body, secret, bit) => {
					const signature = computeSignature(body, secret);
					expect(verifySignature(flipBit(body, bit), signature, [secret]).valid).toBe(false);
				},
			),
			RUNS,
		);
	});

	it('rejects a signature with one bit flipped', () => {
		fc.assert(
			fc.property(bodyArbitrary, secretArbitrary, fc.nat({ max: 255 }), (body, secret, bit) => {
				const digest = Buffer.from(computeSignature(body, secret), 'base64');
				const forged = flipBit(digest, bit).toString('base64');
				expect(verifySignature(body, forged, [secret]).valid).toBe(false);
			}),
			RUNS,
		);
	});

	it('rejects a signature made with another secret', () => {
		fc.assert(
			fc.property(bodyArbitrary, secretArbitrary, secretArbitrary, (body, secret, other) => {
				fc.pre(secret !== other);
				expect(verifySignature(body, computeSignature(body, other), [secret]).valid).toBe(false);
			}),
			RUNS,
		);
	});

	it('rejects truncated and re-encoded signatures', () => {
		fc.assert(
			fc.property(bodyArbitrary, secretArbitrary, fc.nat({ max: 43 }), (body, secret, cut) => {
				const signature = computeSignature(body, secret);
				const digest = Buffer.from(signature, 'base64');
				const variants = [
					signature.slice(0, cut),
					digest.toString('hex'),
					digest.toString('base64url'),
					signature.replace(/=$/, ''),
					`${signature}=`,
					signature.toLowerCase() === signature ? signature.toUpperCase() : signature.toLowerCase(),
				].filter((variant) => variant !== signature);

				for (const variant of variants) {
					expect(verifySignature(body, variant, [secret]).valid).toBe(false);
				}
			}),
			{ numRuns: 2000 },
		);
	});

	it('never accepts an arbitrary header for an arbitrary body', () => {
		fc.assert(
			fc.property(
				bodyArbitrary,
				secretArbitrary,
				fc.string({ maxLength: 60 }),
				(body, secret, header) => {
					fc.pre(header !== computeSignature(body, secret));
					expect(verifySignature(body, header, [secret]).valid).toBe(false);
				},
			),
			RUNS,
		);
	});
});
