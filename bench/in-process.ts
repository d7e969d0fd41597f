/**
 * Times the node's webhook() in n8n-core's real WebhookContext, after n8n's parse of the body into
 * req.body, against the floor of any verifying receiver: HMAC-SHA256 of the raw bytes, Base64, a
 * constant-time compare and one JSON.parse.
 * A third variant adds to the floor the calls into n8n's context that any verifying trigger
 * makes (credential, two parameters, request, returnJsonArray), to show how much of the node's
 * time at small sizes is n8n's API rather than the node.
 *
 * Runs as its own process, started by bench/run.js, and prints one JSON object on stdout.
 * Usage: node in-process.js [--quick]
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { prepareWebhook } from '../test/unit/helpers/webhook-context';
import { BENCH_SECRET, buildDidChangeBody, signBody } from './deliveries';
import { median, relativeSpread } from './statistics';

/** Cloud PBXs per delivery: one, a provider's small batch, and a large bulk change. */
const PBX_COUNTS = [1, 50, 5000];

type Settings = {
	warmUpMs: number;
	batchMs: number;
	samples: number;
};

const FULL: Settings = { warmUpMs: 1500, batchMs: 100, samples: 21 };
const QUICK: Settings = { warmUpMs: 400, batchMs: 40, samples: 9 };

export type SizeResult = {
	pbxCount: number;
	bytes: number;
	floorMicroseconds: number;
	contextFloorMicroseconds: number;
	nodeMicroseconds: number;
	/** Median over the samples of (node time / floor time), each measured back to back. */
	ratio: number;
	/** How far the per-sample ratios scatter around their median (0.05 = within 5 %). */
	ratioSpread: number;
	/** Median over the samples of (floor with n8n's context calls / floor). */
	contextFloorRatio: number;
	samples: number;
	iterationsPerBatch: { floor: number; contextFloor: number; node: number };
};

type Operation = () => number | Promise<number>;

/** Does the minimum work of a verifying receiver: checks the signature, parses the body once. */
function verifyAndParse(body: Buffer, header: string, secret = BENCH_SECRET): unknown {
	const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('base64'));
	if (!timingSafeEqual(expected, Buffer.from(header))) {
		throw new Error('The floor rejected a signature that the benchmark computed itself.');
	}
	return JSON.parse(body.toString('utf8'));
}

function countElements(parsed: unknown): number {
	return Array.isArray(parsed) ? parsed.length : 0;
}

/** Does the floor's work plus the calls into n8n's context that any verifying trigger makes. */
async function verifyAndParseInContext(context: IWebhookFunctions): Promise<number> {
	const credential = await context.getCredentials('ycmWebhookApi');
	context.getNodeParameter('events', []);
	context.getNodeParameter('options', {});
	const request = context.getRequestObject();
	const header = String(request.headers['x-signature']);
	const parsed = verifyAndParse(request.rawBody, header, String(credential.secret));
	const elements: IDataObject[] = Array.isArray(parsed) ? parsed : [];
	return context.helpers.returnJsonArray(elements).length;
}

/**
 * Runs `operation` `iterations` times and returns the CPU time of one run in microseconds. CPU
 * time (user and system, all threads of this process, so garbage collection counts) rather than
 * wall time, because on a shared machine wall time mostly measures the neighbours.
 */
async function timeBatch(operation: Operation, iterations: number): Promise<number> {
	let sink = 0;
	const startedAt = process.cpuUsage();
	for (let iteration = 0; iteration < iterations; iteration += 1) {
		const value = operation();
		sink += typeof value === 'number' ? value : await value;
	}
	const spent = process.cpuUsage(startedAt);
	if (sink < 0) throw new Error('unreachable: the sink only keeps results alive');
	return (spent.user + spent.system) / iterations;
}

