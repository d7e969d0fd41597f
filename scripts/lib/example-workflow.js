'use strict';

// Loads examples/ycm-trigger.workflow.json, the workflow that the demo, `npm run queue-mode` and
// the queue-mode benchmark run in n8n.

const fs = require('node:fs');
const path = require('node:path');

const { PROJECT_ROOT } = require('./versions');

const EXAMPLE_WORKFLOW = path.join(PROJECT_ROOT, 'examples', 'ycm-trigger.workflow.json');
const TRIGGER_NODE_TYPE = 'n8n-nodes-yeastar-ycm.ycmTrigger';

/**
 * Reads the example workflow and its YCM Trigger node, and builds the node's credential with
 * `secret` in the form that n8n imports.
 * @param {string} secret
 */
function readExampleWorkflow(secret) {
	const workflow = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW, 'utf8'));
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_NODE_TYPE);
	if (!trigger?.webhookId || !trigger.credentials?.ycmWebhookApi) {
		throw new Error(
			`${EXAMPLE_WORKFLOW} needs a YCM Trigger node with a webhookId and credential.`,
		);
	}
	const credential = {
		...trigger.credentials.ycmWebhookApi,
		type: 'ycmWebhookApi',
		data: { secret },
	};
	return { workflow, trigger, credentials: [credential] };
}

module.exports = { EXAMPLE_WORKFLOW, readExampleWorkflow };
