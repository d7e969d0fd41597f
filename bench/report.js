'use strict';

// Prints the benchmark results as plain-text tables, then, as the last line, one JSON object.

const MIB = 1024 * 1024;

function formatTable(header, rows) {
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => String(row[column]).length)),
	);
	const format = (row) =>
		row
			.map((cell, column) => String(cell).padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	return [
		format(header),
		format(widths.map((width) => '-'.repeat(width))),
		...rows.map(format),
	].join('\n');
}

function formatBytes(bytes) {
	if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${bytes} B`;
}

function percent(spread) {
	return `±${(spread * 100).toFixed(0)} %`;
}

function inProcessTable(run) {
	const rows = run.sizes.map((size) => [
		size.pbxCount,
		formatBytes(size.bytes),
		size.floorMicroseconds.toFixed(1),
		`${size.contextFloorMicroseconds.toFixed(1)} (${size.contextFloorRatio.toFixed(2)})`,
		size.nodeMicroseconds.toFixed(1),
		size.ratio.toFixed(2),
		percent(size.ratioSpread),
	]);
	return formatTable(
		[
			'PBXs',
			'body',
			'floor µs',
			'floor + n8n calls µs (ratio)',
			"n8n's parse + webhook() µs",
			'ratio',
			'ratio spread',
		],
		rows,
	);
}

function optional(value, digits) {
	return value === undefined ? '-' : value.toFixed(digits);
}

function describeRatio(label, ratio) {
	const rounds = (values) => values.map((value) => value.toFixed(2)).join(', ');
	return (
		`${label}: ${ratio.ratio.toFixed(2)} in req/s (per round: ${rounds(ratio.perRound)}), ` +
		`${ratio.cpuRatio.toFixed(2)} in CPU per request (per round: ${rounds(ratio.cpuPerRound)})`
	);
}

function endToEndTable(payload, ratios) {
	const rows = payload.flows.map((flow) => [
		flow.label,
		flow.requestsPerSecond.toFixed(1),
		percent(flow.rateSpread),
		flow.p50Ms.toFixed(0),
		flow.p99Ms.toFixed(0),
		flow.cpuMsPerRequest.toFixed(1),
		optional(flow.isolatesPerRequest, 2),
		optional(flow.expressionsPerRequest, 2),
		`${flow.executions}/${flow.succeeded}`,
	]);
	const header = [
		'flow',
		'req/s',
		'spread',
		'p50 ms',
		'p99 ms',
		'CPU ms/req',
		'isolates/req',
		'expressions/req',
		'executions/2xx',
	];
	const lines = [
		formatTable(header, rows),
		describeRatio('YCM Trigger / Webhook node', ratios.webhookNode),
		describeRatio('YCM Trigger / hand-built flow', ratios.handBuilt),
	];
	if (ratios.version1) {
		lines.push(describeRatio('YCM Trigger version 1 / Webhook node', ratios.version1));
	}
	return lines.join('\n');
}

function endToEndSection(title, payloads, ratios) {
	const out = [];
	for (const [index, payload] of payloads.entries()) {
		out.push('');
		out.push(
			`${title}, ${payload.pbxCount} PBX (${formatBytes(payload.bytes)}), ` +
				`${payload.connections} connections, medians over rounds`,
		);
		out.push(endToEndTable(payload, ratios[index]));
	}
	return out;
}

function memoryTable(memory) {
	const entries = [
		['YCM Trigger, 16 MiB', memory.accepted],
		['YCM Trigger, 16 MiB + 1 byte', memory.rejected],
		...(memory.webhookNode ? [['Webhook node, 16 MiB (reference)', memory.webhookNode]] : []),
	];
	const rows = entries.map(([label, entry]) => [
		label,
		entry.status,
		entry.executions,
		formatBytes(entry.peakGrowthBytes),
		(entry.peakGrowthBytes / entry.bodyBytes).toFixed(2),
		formatBytes(entry.sampledPeakGrowthBytes),
		entry.seconds.toFixed(1),
	]);
	return formatTable(
		['delivery', 'HTTP', 'executions', 'peak RSS growth', 'per body byte', 'sampled', 's'],
		rows,
	);
}

function printReport({
	quick,
	environment,
	machine,
	inProcessRuns,
	endToEnd,
	ratios,
	lazyAcquire,
	memory,
	inProcessMemory,
	seconds,
}) {
	const out = [];
	out.push(
		`Machine: ${machine.nproc} CPUs (${machine.cpuModel}), load average at start ` +
			`${machine.loadAverageAtStart}, at end ${machine.loadAverage.join(' ')}`,
	);
	out.push(
		`n8n ${machine.n8nVersion} on Node.js ${machine.nodeVersions.n8n}` +
			(environment.length > 0 ? `, with ${environment.join(' ')}` : ''),
	);
	for (const run of inProcessRuns) {
		out.push('');
		out.push(
			`In process, Node.js ${run.node}: n8n's parse of the body and webhook() in n8n-core's ` +
				'WebhookContext vs the floor',
		);
		out.push('(HMAC-SHA256, Base64, timingSafeEqual, one JSON.parse) and vs the floor plus the');
		out.push("calls into n8n's context any trigger makes; CPU time, medians of samples");
		out.push(inProcessTable(run));
	}
	out.push(...endToEndSection("End to end, n8n's default settings", endToEnd, ratios));
	if (lazyAcquire) {
		out.push(
			...endToEndSection(
				'End to end, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
				lazyAcquire.payloads,
				lazyAcquire.ratios,
			),
		);
	}
	out.push('');
	out.push('Memory of the n8n process group (n8n and its task runner) per delivery');
	out.push(memoryTable(memory));
	out.push(
		`Response to 16 MiB + 1 byte: HTTP ${memory.rejected.status} ${memory.rejected.responseBody}`,
	);
	out.push(
		`In process (Node.js ${inProcessMemory.node.node}), 16 MiB: n8n's parse and webhook() add a peak of ` +
			`${formatBytes(inProcessMemory.node.peakGrowthBytes)} ` +
			`(${ratioToBody(inProcessMemory.node).toFixed(2)} per body byte), the floor alone ` +
			`${formatBytes(inProcessMemory.floor.peakGrowthBytes)} ` +
			`(${ratioToBody(inProcessMemory.floor).toFixed(2)})`,
	);
	out.push('');
	out.push(`Finished in ${seconds.toFixed(0)} s${quick ? ' (--quick)' : ''}.`);
	console.log(out.join('\n'));

	const mainInProcess = inProcessRuns[0];
	const summary = {
		floorRatio: round(Math.max(...mainInProcess.sizes.map((size) => size.ratio))),
		webhookNodeRatio: round(Math.min(...ratios.map((entry) => entry.webhookNode.ratio))),
		handBuiltFlowRatio: round(Math.min(...ratios.map((entry) => entry.handBuilt.ratio))),
		peakRssPerBodyByte: round(ratioToBody(memory.accepted)),
		webhookNodePeakRssPerBodyByte: memory.webhookNode
			? round(ratioToBody(memory.webhookNode))
			: null,
		nodeAlonePeakRssPerBodyByte: round(ratioToBody(inProcessMemory.node)),
		overLimitStatus: memory.rejected.status,
		overLimitExecutions: memory.rejected.executions,
		lazyAcquire: lazyAcquire
			? {
					webhookNodeRatio: round(
						Math.min(...lazyAcquire.ratios.map((entry) => entry.webhookNode.ratio)),
					),
					handBuiltFlowRatio: round(
						Math.min(...lazyAcquire.ratios.map((entry) => entry.handBuilt.ratio)),
					),
				}
			: null,
		cpuRatios: {
			webhookNode: round(Math.min(...ratios.map((entry) => entry.webhookNode.cpuRatio))),
			handBuilt: round(Math.min(...ratios.map((entry) => entry.handBuilt.cpuRatio))),
		},
		floorRatioBySize: Object.fromEntries(
			mainInProcess.sizes.map((size) => [size.pbxCount, round(size.ratio)]),
		),
		webhookNodeRatioBySize: Object.fromEntries(
			ratios.map((entry) => [entry.pbxCount, round(entry.webhookNode.ratio)]),
		),
		handBuiltFlowRatioBySize: Object.fromEntries(
			ratios.map((entry) => [entry.pbxCount, round(entry.handBuilt.ratio)]),
		),
		quick,
		n8n: machine.n8nVersion,
		node: { inProcess: mainInProcess.node, n8n: machine.nodeVersions.n8n },
		nproc: machine.nproc,
		loadAverage: machine.loadAverage[0],
	};
	console.log(JSON.stringify(summary));
}

function ratioToBody(entry) {
	return entry.peakGrowthBytes / entry.bodyBytes;
}

function round(value) {
	return Number(value.toFixed(3));
}

module.exports = { printReport };
