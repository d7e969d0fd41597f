'use strict';

// Builds the signed deliveries the benchmarks send: PCE DID Change arrays of the shape YCM
// sends, one element per Cloud PBX, deterministic so every run measures the same bytes.

const crypto = require('node:crypto');

/** A 32-character secret like the ones YCM generates; invented for the benchmarks. */
const BENCH_SECRET = 'Bn4xR7vQ2mL9sT1wE6yK3uH8cZ5aF0dJ';

/** n8n's default `N8N_PAYLOAD_SIZE_MAX` (16, in MiB) in bytes: raw-body reads '16mb' as 2^24. */
const DEFAULT_PAYLOAD_SIZE_MAX_BYTES = 16 * 1024 * 1024;

const EVENTS = ['did_change', 'did_change', 'did_change', 'did_delete', 'trunk_delete'];
const TRUNKS = [
	{ trunkId: '12', trunkName: 'London SIP' },
	{ trunkId: '31', trunkName: 'Zürich – Haupt' },
	{ trunkId: '47', trunkName: 'Berlin Trunk' },
];
const FIRST_UPDATE_TIME = 1764849600;

/**
 * Builds the element of the Cloud PBX with number `index`: one DID on one of three trunks, as in
 * YCM's documented example. About 170 bytes as JSON.
 */
function buildDidChangeElement(index) {
	const trunk = TRUNKS[index % TRUNKS.length];
	return {
		event: EVENTS[index % EVENTS.length],
		sn: `36${index.toString(16).toUpperCase().padStart(12, '0')}ZK`,
		trunkDidInfoList: [
			{
				did: `+44207${String(951000 + index).padStart(6, '0')}`,
				didId: String(7000 + index),
				trunkId: trunk.trunkId,
				trunkName: trunk.trunkName,
			},
		],
		updateTime: FIRST_UPDATE_TIME + index,
	};
}

/** Serialises a DID change delivery for `pbxCount` Cloud PBXs, compact as YCM sends it. */
function buildDidChangeBody(pbxCount) {
	const elements = Array.from({ length: pbxCount }, (_, index) => buildDidChangeElement(index));
	return Buffer.from(JSON.stringify(elements), 'utf8');
}

/**
 * Builds a DID change delivery of exactly `byteCount` bytes: as many Cloud PBXs as fit, then
 * spaces before the closing bracket, which JSON allows, so two sizes differ only in padding.
 */
function buildDidChangeBodyOfSize(byteCount) {
	const elementBytes = Buffer.byteLength(JSON.stringify(buildDidChangeElement(0)), 'utf8');
	let pbxCount = Math.max(1, Math.floor(byteCount / (elementBytes + 1)));
	let body = buildDidChangeBody(pbxCount);
	while (body.length > byteCount && pbxCount > 1) {
		pbxCount -= Math.max(1, Math.ceil((body.length - byteCount) / elementBytes));
		body = buildDidChangeBody(pbxCount);
	}
	if (body.length > byteCount) {
		throw new Error(`A DID change delivery needs at least ${body.length} bytes.`);
	}

	const padding = Buffer.alloc(byteCount - body.length, ' ');
	const closingBracket = body.subarray(body.length - 1);
	return {
		body: Buffer.concat([body.subarray(0, body.length - 1), padding, closingBracket]),
		pbxCount,
	};
}

/** Computes the X-Signature YCM sends: Base64 HMAC-SHA256 of the exact bytes. */
function signBody(body, secret = BENCH_SECRET) {
	return crypto.createHmac('sha256', secret).update(body).digest('base64');
}

module.exports = {
	BENCH_SECRET,
	DEFAULT_PAYLOAD_SIZE_MAX_BYTES,
	buildDidChangeBody,
	buildDidChangeBodyOfSize,
	signBody,
};
