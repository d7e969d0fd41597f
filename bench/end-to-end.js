'use strict';

// Sends signed deliveries to the three benchmark workflows on one running n8n with autocannon,
// in interleaved rounds, and proves from n8n's database that every successful request ran.

const { performance } = require('node:perf_hooks');

const autocannon = require('autocannon');

const { buildDidChangeBody, signBody } = require('./deliveries');
const { readGroupCpuSeconds } = require('./processes');
const { median, relativeSpread } = require('./statistics');

/** How long a request may take before autocannon counts it as timed out, in seconds. */
const REQUEST_TIMEOUT_SECONDS = 120;

/** How long the execution counts must stay unchanged before a run counts as finished. */
const SETTLE_QUIET_MS = 750;
const SETTLE_TIMEOUT_MS = 180_000;

/**
 * @typedef {object} RunResult
 * @property {number} requestsPerSecond  successful requests / time from the start to the last response
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} succeeded  responses with a 2xx status
 * @property {number} failed  non-2xx responses, errors and timeouts
 * @property {number} executions  executions the run added to n8n's database, all successful
 * @property {number} drainMs  time after the last response until every execution had finished
 * @property {number} cpuMsPerRequest  CPU time of n8n's process group per successful request,
 *   executions included; unlike req/s it hardly depends on what else the machine runs
 * @property {number | undefined} isolatesPerRequest  expression isolates n8n acquired
 * @property {number | undefined} expressionsPerRequest  expressions n8n evaluated in them
 */

/** Sends `amount` identical requests over `connections` connections and measures them. */
async function loadOnce({ url, body, signature, connections, amount }) {
	const startedAt = performance.now();
	let lastResponseAt = startedAt;
	const instance = autocannon({
		url,
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-signature': signature },
		body,
		connections,
		amount,
		timeout: REQUEST_TIMEOUT_SECONDS,
	});
	// autocannon reports its result at its next one-second tick, so the time of the last response
	// gives a tighter duration than its own `duration`.
	instance.on('response', () => {
		lastResponseAt = performance.now();
	});
	const result = await instance;
	const seconds = (lastResponseAt - startedAt) / 1000;
	return {
		requestsPerSecond: result['2xx'] / seconds,
		p50Ms: result.latency.p50,
		p99Ms: result.latency.p99,
		succeeded: result['2xx'],
		failed: result.non2xx + result.errors + result.timeouts,
	};
}

/**
 * Reads n8n's counters of expression isolates acquired and expressions evaluated from its
 * Prometheus endpoint (served with N8N_METRICS=true), summed over their labels. Returns
 * undefined when the endpoint is off.
 */
async function readExpressionCounters(server) {
	let text;
	try {
		const response = await fetch(`${server.baseUrl}/metrics`);
		if (!response.ok) return undefined;
		text = await response.text();
	} catch {
		return undefined;
	}
	const sum = (metric) =>
		text
			.split('\n')
			.filter((line) => line.startsWith(metric))
			.reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
	return {
		isolates: sum('n8n_expression_pool_acquired_total'),
		expressions: sum('n8n_expression_evaluation_duration_seconds_count'),
	};
}

/** Sums the executions of one workflow, and those that have not finished yet. */
async function readExecutionCounts(server, workflowId) {
	const counts = (await server.database.countExecutions()).filter(
		(entry) => entry.workflowId === workflowId,
	);
	const total = counts.reduce((sum, entry) => sum + entry.count, 0);
	const byStatus = Object.fromEntries(counts.map((entry) => [entry.status, entry.count]));
	const unfinished = (byStatus.new ?? 0) + (byStatus.running ?? 0) + (byStatus.waiting ?? 0);
	return { total, successful: byStatus.success ?? 0, unfinished };
}

/**
 * Waits until the workflow has no unfinished execution and its count has stayed the same for a
 * while. With `responseMode: 'onReceived'` n8n responds before the execution ends.
 */
async function waitForSettledExecutions(server, workflowId) {
	const deadline = Date.now() + SETTLE_TIMEOUT_MS;
	let previousTotal = -1;
	let stableSince = Date.now();
	for (;;) {
		const counts = await readExecutionCounts(server, workflowId);
		if (counts.total !== previousTotal || counts.unfinished > 0) {
			previousTotal = counts.total;
			stableSince = Date.now();
		} else if (Date.now() - stableSince >= SETTLE_QUIET_MS) {
			return counts;
		}
		if (Date.now() > deadline) {
			throw new Error(
				`Executions of workflow ${workflowId} did not finish within ${SETTLE_TIMEOUT_MS / 1000} s ` +
					`(${counts.unfinished} unfinished).`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 150));
	}
}

