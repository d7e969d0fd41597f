import {
	computeSignature,
	deriveDeliveryId,
	verifySignature,
} from '../../nodes/YcmTrigger/signature';
import { manifest, readBody } from './helpers/fixtures';

describe('verifySignature', () => {
	it.each(manifest.vectors.map((vector) => [vector.name, vector] as const))(
		'vector: %s',
		(_name, vector) => {
			const check = verifySignature(readBody(vector.file), vector.signature ?? undefined, [
				manifest.secret,
			]);

			expect(check.valid).toBe(vector.valid);
		},
	);

	it('names the reason for each failure', () => {
		const body = readBody('did-change-one-pbx.json');
		const valid = computeSignature(body, manifest.secret);

		expect(verifySignature(body, undefined, [manifest.secret])).toEqual({
			valid: false,
			reason: 'missingSignature',
		});
		expect(verifySignature(body, '', [manifest.secret])).toEqual({
			valid: false,
			reason: 'missingSignature',
		});
		expect(verifySignature(body, valid.slice(0, 20), [manifest.secret])).toEqual({
			valid: false,
			reason: 'malformedSignature',
		});
		expect(
			verifySignature(body, computeSignature(body, manifest.otherSecret), [manifest.secret]),
		).toEqual({
			valid: false,
			reason: 'signatureMismatch',
		});
	});

	it('rejects a header sent twice, even with a valid copy', () => {
		const body = readBody('trunk-delete.json');
		const valid = computeSignature(body, manifest.secret);

		expect(verifySignature(body, `${valid}, ${valid}`, [manifest.secret])).toEqual({
			valid: false,
			reason: 'malformedSignature',
		});
		expect(verifySignature(body, [valid, valid], [manifest.secret])).toEqual({
			valid: false,
			reason: 'malformedSignature',
		});
	});

	it('rejects surrounding whitespace', () => {
		const body = readBody('trunk-delete.json');
		const valid = computeSignature(body, manifest.secret);

		expect(verifySignature(body, ` ${valid}`, [manifest.secret]).valid).toBe(false);
		expect(verifySignature(body, `${valid}\n`, [manifest.secret]).valid).toBe(false);
	});

	it('rejects a signature whose last character differs', () => {
		const body = readBody('trunk-delete.json');
		const valid = computeSignature(body, manifest.secret);
		const lastChar = valid[42] === 'A' ? 'B' : 'A';

		expect(verifySignature(body, `${valid.slice(0, 42)}${lastChar}=`, [manifest.secret])).toEqual({
			valid: false,
			reason: 'signatureMismatch',
		});
	});

	it('reports which secret matched', () => {
		const body = readBody('capacity-change-one-pbx.json');
		const byOther = computeSignature(body, manifest.otherSecret);

		const check = verifySignature(body, byOther, [manifest.secret, manifest.otherSecret]);

		expect(check).toMatchObject({ valid: true, matchedSecretIndex: 1 });
	});

	it('rejects everything when no secret is given', () => {
		const body = readBody('capacity-change-one-pbx.json');

		expect(verifySignature(body, computeSignature(body, manifest.secret), [])).toEqual({
			valid: false,
			reason: 'signatureMismatch',
		});
	});
});

describe('computeSignature', () => {
	it('matches the signature YCM sent for a sample', () => {
		const vector = manifest.vectors.find(
			(candidate) => candidate.name === 'trunk-delete: exact bytes',
		);

		expect(computeSignature(readBody('trunk-delete.json'), manifest.secret)).toBe(
			vector?.signature,
		);
	});
});

describe('deriveDeliveryId', () => {
	it('is 32 hex characters and stable for the same digest', () => {
		const digest = Buffer.alloc(32, 7);

		expect(deriveDeliveryId(digest)).toMatch(/^[0-9a-f]{32}$/);
		expect(deriveDeliveryId(digest)).toBe(deriveDeliveryId(Buffer.alloc(32, 7)));
		expect(deriveDeliveryId(digest)).not.toBe(deriveDeliveryId(Buffer.alloc(32, 8)));
	});

	it('does not contain the digest it came from', () => {
		const digest = Buffer.from(
			computeSignature(readBody('trunk-delete.json'), manifest.secret),
			'base64',
		);

		expect(deriveDeliveryId(digest)).not.toContain(digest.toString('hex').slice(0, 8));
	});
});
