#!/usr/bin/env node
'use strict';

// Runs every benchmark of the YCM Trigger and prints a table, then one JSON line with the
// ratios. Usage: see USAGE below, or docs/benchmarks.md for what each figure means.

const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { N8N_VERSION, PROJECT_ROOT, ensureN8nInstalled, startN8n } = require('../scripts/lib');
const {
	DEFAULT_PAYLOAD_SIZE_MAX_BYTES,
	buildDidChangeBody,
	buildDidChangeBodyOfSize,
	signBody,
} = require('./deliveries');
const { measurePayload, ratioOfFlows } = require('./end-to-end');
const { measureDeliveryMemory } = require('./memory');
const { formatEnvironment, parseEnvironment } = require('./n8n-settings');
const { printReport } = require('./report');
const {
	CREDENTIALS,
	handBuiltFlow,
	webhookNodeFlow,
	ycmTriggerFlow,
	ycmTriggerVersion1Flow,
} = require('./workflows');

const USAGE = `Usage: npm run bench [-- --quick] [-- --skip-build] [-- --n8n-env NAME=VALUE ...]

  --quick           fewer samples, rounds and payloads; the same final JSON line in under
                    two minutes on an idle two-core machine
  --skip-build      use dist/ and .cache/bench-build/ as they are
  --n8n-env N=V     start n8n with this environment variable as well (repeatable), for example
                    N8N_EXPRESSION_ENGINE=legacy to see what n8n's expression isolates cost
  --cpu-prof        write a CPU profile of the n8n process to .cache/bench-profiles/`;

const BUILD_FOLDER = path.join(PROJECT_ROOT, '.cache', 'bench-build', 'bench');
const IN_PROCESS_SCRIPT = path.join(BUILD_FOLDER, 'in-process.js');
const IN_PROCESS_MEMORY_SCRIPT = path.join(BUILD_FOLDER, 'in-process-memory.js');

/**
 * n8n settings every benchmark server gets: the Prometheus endpoint, so the report can show how
 * many expression isolates n8n acquires per request. It serves every flow alike.
 */
const BENCH_ENVIRONMENT = { N8N_METRICS: 'true' };

/**
 * The second configuration of the full run: n8n creates an expression isolate only when an
 * expression needs one, instead of for every webhook request, credential read and execution.
 */
const LAZY_ACQUIRE_ENVIRONMENT = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };

const FULL_SETTINGS = {
	pbxCounts: [1, 50, 5000],
	e2e: {
		connections: 10,
		warmUpRequests: 20,
		minimumRequests: 20,
		runSeconds: 8,
		rounds: 3,
	},
	compareVersion1: true,
	memoryReference: true,
	lazyAcquire: { pbxCounts: [50, 5000], rounds: 3 },
};

const QUICK_SETTINGS = {
	pbxCounts: [50],
	e2e: {
		connections: 10,
		warmUpRequests: 10,
		minimumRequests: 15,
		runSeconds: 3,
		rounds: 2,
	},
	compareVersion1: false,
	memoryReference: false,
	lazyAcquire: undefined,
};

