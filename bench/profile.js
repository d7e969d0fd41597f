#!/usr/bin/env node
'use strict';

// Profiles n8n's main thread while it serves signed deliveries, one flow per n8n, and splits its
// time per request into what the YCM Trigger's own code spent and what n8n spent around it. V8
// samples the main thread's stack every millisecond of wall time, so the figures include time the
// thread waited for a CPU; their shares are what compares.
// Usage: see USAGE below, or docs/benchmarks.md.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const autocannon = require('autocannon');

const { PROJECT_ROOT, ensureN8nInstalled, startN8n } = require('../scripts/lib');
const { buildDidChangeBody, signBody } = require('./deliveries');
const { formatEnvironment, parseEnvironment } = require('./n8n-settings');
const { CATEGORIES, OTHER, SPECIAL_FRAMES, attribute } = require('./profile-attribution');
const { waitForSettledExecutions } = require('./end-to-end');
const { CREDENTIALS, handBuiltFlow, webhookNodeFlow, ycmTriggerFlow } = require('./workflows');

const USAGE = `Usage: npm run bench:profile [-- --pbx N] [-- --seconds S] [-- --n8n-env NAME=VALUE ...]

  --pbx N           Cloud PBXs per delivery (default 50)
  --seconds S       seconds of load per flow (default 20)
  --n8n-env N=V     start n8n with this environment variable as well (repeatable)
  --flow KEY        profile only this flow: ycmTrigger, webhookNode or handBuilt (repeatable)
  --keep            keep the profiles in .cache/bench-profiles-*/ (default: deleted)`;

const CONNECTIONS = 10;
const FLOWS = [ycmTriggerFlow, webhookNodeFlow, handBuiltFlow];
function log(message) {
	process.stderr.write(`[profile] ${message}\n`);
}

