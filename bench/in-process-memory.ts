/**
 * Measures the peak resident memory that one 16 MiB delivery adds to a process that runs only
 * n8n's parse of the body and the node's webhook() in n8n-core's WebhookContext, or only the
 * floor (verify and parse once),
 * which separates the node's own share from what n8n adds around it.
 *
 * Runs as its own process, one variant per process so their heaps do not mix, started by
 * bench/run.js with --expose-gc. Linux only. Usage: node --expose-gc in-process-memory.js node|floor
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import { parseLikeN8n, prepareWebhook } from '../test/unit/helpers/webhook-context';
import {
	BENCH_SECRET,
	DEFAULT_PAYLOAD_SIZE_MAX_BYTES,
	buildDidChangeBody,
	buildDidChangeBodyOfSize,
	signBody,
} from './deliveries';

function readStatus(field: 'VmRSS' | 'VmHWM'): number {
	const status = readFileSync('/proc/self/status', 'utf8');
	const kibibytes = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1];
	if (kibibytes === undefined) throw new Error(`/proc/self/status has no ${field} line.`);
	return Number(kibibytes) * 1024;
}

function collectGarbage(): void {
	if (typeof global.gc !== 'function') {
		throw new Error('Start this script with node --expose-gc.');
	}
	global.gc();
	global.gc();
}

async function main(): Promise<void> {
	const variant = process.argv[2];
	if (variant !== 'node' && variant !== 'floor') {
		throw new Error('Name the variant to measure: node or floor.');
	}

	const { body } = buildDidChangeBodyOfSize(DEFAULT_PAYLOAD_SIZE_MAX_BYTES);
	const header = signBody(body);
	const { context, run } = prepareWebhook(
		{ rawBody: body, headers: { 'content-type': 'application/json', 'x-signature': header } },
		{ credential: { secret: BENCH_SECRET } },
	);
	// n8n's parse of the body is counted with the node, like the floor's parse: it is made again
	// after the baseline.
	const request = context.getRequestObject();
	request.body = {};
	// A small delivery first, so that loading and compiling the code is not counted.
	const small = buildDidChangeBody(1);
	await prepareWebhook(
		{ rawBody: small, headers: { 'x-signature': signBody(small) } },
		{ credential: { secret: BENCH_SECRET } },
	).run();

	collectGarbage();
	const baselineBytes = readStatus('VmRSS');
	// Writing 5 sets the peak resident set (VmHWM) back to the current one (Linux 4.0 and later).
	writeFileSync('/proc/self/clear_refs', '5');

	let kept: unknown;
	if (variant === 'node') {
		request.body = parseLikeN8n(request.headers, body).body;
		kept = (await run()).result.workflowData;
	} else {
		const expected = Buffer.from(createHmac('sha256', BENCH_SECRET).update(body).digest('base64'));
		if (!timingSafeEqual(expected, Buffer.from(header))) throw new Error('Signature mismatch.');
		kept = JSON.parse(body.toString('utf8'));
	}
	const peakBytes = readStatus('VmHWM');
	collectGarbage();
	const retainedBytes = readStatus('VmRSS');

	const result = {
		variant,
		node: process.version,
		bodyBytes: body.length,
		peakGrowthBytes: peakBytes - baselineBytes,
		retainedGrowthBytes: retainedBytes - baselineBytes,
		kept: kept !== undefined,
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
