'use strict';

// Measures how much resident memory n8n and its child processes (the task runner) gain while
// they take one large delivery.

const { performance } = require('node:perf_hooks');

const { sendDelivery } = require('../scripts/lib');
const { waitForSettledExecutions } = require('./end-to-end');
const { listGroupProcesses, readResidentSet, resetPeakResidentSets } = require('./processes');

/** How often the summed resident set is sampled while a delivery is handled. */
const SAMPLE_INTERVAL_MS = 5;

/** How long a large delivery may take, including n8n's parsing and storing of the execution. */
const DELIVERY_TIMEOUT_MS = 300_000;

/**
 * Sends one delivery and reports the resident memory it cost the n8n process group, with the
 * response and the executions it started.
 *
 * Two figures bound the peak. The sum of each process's own peak (reset just before sending) is
 * an upper bound, because the processes need not peak at the same moment. The largest sum seen by
 * sampling every few milliseconds is a lower bound. Growth is measured from the sum before
 * sending.
 */
async function measureDeliveryMemory({ server, url, workflowId, body, signature }) {
	const before = await waitForSettledExecutions(server, workflowId);
	const processIds = listGroupProcesses(server.pid);
	const baseline = processIds.reduce((sum, id) => sum + readResidentSet(id).rss, 0);
	resetPeakResidentSets(processIds);

	let sampledPeak = baseline;
	const sampler = setInterval(() => {
		const total = processIds.reduce((sum, id) => sum + readResidentSet(id).rss, 0);
		sampledPeak = Math.max(sampledPeak, total);
	}, SAMPLE_INTERVAL_MS);

	const startedAt = performance.now();
	let response;
	let after;
	try {
		response = await sendDelivery({ url, body, signature, timeoutMs: DELIVERY_TIMEOUT_MS });
		after = await waitForSettledExecutions(server, workflowId);
	} finally {
		clearInterval(sampler);
	}
	const seconds = (performance.now() - startedAt) / 1000;
	const summedPeaks = processIds.reduce((sum, id) => sum + readResidentSet(id).peak, 0);

	return {
		bodyBytes: body.length,
		status: response.status,
		responseBody: response.body.slice(0, 200),
		executions: after.total - before.total,
		successfulExecutions: after.successful - before.successful,
		processes: processIds.length,
		baselineBytes: baseline,
		peakGrowthBytes: Math.max(summedPeaks, sampledPeak) - baseline,
		sampledPeakGrowthBytes: sampledPeak - baseline,
		seconds,
	};
}

module.exports = { measureDeliveryMemory };