/** Microseconds on the monotonic clock that V8 stamps profile samples with on Linux. */
function monotonicMicroseconds() {
	return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Reads the profile of the `n8n start` process: Node.js names each file after the process ID,
 * and n8n's commands and its task runner write their own files into the same folder.
 */
function readServerProfile(folder, processId) {
	const name = fs
		.readdirSync(folder)
		.find((file) => file.endsWith('.cpuprofile') && file.includes(`.${processId}.`));
	if (name === undefined) {
		throw new Error(`n8n (process ${processId}) wrote no CPU profile into ${folder}.`);
	}
	return JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8'));
}

async function profileFlow({ installation, flow, environment, pbxCount, seconds, keep }) {
	const folder = fs.mkdtempSync(path.join(PROJECT_ROOT, '.cache', 'bench-profiles-'));
	const server = await startN8n({
		installation,
		credentials: CREDENTIALS,
		workflows: [flow.workflow],
		environment: { ...environment, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${folder}` },
		log,
	});
	const body = buildDidChangeBody(pbxCount);
	const url = `${server.baseUrl}/webhook/${flow.urlPath(flow.webhookId)}`;
	const request = {
		url,
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-signature': signBody(body) },
		body,
		connections: CONNECTIONS,
	};
	let window;
	let result;
	try {
		// A warm-up, so that loading and compiling code is not counted.
		await autocannon({ ...request, amount: 20 });
		await waitForSettledExecutions(server, flow.workflow.id);

		const from = monotonicMicroseconds();
		result = await autocannon({ ...request, duration: seconds });
		await waitForSettledExecutions(server, flow.workflow.id);
		window = { from, to: monotonicMicroseconds() };
	} finally {
		await server.stop();
	}

	const profile = readServerProfile(folder, server.pid);
	if (!keep) fs.rmSync(folder, { recursive: true, force: true });
	if (profile.startTime > window.from || profile.endTime < window.to) {
		throw new Error(
			"The profile does not cover the load: V8's clock and this process's differ on this system.",
		);
	}
	const failed = result.non2xx + result.errors + result.timeouts;
	if (failed > 0) throw new Error(`${flow.label}: ${failed} requests failed.`);

	const requests = result['2xx'];
	const totals = attribute(profile, window.from, window.to);
	const perRequestMs = Object.fromEntries(
		Object.entries(totals).map(([category, micros]) => [category, micros / 1000 / requests]),
	);
	return {
		key: flow.key,
		label: flow.label,
		requests,
		perRequestMs,
		folder: keep ? folder : undefined,
	};
}

function formatTable(results) {
	const categories = [
		...CATEGORIES.map((entry) => entry.name),
		OTHER,
		...Object.values(SPECIAL_FRAMES),
	];
	const header = ['main thread, ms per request', ...results.map((entry) => entry.label)];
	const rows = categories.map((category) => [
		category,
		...results.map((entry) => (entry.perRequestMs[category] ?? 0).toFixed(2)),
	]);
	const busy = (entry) =>
		Object.entries(entry.perRequestMs)
			.filter(([category]) => category !== 'idle')
			.reduce((sum, [, value]) => sum + value, 0);
	rows.push(['busy (all but idle)', ...results.map((entry) => busy(entry).toFixed(2))]);
	rows.push(['requests', ...results.map((entry) => String(entry.requests))]);

	const widths = header.map((_, column) =>
		Math.max(...[header, ...rows].map((row) => row[column].length)),
	);
	const line = (row) =>
		row
			.map((cell, column) =>
				column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]),
			)
			.join('  ');
	return [line(header), ...rows.map(line)].join('\n');
}

async function main() {
	const { values } = parseArgs({
		options: {
			pbx: { type: 'string', default: '50' },
			seconds: { type: 'string', default: '20' },
			'n8n-env': { type: 'string', multiple: true, default: [] },
			flow: { type: 'string', multiple: true, default: [] },
			keep: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const pbxCount = Number(values.pbx);
	const seconds = Number(values.seconds);
	if (!Number.isInteger(pbxCount) || pbxCount < 1 || !(seconds > 0)) {
		throw new Error(`--pbx takes a whole number above 0 and --seconds a number above 0.\n${USAGE}`);
	}
	const environment = parseEnvironment(values['n8n-env']);

	const unknownFlow = values.flow.find((key) => !FLOWS.some((flow) => flow.key === key));
	if (unknownFlow !== undefined) {
		throw new Error(
			`--flow takes ${FLOWS.map((flow) => flow.key).join(', ')}, not "${unknownFlow}".`,
		);
	}
	const flows =
		values.flow.length === 0 ? FLOWS : FLOWS.filter((flow) => values.flow.includes(flow.key));

	const installation = ensureN8nInstalled({ log });
	const results = [];
	for (const flow of flows) {
		log(`Profiling ${flow.label}: ${seconds} s of ${pbxCount}-PBX deliveries`);
		results.push(
			await profileFlow({ installation, flow, environment, pbxCount, seconds, keep: values.keep }),
		);
	}

	const settings = formatEnvironment(environment);
	console.log(
		`n8n ${installation.n8nVersion}, ${pbxCount} PBXs per delivery, ${CONNECTIONS} connections, ` +
			`${seconds} s per flow${settings.length > 0 ? `, with ${settings.join(' ')}` : ''}; ` +
			`${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
	);
	console.log(formatTable(results));
	const ycm = results.find((entry) => entry.key === ycmTriggerFlow.key);
	if (ycm === undefined) return;
	const ycmBusy = Object.entries(ycm.perRequestMs)
		.filter(([category]) => category !== 'idle')
		.reduce((sum, [, value]) => sum + value, 0);
	console.log(
		JSON.stringify({
			pbxCount,
			environment,
			nodeShareOfBusyTime: Number(
				((ycm.perRequestMs['YCM Trigger code'] ?? 0) / ycmBusy).toFixed(4),
			),
			flows: results.map(({ key, requests, perRequestMs }) => ({ key, requests, perRequestMs })),
		}),
	);
}

main().catch((error) => {
	process.stderr.write(`[profile] ${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