/** Loads one flow, waits for its executions and checks that each successful request ran once. */
async function runFlow({ server, flow, body, signature, connections, amount }) {
	const url = `${server.baseUrl}/webhook/${flow.urlPath(flow.webhookId)}`;
	const before = await waitForSettledExecutions(server, flow.workflow.id);
	const countersBefore = await readExpressionCounters(server);
	const cpuSecondsBefore = readGroupCpuSeconds(server.pid);
	const load = await loadOnce({ url, body, signature, connections, amount });
	const respondedAt = performance.now();
	const after = await waitForSettledExecutions(server, flow.workflow.id);
	// The quiet period proves the end; it is not part of the time the executions took.
	const drainMs = Math.max(0, performance.now() - respondedAt - SETTLE_QUIET_MS);
	const succeeded = Math.max(1, load.succeeded);
	const cpuMsPerRequest = ((readGroupCpuSeconds(server.pid) - cpuSecondsBefore) * 1000) / succeeded;
	const countersAfter = await readExpressionCounters(server);
	const perRequest = (counter) =>
		countersBefore && countersAfter
			? (countersAfter[counter] - countersBefore[counter]) / succeeded
			: undefined;

	const executions = after.total - before.total;
	const successful = after.successful - before.successful;
	if (load.failed > 0 || executions !== load.succeeded || successful !== executions) {
		throw new Error(
			`${flow.label}: ${load.succeeded} requests got a 2xx response and ${load.failed} failed, but ` +
				`${executions} executions were added (${successful} successful). Every request ` +
				`must start exactly one successful execution; see ${server.logPath}.`,
		);
	}
	return {
		...load,
		executions,
		drainMs,
		cpuMsPerRequest,
		isolatesPerRequest: perRequest('isolates'),
		expressionsPerRequest: perRequest('expressions'),
	};
}

/**
 * Measures every flow for one payload: a warm-up run per flow, then rounds in which the flows
 * take turns in a rotating order. Each run sends about `runSeconds` worth of requests at the
 * rate the warm-up showed, so a slow flow is not measured over a shorter window.
 */
async function measurePayload({ server, flows, pbxCount, settings, log }) {
	const body = buildDidChangeBody(pbxCount);
	const signature = signBody(body);
	const { connections } = settings;

	const amounts = new Map();
	for (const flow of flows) {
		const warmUp = await runFlow({
			server,
			flow,
			body,
			signature,
			connections,
			amount: settings.warmUpRequests,
		});
		const amount = Math.round(warmUp.requestsPerSecond * settings.runSeconds);
		amounts.set(flow.key, Math.max(settings.minimumRequests, amount));
	}

	/** @type {Map<string, RunResult[]>} */
	const runs = new Map(flows.map((flow) => [flow.key, []]));
	for (let round = 0; round < settings.rounds; round += 1) {
		const order = flows.map((_, index) => flows[(index + round) % flows.length]);
		for (const flow of order) {
			const run = await runFlow({
				server,
				flow,
				body,
				signature,
				connections,
				amount: amounts.get(flow.key),
			});
			runs.get(flow.key).push(run);
			log(
				`${pbxCount} PBX, round ${round + 1}/${settings.rounds}, ${flow.label}: ` +
					`${run.requestsPerSecond.toFixed(1)} req/s, ${run.executions} executions`,
			);
		}
	}

	return { pbxCount, bytes: body.length, connections, flows: summariseRuns(flows, runs) };
}

function medianIfMeasured(values) {
	return values.includes(undefined) ? undefined : median(values);
}

function summariseRuns(flows, runs) {
	return flows.map((flow) => {
		const flowRuns = runs.get(flow.key);
		const rates = flowRuns.map((run) => run.requestsPerSecond);
		return {
			key: flow.key,
			label: flow.label,
			requestsPerSecond: median(rates),
			rateSpread: relativeSpread(rates),
			p50Ms: median(flowRuns.map((run) => run.p50Ms)),
			p99Ms: median(flowRuns.map((run) => run.p99Ms)),
			drainMs: median(flowRuns.map((run) => run.drainMs)),
			cpuMsPerRequest: median(flowRuns.map((run) => run.cpuMsPerRequest)),
			cpuMsPerRound: flowRuns.map((run) => run.cpuMsPerRequest),
			isolatesPerRequest: medianIfMeasured(flowRuns.map((run) => run.isolatesPerRequest)),
			expressionsPerRequest: medianIfMeasured(flowRuns.map((run) => run.expressionsPerRequest)),
			succeeded: flowRuns.reduce((sum, run) => sum + run.succeeded, 0),
			executions: flowRuns.reduce((sum, run) => sum + run.executions, 0),
			ratesPerRound: rates,
		};
	});
}

/**
 * Returns the median over rounds of `flow` req/s divided by `baseline` req/s, where both were
 * measured in the same round, so slow phases of a shared machine hit both sides. The same for
 * CPU time per request, as baseline / flow.
 */
function ratioOfFlows(payloadResult, flowKey, baselineKey) {
	const flow = payloadResult.flows.find((entry) => entry.key === flowKey);
	const baseline = payloadResult.flows.find((entry) => entry.key === baselineKey);
	const ratios = flow.ratesPerRound.map((rate, round) => rate / baseline.ratesPerRound[round]);
	// Inverted, so that above 1 means cheaper than the baseline, like the throughput ratio.
	const cpuRatios = flow.cpuMsPerRound.map((cpuMs, round) => baseline.cpuMsPerRound[round] / cpuMs);
	return {
		ratio: median(ratios),
		spread: relativeSpread(ratios),
		perRound: ratios,
		cpuRatio: median(cpuRatios),
		cpuPerRound: cpuRatios,
	};
}

module.exports = { measurePayload, ratioOfFlows, waitForSettledExecutions, readExecutionCounts };
