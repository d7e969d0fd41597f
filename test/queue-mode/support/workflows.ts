import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../../../scripts/lib';

export const TRIGGER_NODE_NAME = 'YCM Trigger';
export const LAST_NODE_NAME = 'Received events';

/** The credential of every queue-mode workflow, with the secret of the sample deliveries. */
export const CREDENTIAL = { id: 'YcmQueueCrednt01', name: 'YCM webhook secret (queue mode)' };

export type QueueWorkflow = {
	id: string;
	webhookId: string;
	json: Record<string, unknown>;
};

/** A node of n8n's workflow JSON, placed between the trigger and the last node. */
export type MiddleNode = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	webhookId?: string;
	parameters: Record<string, unknown>;
};

type WorkflowNode = {
	name: string;
	type: string;
	webhookId?: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
};

type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: string; index: number }>> }
>;

/**
 * Builds a workflow from the example in examples/ (YCM Trigger, then a No Operation node), with
 * its own ids, trigger options and optional nodes in between, so it has the shape users import.
 */
export function buildQueueWorkflow(
	id: string,
	webhookId: string,
	options: Record<string, unknown> = {},
	middleNodes: MiddleNode[] = [],
): QueueWorkflow {
	const examplePath = join(PROJECT_ROOT, 'examples', 'ycm-trigger.workflow.json');
	const json = JSON.parse(readFileSync(examplePath, 'utf8')) as Record<string, unknown> & {
		nodes: WorkflowNode[];
		connections: Connections;
	};
	const trigger = json.nodes.find((node) => node.name === TRIGGER_NODE_NAME);
	if (trigger === undefined) {
		throw new Error(`${examplePath} has no node named ${TRIGGER_NODE_NAME}.`);
	}

	trigger.webhookId = webhookId;
	trigger.parameters = { httpMethod: 'POST', events: ['*'], options };
	trigger.credentials = { ycmWebhookApi: CREDENTIAL };

	const chain = [TRIGGER_NODE_NAME, ...middleNodes.map((node) => node.name), LAST_NODE_NAME];
	json.nodes.push(
		...middleNodes.map((node, index) => ({ ...node, position: [130 * (index + 1), 200] })),
	);
	json.connections = {};
	for (let index = 0; index < chain.length - 1; index += 1) {
		json.connections[chain[index]] = {
			main: [[{ node: chain[index + 1], type: 'main', index: 0 }]],
		};
	}

	json.id = id;
	json.name = `YCM queue mode ${id}`;
	return { id, webhookId, json };
}