/** Runs `operation` for about `durationMs` and returns the iterations that fill one batch. */
async function warmUp(operation: Operation, durationMs: number, batchMs: number): Promise<number> {
	let iterations = 1;
	let spentMs = 0;
	let perIterationMs = 0;
	while (spentMs < durationMs) {
		const microseconds = await timeBatch(operation, iterations);
		perIterationMs = microseconds / 1000;
		spentMs += perIterationMs * iterations;
		iterations = Math.min(iterations * 2, Math.max(1, Math.ceil(batchMs / perIterationMs)));
	}
	return Math.max(1, Math.round(batchMs / perIterationMs));
}

async function measureSize(pbxCount: number, settings: Settings): Promise<SizeResult> {
	const body = buildDidChangeBody(pbxCount);
	const header = signBody(body);
	const { context, run } = prepareWebhook(
		{ rawBody: body, headers: { 'content-type': 'application/json', 'x-signature': header } },
		{ credential: { secret: BENCH_SECRET } },
	);

	// n8n parses a JSON body into req.body before the node runs, and the node uses that parse,
	// so the node's variant includes n8n's parse: like the floor, it parses the body once.
	const request = context.getRequestObject();
	// Only the parse is timed: n8n reads the Content-Type header once per request either way.
	const parseAndRun = async (): Promise<number> => {
		request.body = JSON.parse(body.toString(request.encoding));
		return (await run()).result.workflowData?.[0]?.length ?? 0;
	};

	const check = await run();
	const items = check.result.workflowData?.[0]?.length;
	if (items !== pbxCount) {
		throw new Error(`webhook() emitted ${items} items for ${pbxCount} Cloud PBXs.`);
	}
	if (countElements(verifyAndParse(body, header)) !== pbxCount) {
		throw new Error(`The floor parsed a count other than ${pbxCount} elements.`);
	}

	const variants: Array<{ name: keyof SizeResult['iterationsPerBatch']; operation: Operation }> = [
		{ name: 'floor', operation: () => countElements(verifyAndParse(body, header)) },
		{ name: 'contextFloor', operation: async () => await verifyAndParseInContext(context) },
		{ name: 'node', operation: async () => await parseAndRun() },
	];
	const iterations = { floor: 0, contextFloor: 0, node: 0 };
	for (const variant of variants) {
		iterations[variant.name] = await warmUp(variant.operation, settings.warmUpMs, settings.batchMs);
	}

	const times = { floor: [] as number[], contextFloor: [] as number[], node: [] as number[] };
	const ratios: number[] = [];
	const contextRatios: number[] = [];
	for (let sample = 0; sample < settings.samples; sample += 1) {
		// Rotating which variant runs first cancels drift, such as a neighbour's load starting
		// in the middle of a sample.
		const sampleTimes = { floor: 0, contextFloor: 0, node: 0 };
		for (let turn = 0; turn < variants.length; turn += 1) {
			const variant = variants[(sample + turn) % variants.length];
			sampleTimes[variant.name] = await timeBatch(variant.operation, iterations[variant.name]);
		}
		times.floor.push(sampleTimes.floor);
		times.contextFloor.push(sampleTimes.contextFloor);
		times.node.push(sampleTimes.node);
		ratios.push(sampleTimes.node / sampleTimes.floor);
		contextRatios.push(sampleTimes.contextFloor / sampleTimes.floor);
	}

	return {
		pbxCount,
		bytes: body.length,
		floorMicroseconds: median(times.floor),
		contextFloorMicroseconds: median(times.contextFloor),
		nodeMicroseconds: median(times.node),
		ratio: median(ratios),
		ratioSpread: relativeSpread(ratios),
		contextFloorRatio: median(contextRatios),
		samples: settings.samples,
		iterationsPerBatch: iterations,
	};
}

async function main(): Promise<void> {
	const settings = process.argv.includes('--quick') ? QUICK : FULL;
	const sizes: SizeResult[] = [];
	for (const pbxCount of PBX_COUNTS) {
		sizes.push(await measureSize(pbxCount, settings));
	}
	process.stdout.write(`${JSON.stringify({ node: process.version, sizes })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
