#!/usr/bin/env node
'use strict';

// Starts the example workflow in n8n's queue mode on 127.0.0.1, sends signed and forged
// deliveries through the round-robin proxy, prints what happened, and stops everything it
// started (with --wait, only after Ctrl+C).

const { ensureN8nInstalled, loadSampleDeliveries, sendDelivery, signBody } = require('../lib');
const { createLog, parseOptions, parsePositiveInteger, runMain } = require('../lib/command-line');
const { readExampleWorkflow } = require('../lib/example-workflow');
const { UPSTREAM_HEADER, startQueueTopology } = require('.');

const USAGE = `Usage: npm run queue-mode -- [--wait] [--webhook-processors N] [--workers N]

Starts private Redis and PostgreSQL servers, one n8n main instance, webhook processors
behind a round-robin proxy and workers, all on 127.0.0.1, with the example workflow
published. Sends each sample delivery signed, and one forged, through the proxy, then stops
everything and removes its files. Needs a built package (npm run build).

  --wait                   keep everything running until Ctrl+C, then stop it
  --webhook-processors N   how many n8n webhook processes (default 2)
  --workers N              how many n8n worker processes (default 2)`;

const log = createLog('queue-mode');

/** Sends the deliveries one at a time and prints one line per response. */
async function sendDeliveries(url, samples) {
	const planned = samples.deliveries.map((delivery) => ({
		label: delivery.file,
		body: delivery.body,
		signature: signBody(delivery.body, samples.secret),
		expectedStatus: 200,
	}));
	const forgedBody = samples.deliveries[0].body;
	planned.push({
		label: `${samples.deliveries[0].file}, forged (signed with another secret)`,
		body: forgedBody,
		signature: signBody(forgedBody, samples.otherSecret),
		expectedStatus: 401,
	});

	let unexpected = 0;
	for (const delivery of planned) {
		const response = await sendDelivery({
			url,
			body: delivery.body,
			signature: delivery.signature,
		});
		const upstream = response.headers[UPSTREAM_HEADER] ?? '-';
		log(`${response.status} from ${upstream}: ${delivery.label}`);
		if (response.status !== delivery.expectedStatus) {
			unexpected += 1;
		}
	}
	return { sent: planned.length, accepted: planned.length - 1, unexpected };
}

async function main() {
	const values = parseOptions(
		{
			wait: { type: 'boolean', default: false },
			'webhook-processors': { type: 'string', default: '2' },
			workers: { type: 'string', default: '2' },
		},
		USAGE,
	);
	if (values === null) {
		return 0;
	}
	const webhookProcessors = parsePositiveInteger(
		values['webhook-processors'],
		'--webhook-processors',
	);
	const workers = parsePositiveInteger(values.workers, '--workers');

	const installation = ensureN8nInstalled({ log });
	const samples = loadSampleDeliveries();
	const { workflow, trigger, credentials } = readExampleWorkflow(samples.secret);
	const topology = await startQueueTopology({
		installation,
		credentials,
		workflows: [workflow],
		webhookProcessors,
		workers,
		log,
	});

	try {
		const url = topology.productionUrl(trigger.webhookId);
		log(`Sending deliveries to ${url}`);
		const result = await sendDeliveries(url, samples);
		const counts = await topology.database.waitForFinishedExecutions(workflow.id, result.accepted);
		log(`Executions of "${workflow.name}": ${JSON.stringify(counts.byStatus)}`);

		if (values.wait) {
			printWaitInstructions(topology, url);
			await new Promise(() => {});
		}
		return result.unexpected === 0 && counts.total === result.accepted ? 0 : 1;
	} finally {
		await topology.stop();
		log('Stopped every process and removed the folder.');
	}
}

function printWaitInstructions(topology, url) {
	const processes = topology
		.instances()
		.map(
			(instance) =>
				`    ${instance.name.padEnd(10)} process ${instance.pid}, log ${instance.logPath}`,
		)
		.join('\n');
	console.log(`Queue mode keeps running until Ctrl+C.
  Editor:       ${topology.main.baseUrl} (create the owner account on the first visit)
  Webhook URL:  ${url} (the proxy; each webhook processor has its own port)
  Send more:    node scripts/simulate-ycm.js --url ${url} --secret "$(node -p "require('./test/fixtures/deliveries/manifest.json').secret")" test/fixtures/deliveries/did-change-one-pbx.json
  Processes:
${processes}`);
}

runMain('queue-mode', main);
