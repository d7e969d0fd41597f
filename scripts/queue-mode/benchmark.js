#!/usr/bin/env node
'use strict';

// Measures signed deliveries per second on a single n8n instance and on n8n in queue mode (two
// webhook processors behind the round-robin proxy, two workers). Both run one after the other in
// one run, with the same bodies and the same number of concurrent requests (autocannon).

const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const os = require('node:os');

const autocannon = require('autocannon');

const { ensureN8nInstalled, loadSampleDeliveries, signBody, startN8n } = require('../lib');
const { createLog, parseOptions, parsePositiveInteger, runMain } = require('../lib/command-line');
const { readExampleWorkflow } = require('../lib/example-workflow');
const { startQueueTopology } = require('.');

/** Deliveries sent before each measurement, so both setups have served requests already. */
const WARM_UP_DELIVERIES = 20;

const USAGE = `Usage: npm run bench:queue-mode -- [--deliveries N] [--connections N] [--output FILE]

Starts a single n8n instance, sends the deliveries and stops it. Then starts n8n in queue
mode (2 webhook processors behind a round-robin proxy, 2 workers, Redis, PostgreSQL) and sends
the same deliveries. Prints, for both, accepted deliveries per second (200 responses),
executions per second (until every execution has finished) and the CPU time that the setup's
processes used per delivery. Needs a built package (npm run build).

  --deliveries N   signed deliveries per setup (default 1000)
  --connections N  concurrent requests (default 10)
  --output FILE    also write the results as JSON`;

const log = createLog('bench');

/**
 * Builds signed DID change deliveries, one Cloud PBX each with its own serial number, so each
 * has its own deliveryId. The bytes depend only on the index, so both setups get the same.
 */
function buildDeliveries(count, firstIndex, secret) {
	return Array.from({ length: count }, (_, offset) => {
		const index = firstIndex + offset;
		const element = {
			event: 'did_change',
			sn: `36BENCH${String(index).padStart(9, '0')}`,
			trunkDidInfoList: [
				{
					did: `+44207${String(index).padStart(6, '0')}`,
					didId: String(index),
					trunkId: '12',
					trunkName: 'London SIP',
				},
			],
			updateTime: 1764849600 + index,
		};
		const body = Buffer.from(JSON.stringify([element]));
		return { body, signature: signBody(body, secret) };
	});
}

/** Sends each delivery once with `connections` requests in flight and returns autocannon's result. */
async function sendWithAutocannon(url, deliveries, connections) {
	let next = 0;
	return await autocannon({
		url,
		connections,
		amount: deliveries.length,
		timeout: 30,
		requests: [
			{
				method: 'POST',
				setupRequest: (request) => {
					const delivery = deliveries[next % deliveries.length];
					next += 1;
					return {
						...request,
						body: delivery.body,
						headers: {
							'content-type': 'application/json',
							'x-signature': delivery.signature,
						},
					};
				},
			},
		],
	});
}