function log(message) {
	process.stderr.write(`[bench] ${message}\n`);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', ...options });
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (exit code ${result.status ?? result.signal}).`,
		);
	}
	return result;
}

/** Builds dist/ for n8n and the TypeScript part of the benchmark into .cache/bench-build/. */
function build() {
	log('Building the package (npm run build) and the in-process benchmark');
	run('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
	run('npx', ['tsc', '-p', path.join('bench', 'tsconfig.json')]);
}

/** Runs the in-process benchmark in a fresh process of the given Node.js binary. */
function runInProcess(nodePath, quick) {
	const args = [IN_PROCESS_SCRIPT, ...(quick ? ['--quick'] : [])];
	const result = spawnSync(nodePath, args, {
		cwd: PROJECT_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 16 * 1024 * 1024,
	});
	if (result.status !== 0) {
		throw new Error(`The in-process benchmark failed under ${nodePath}.`);
	}
	return JSON.parse(result.stdout.trim().split('\n').pop());
}

/** Measures the node alone and the floor alone on a 16 MiB delivery, each in a fresh process. */
function runInProcessMemory(nodePath) {
	const measure = (variant) => {
		const result = spawnSync(nodePath, ['--expose-gc', IN_PROCESS_MEMORY_SCRIPT, variant], {
			cwd: PROJECT_ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		if (result.status !== 0) {
			throw new Error(`The in-process memory benchmark (${variant}) failed under ${nodePath}.`);
		}
		return JSON.parse(result.stdout.trim().split('\n').pop());
	};
	return { node: measure('node'), floor: measure('floor') };
}

function describeEnvironment(environment) {
	const names = formatEnvironment(environment);
	return names.length === 0 ? '' : ` and ${names.join(' ')}`;
}

function productionUrl(server, flow) {
	return `${server.baseUrl}/webhook/${flow.urlPath(flow.webhookId)}`;
}

/** Sends one small delivery to each flow, so n8n has loaded every node before measuring. */
async function warmUpFlows(server, flows) {
	const body = buildDidChangeBody(1);
	const { sendDelivery } = require('../scripts/lib');
	for (const flow of flows) {
		const response = await sendDelivery({
			url: productionUrl(server, flow),
			body,
			signature: signBody(body),
		});
		if (response.status !== 200) {
			throw new Error(`${flow.label} responded ${response.status} to a valid delivery.`);
		}
	}
}

/** Measures the 16 MiB delivery and the one a byte over n8n's limit on the YCM Trigger. */
async function measureMemory(server, flow) {
	const atLimit = buildDidChangeBodyOfSize(DEFAULT_PAYLOAD_SIZE_MAX_BYTES);
	const overLimit = buildDidChangeBodyOfSize(DEFAULT_PAYLOAD_SIZE_MAX_BYTES + 1);
	const measure = async (body) =>
		await measureDeliveryMemory({
			server,
			url: productionUrl(server, flow),
			workflowId: flow.workflow.id,
			body,
			signature: signBody(body),
		});

	log(`Sending a ${atLimit.body.length}-byte delivery (${atLimit.pbxCount} PBXs) to ${flow.label}`);
	const accepted = { ...(await measure(atLimit.body)), pbxCount: atLimit.pbxCount };
	log(`Sending a ${overLimit.body.length}-byte delivery to ${flow.label}`);
	const rejected = { ...(await measure(overLimit.body)), pbxCount: overLimit.pbxCount };
	return { accepted, rejected };
}

async function startServer(installation, flows, environment) {
	return await startN8n({
		installation,
		credentials: CREDENTIALS,
		workflows: flows.map((flow) => flow.workflow),
		environment: { ...BENCH_ENVIRONMENT, ...environment },
		log,
	});
}

/** Measures every payload on one server, and optionally the memory of a 16 MiB delivery first. */
async function measureConfiguration({ installation, flows, environment, pbxCounts, e2e, memory }) {
	const server = await startServer(installation, flows, environment);
	try {
		await warmUpFlows(server, flows);
		const memoryResult = memory ? await measureMemory(server, ycmTriggerFlow) : undefined;
		const payloads = [];
		for (const pbxCount of pbxCounts) {
			payloads.push(await measurePayload({ server, flows, pbxCount, settings: e2e, log }));
		}
		return { payloads, memory: memoryResult };
	} finally {
		await server.stop();
	}
}

function ratiosOf(payloads, withVersion1) {
	return payloads.map((payload) => ({
		pbxCount: payload.pbxCount,
		webhookNode: ratioOfFlows(payload, 'ycmTrigger', 'webhookNode'),
		handBuilt: ratioOfFlows(payload, 'ycmTrigger', 'handBuilt'),
		...(withVersion1 ? { version1: ratioOfFlows(payload, 'ycmTriggerV1', 'webhookNode') } : {}),
	}));
}

/** Describes the machine, since every figure depends on it. */
function describeMachine(installation, inProcessRuns) {
	const cpus = os.cpus();
	return {
		nproc: os.availableParallelism?.() ?? cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
		nodeVersions: {
			benchmark: process.version,
			n8n: spawnSync(installation.nodePath, ['--version'], { encoding: 'utf8' }).stdout.trim(),
			inProcess: inProcessRuns.map((entry) => entry.node),
		},
		n8nVersion: N8N_VERSION,
	};
}

async function main() {
	const { values } = parseArgs({
		options: {
			quick: { type: 'boolean', default: false },
			'skip-build': { type: 'boolean', default: false },
			'n8n-env': { type: 'string', multiple: true, default: [] },
			'cpu-prof': { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const settings = values.quick ? QUICK_SETTINGS : FULL_SETTINGS;
	const environment = parseEnvironment(values['n8n-env']);
	if (values['cpu-prof']) {
		const profileFolder = path.join(PROJECT_ROOT, '.cache', 'bench-profiles');
		environment.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${profileFolder}`;
		log(`CPU profiles of every n8n process go to ${profileFolder}`);
	}
	const startedAt = Date.now();

	if (!values['skip-build']) build();
	const installation = ensureN8nInstalled({ log });
	const loadAtStart = os.loadavg()[0];

	log(`In-process benchmark under Node.js ${installation.nodePath}`);
	const inProcessRuns = [runInProcess(installation.nodePath, values.quick)];
	if (!values.quick) {
		log(`In-process benchmark under ${process.execPath}`);
		inProcessRuns.push(runInProcess(process.execPath, false));
	}

	log('Memory of webhook() alone on a 16 MiB delivery, in process');
	const inProcessMemory = runInProcessMemory(installation.nodePath);

	const flows = [
		ycmTriggerFlow,
		webhookNodeFlow,
		handBuiltFlow,
		...(settings.compareVersion1 ? [ycmTriggerVersion1Flow] : []),
	];
	log(`End to end with n8n's settings${describeEnvironment(environment)}`);
	const defaults = await measureConfiguration({
		installation,
		flows,
		environment,
		pbxCounts: settings.pbxCounts,
		e2e: settings.e2e,
		memory: true,
	});
	const { memory } = defaults;

	if (settings.memoryReference) {
		log('Measuring the same 16 MiB delivery on the Webhook node, on a fresh n8n');
		const referenceServer = await startServer(installation, [webhookNodeFlow], environment);
		try {
			await warmUpFlows(referenceServer, [webhookNodeFlow]);
			memory.webhookNode = (await measureMemory(referenceServer, webhookNodeFlow)).accepted;
		} finally {
			await referenceServer.stop();
		}
	}

	let lazyAcquire;
	if (settings.lazyAcquire) {
		const lazyEnvironment = { ...environment, ...LAZY_ACQUIRE_ENVIRONMENT };
		log(`End to end again${describeEnvironment(lazyEnvironment)}`);
		const lazy = await measureConfiguration({
			installation,
			flows,
			environment: lazyEnvironment,
			pbxCounts: settings.lazyAcquire.pbxCounts,
			e2e: { ...settings.e2e, rounds: settings.lazyAcquire.rounds },
			memory: false,
		});
		lazyAcquire = {
			payloads: lazy.payloads,
			ratios: ratiosOf(lazy.payloads, settings.compareVersion1),
		};
	}

	const endToEnd = defaults.payloads;
	const ratios = ratiosOf(endToEnd, settings.compareVersion1);
	const machine = describeMachine(installation, inProcessRuns);
	machine.loadAverageAtStart = Number(loadAtStart.toFixed(2));

	printReport({
		quick: values.quick,
		environment: values['n8n-env'],
		machine,
		inProcessRuns,
		endToEnd,
		ratios,
		lazyAcquire,
		memory,
		inProcessMemory,
		seconds: (Date.now() - startedAt) / 1000,
	});
}

main().catch((error) => {
	process.stderr.write(`[bench] ${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
