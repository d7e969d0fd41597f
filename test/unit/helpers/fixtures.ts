import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { YcmEventType } from '../../../nodes/YcmTrigger/events';
import { computeSignature } from '../../../nodes/YcmTrigger/signature';

export const DELIVERIES_DIR = join(__dirname, '..', '..', 'fixtures', 'deliveries');

export type SampleDelivery = {
	name: string;
	file: string;
	expect: { items: number; eventTypes: YcmEventType[]; didCounts?: number[] };
};

export type SignatureVector = {
	name: string;
	file: string;
	signature: string | null;
	valid: boolean;
};

export type Manifest = {
	secret: string;
	otherSecret: string;
	deliveries: SampleDelivery[];
	vectors: SignatureVector[];
};

/** The manifest of the sample deliveries; the test data is ours, so it is trusted as typed. */
export const manifest: Manifest = JSON.parse(
	readFileSync(join(DELIVERIES_DIR, 'manifest.json'), 'utf8'),
);

/** Returns the exact bytes of a sample body file. */
export function readBody(file: string): Buffer {
	return readFileSync(join(DELIVERIES_DIR, file));
}

export function findDelivery(name: string): SampleDelivery {
	const delivery = manifest.deliveries.find((candidate) => candidate.name === name);
	if (delivery === undefined) throw new Error(`No sample delivery named ${name}`);
	return delivery;
}

/** A request as YCM sends it: the bytes, signed with the secret (the manifest's by default). */
export function signedBytes(rawBody: Buffer, secret = manifest.secret) {
	return {
		rawBody,
		headers: {
			'content-type': 'application/json',
			'x-signature': computeSignature(rawBody, secret),
		},
	};
}

/** A signed request carrying a sample body file. */
export function signedSample(file: string, secret = manifest.secret) {
	return signedBytes(readBody(file), secret);
}