/** Polls until `countFinished` reports `expected` finished executions, and returns that time. */
async function waitForExecutions(countFinished, expected, timeoutMs = 600_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { finished, unfinished } = await countFinished();
		if (finished >= expected && unfinished === 0) {
			return Date.now();
		}
		if (Date.now() > deadline) {
			throw new Error(
				`Only ${finished} of ${expected} executions finished within ${timeoutMs / 1000} s.`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Clock ticks per second of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * Adds up the user and system CPU seconds of every running process in the given process
 * groups, from /proc (Linux). Processes that exited before the call are not counted.
 */
function cpuSecondsOfGroups(groupIds) {
	const groups = new Set(groupIds);
	let ticks = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		let stat;
		try {
			stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // The process exited while the folder was read.
		}
		// The fields after the command name, which is in parentheses and may contain spaces.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const [processGroup, userTicks, systemTicks] = [fields[2], fields[11], fields[12]].map(Number);
		if (groups.has(processGroup)) {
			ticks += userTicks + systemTicks;
		}
	}
	return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Adds up the CPU seconds of each part of a setup, by the process groups of the part. */
function cpuSecondsByPart(processGroups) {
	return Object.fromEntries(
		Object.entries(processGroups).map(([part, groupIds]) => [part, cpuSecondsOfGroups(groupIds)]),
	);
}

/** Warms up, then sends the measured deliveries and waits for their executions. */
async function measure({
	name,
	url,
	warmUp,
	deliveries,
	connections,
	countFinished,
	processGroups,
}) {
	const warmUpResult = await sendWithAutocannon(url, warmUp, Math.min(connections, warmUp.length));
	if (warmUpResult['2xx'] !== warmUp.length) {
		throw new Error(
			`${name}: ${warmUp.length - warmUpResult['2xx']} warm-up deliveries were not accepted.`,
		);
	}
	await waitForExecutions(countFinished, warmUp.length);

	const loadAverage = os.loadavg()[0];
	const cpuSecondsBefore = cpuSecondsByPart(processGroups);
	const startedAt = Date.now();
	const result = await sendWithAutocannon(url, deliveries, connections);
	const respondedAt = Date.now();
	// A delivery that got no 200 response started no execution, and the counts below show it.
	const executedAt = await waitForExecutions(countFinished, warmUp.length + result['2xx']);
	const cpuSecondsAfter = cpuSecondsByPart(processGroups);
	const cpuMsPerDeliveryByPart = Object.fromEntries(
		Object.keys(processGroups).map((part) => [
			part,
			round(((cpuSecondsAfter[part] - cpuSecondsBefore[part]) * 1000) / deliveries.length),
		]),
	);

	const measured = {
		setup: name,
		deliveries: deliveries.length,
		connections,
		accepted: result['2xx'],
		rejected: result.non2xx,
		errors: result.errors + result.timeouts,
		acceptedPerSecond: round(result['2xx'] / ((respondedAt - startedAt) / 1000)),
		executionsPerSecond: round(result['2xx'] / ((executedAt - startedAt) / 1000)),
		latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
		cpuMsPerDelivery: round(
			Object.values(cpuMsPerDeliveryByPart).reduce((sum, milliseconds) => sum + milliseconds, 0),
		),
		cpuMsPerDeliveryByPart,
		loadAverageBefore: round(loadAverage),
		loadAverageAfter: round(os.loadavg()[0]),
	};
	log(`${name}: ${JSON.stringify(measured)}`);
	return measured;
}

function round(value) {
	return Math.round(value * 10) / 10;
}

async function measureSingleInstance(context) {
	const { installation, workflow, trigger, credentials } = context;
	const server = await startN8n({ installation, credentials, workflows: [workflow], log });
	try {
		return await measure({
			...context,
			name: 'single instance',
			url: server.productionUrl(trigger.webhookId),
			processGroups: { n8n: [server.pid] },
			countFinished: async () => {
				const rows = await server.database.countExecutions();
				return summarise(rows.filter((row) => row.workflowId === workflow.id));
			},
		});
	} finally {
		await server.stop();
	}
}

async function measureQueueMode(context) {
	const { installation, workflow, trigger, credentials } = context;
	const topology = await startQueueTopology({
		installation,
		credentials,
		workflows: [workflow],
		log,
	});
	try {
		return await measure({
			...context,
			name: 'queue mode (2 webhook processors, 2 workers)',
			url: topology.productionUrl(trigger.webhookId),
			// Each n8n process group includes its task runner. The proxy runs in this process.
			processGroups: {
				main: [topology.main.pid],
				'webhook processors': topology.webhookProcessors.map((instance) => instance.pid),
				workers: topology.workers.map((instance) => instance.pid),
				'Redis and PostgreSQL': [topology.redis.child.pid, topology.postgres.child.pid],
			},
			countFinished: async () => {
				const counts = await topology.database.countExecutions(workflow.id);
				const rows = Object.entries(counts.byStatus).map(([status, count]) => ({ status, count }));
				return summarise(rows);
			},
		});
	} finally {
		await topology.stop();
	}
}

/** Adds up rows of `{ status, count }` into finished and unfinished executions. */
function summarise(rows) {
	let finished = 0;
	let unfinished = 0;
	for (const { status, count } of rows) {
		if (status === 'new' || status === 'running') {
			unfinished += count;
		} else {
			finished += count;
		}
	}
	return { finished, unfinished };
}

function printTable(results) {
	const columns = [
		['setup', 46, (result) => result.setup],
		['accepted/s', 14, (result) => result.acceptedPerSecond],
		['not accepted', 14, (result) => result.rejected + result.errors],
		['executions/s', 14, (result) => result.executionsPerSecond],
		['p50 ms', 8, (result) => result.latencyMs.p50],
		['p99 ms', 8, (result) => result.latencyMs.p99],
		['CPU ms/delivery', 17, (result) => result.cpuMsPerDelivery],
	];
	const format = (cells) =>
		cells
			.map((cell, index) =>
				index === 0 ? String(cell).padEnd(columns[0][1]) : String(cell).padStart(columns[index][1]),
			)
			.join('');
	console.log('');
	console.log(format(columns.map(([title]) => title)));
	for (const result of results) {
		console.log(format(columns.map(([, , read]) => read(result))));
	}
}

function describeMachine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: cpus.length,
		memoryGiB: round(os.totalmem() / 1024 ** 3),
		os: `${os.type()} ${os.release()}`,
	};
}

async function main() {
	const values = parseOptions(
		{
			deliveries: { type: 'string', default: '1000' },
			connections: { type: 'string', default: '10' },
			output: { type: 'string' },
		},
		USAGE,
	);
	if (values === null) {
		return;
	}
	const deliveryCount = parsePositiveInteger(values.deliveries, '--deliveries');
	const connections = parsePositiveInteger(values.connections, '--connections');

	const installation = ensureN8nInstalled({ log });
	const samples = loadSampleDeliveries();
	const { workflow, trigger, credentials } = readExampleWorkflow(samples.secret);
	const context = {
		installation,
		workflow,
		trigger,
		credentials,
		warmUp: buildDeliveries(WARM_UP_DELIVERIES, 0, samples.secret),
		deliveries: buildDeliveries(deliveryCount, WARM_UP_DELIVERIES, samples.secret),
		connections,
	};

	const machine = describeMachine();
	log(`Machine: ${JSON.stringify(machine)}; n8n ${installation.n8nVersion}`);
	// One setup at a time, so the two never compete for the same cores.
	const results = [await measureSingleInstance(context), await measureQueueMode(context)];

	printTable(results);
	if (values.output) {
		const report = {
			n8n: installation.n8nVersion,
			machine,
			measuredAt: new Date().toISOString(),
			results,
		};
		fs.writeFileSync(values.output, JSON.stringify(report, null, '\t') + '\n');
		log(`Wrote ${values.output}`);
	}
}

runMain('bench', main);
