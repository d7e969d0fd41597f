#!/usr/bin/env node
'use strict';

// Builds the package, starts a real n8n with it and the example workflow, sends every sample
// delivery plus rejected variants, and prints the response and the executions of each.

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const {
	DELIVERIES_FOLDER,
	PROJECT_ROOT,
	ensureN8nInstalled,
	loadSampleDeliveries,
	sendDelivery,
	signBody,
	startN8n,
} = require('./lib');
const { createLog, parseOptions, runMain } = require('./lib/command-line');
const { readExampleWorkflow } = require('./lib/example-workflow');

const USAGE = `Usage: node scripts/demo.js [--keep] [--skip-build]

  --keep        leave n8n running afterwards, to open the editor and send more deliveries
  --skip-build  use dist/ as it is instead of running npm run build first

N8N_VERSION picks the n8n release (default 2.41.1; 1.123.81 is the newest 1.x), as for the
end-to-end tests: N8N_VERSION=1.123.81 node scripts/demo.js`;

const log = createLog('demo');

/** Lists what the demo sends: every sample signed, then deliveries the trigger must reject. */
function planDeliveries(samples) {
	const planned = samples.deliveries.map((delivery) => ({
		label: delivery.file,
		body: delivery.body,
		signature: signBody(delivery.body, samples.secret),
	}));

	const original = samples.deliveries.find((delivery) => delivery.name === 'did-change-one-pbx');
	const vector = (bodyName) => samples.vectors.find((entry) => entry.bodyName === bodyName);
	const reserialised = vector('did-change-one-pbx.reserialised');
	const tampered = vector('did-change-one-pbx.tampered');
	planned.push(
		{
			label: `${original.file}, forged (signed with another secret)`,
			body: original.body,
			signature: signBody(original.body, samples.otherSecret),
		},
		{ label: `${original.file}, unsigned`, body: original.body, signature: null },
		{
			label: `${original.file}, re-serialised after signing`,
			body: reserialised.body,
			signature: reserialised.signature,
		},
		{
			label: `${original.file}, one byte changed after signing`,
			body: tampered.body,
			signature: tampered.signature,
		},
	);
	return planned;
}

/** Sends one delivery and returns the response with the executions it started. */
async function sendAndObserve(server, url, delivery) {
	const before = (await server.database.listExecutions()).length;
	const response = await sendDelivery({ url, body: delivery.body, signature: delivery.signature });
	const executions = (await server.database.waitForSettledExecutions({ quietMs: 500 })).slice(
		before,
	);
	const items = executions.flatMap((execution) => execution.outputs['YCM Trigger'] ?? []);
	return { delivery, response, executions, items };
}

function printTable(results) {
	const rows = results.map(({ delivery, response, executions, items }) => [
		delivery.label,
		String(response.status),
		String(executions.length),
		items.length === 0 ? '-' : `${items.length}: ${items.map((item) => item.eventType).join(', ')}`,
	]);
	const header = ['delivery', 'HTTP', 'executions', 'items (eventType)'];
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => row[column].length)),
	);
	const format = (row) =>
		row
			.map((cell, column) => cell.padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	console.log('');
	console.log(format(header));
	console.log(format(widths.map((width) => '-'.repeat(width))));
	for (const row of rows) {
		console.log(format(row));
	}
	console.log('');
}

function build() {
	log('Building the package (npm run build)');
	const result = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
	if (result.status !== 0) {
		throw new Error(`npm run build failed with exit code ${result.status ?? result.signal}.`);
	}
}

async function main() {
	const values = parseOptions(
		{
			keep: { type: 'boolean', default: false },
			'skip-build': { type: 'boolean', default: false },
		},
		USAGE,
	);
	if (values === null) {
		return;
	}

	if (!values['skip-build']) {
		build();
	}
	const installStartedAt = Date.now();
	const installation = ensureN8nInstalled({ log });
	log(
		`n8n ${installation.n8nVersion} ready in ${installation.folder} after ${seconds(installStartedAt)} s`,
	);

	const samples = loadSampleDeliveries();
	const { workflow, trigger, credentials } = readExampleWorkflow(samples.secret);
	const server = await startN8n({ installation, credentials, workflows: [workflow], log });

	let stopped = false;
	try {
		const url = server.productionUrl(trigger.webhookId);
		log(`Sending deliveries to ${url}`);
		const results = [];
		for (const delivery of planDeliveries(samples)) {
			results.push(await sendAndObserve(server, url, delivery));
		}
		printTable(results);

		if (values.keep) {
			server.keepRunning();
			printKeepInstructions(server, url);
		} else {
			await server.stop();
			stopped = true;
			log('Stopped n8n. Run with --keep to leave it running and open the editor.');
		}
	} finally {
		if (!values.keep && !stopped) {
			await server.stop();
		}
	}
}

function printKeepInstructions(server, url) {
	const simulator = path.relative(process.cwd(), path.join(__dirname, 'simulate-ycm.js'));
	const relativeSample = (file) => path.relative(process.cwd(), path.join(DELIVERIES_FOLDER, file));
	const manifest = relativeSample('manifest.json');
	const sample = relativeSample('did-change-one-pbx.json');
	// The sample secret is read from the manifest, so it is not printed in the terminal.
	const secret = `"$(node -p "require('./${manifest}').secret")"`;
	console.log(`n8n keeps running (process group ${server.pid}).
  Editor:       ${server.baseUrl} (create the owner account on the first visit, then open
                the workflow "YCM events (example)" and its Executions tab)
  Webhook URL:  ${url}
  Send more:    node ${simulator} --url ${url} --secret ${secret} ${sample}
  Log:          ${server.logPath}
  Stop it:      kill -TERM -${server.pid} && rm -rf ${server.userFolder}
n8n listens on 127.0.0.1 only; from another machine, forward the port (ssh -L).`);
}

function seconds(since) {
	return ((Date.now() - since) / 1000).toFixed(1);
}

runMain('demo', main);
