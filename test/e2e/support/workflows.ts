import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PROJECT_ROOT } from '../../../scripts/lib';

export const TRIGGER_NODE_NAME = 'YCM Trigger';

/** The credential of most test workflows, with the secret of the sample deliveries. */
export const CREDENTIAL = { id: 'YcmE2eCredentl01', name: 'YCM webhook secret (e2e)' };

/** A credential with a different secret, for a workflow that must reject the samples. */
export const OTHER_CREDENTIAL = { id: 'YcmE2eOtherCrd01', name: 'YCM webhook, other secret (e2e)' };

/** A credential in the middle of a rotation: the other secret is current, the samples' previous. */
export const ROTATING_CREDENTIAL = { id: 'YcmE2eRotating01', name: 'YCM webhook, rotating (e2e)' };

export type TestWorkflow = {
	id: string;
	webhookId: string;
	/** The request method the trigger's webhook is registered for. */
	method: 'POST' | 'GET';
	/** The trigger's Events parameter: the values of the events that start the workflow. */
	events: string[];
	json: Record<string, unknown>;
};

type TriggerParameters = {
	httpMethod?: 'POST' | 'GET';
	events?: string[];
	options?: Record<string, unknown>;
};

type WorkflowNode = {
	type: string;
	webhookId?: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
};

/** A node of n8n's workflow JSON, to add to a test workflow. */
export type AddedNode = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
};

type WorkflowJson = {
	nodes: Array<Record<string, unknown>>;
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
};

/**
 * Builds a workflow from the example in examples/, with its own id, webhook id, trigger
 * parameters and credential, so every test workflow has the shape users import.
 */
export function buildWorkflow(
	id: string,
	webhookId: string,
	parameters: TriggerParameters,
	credential: { id: string; name: string } = CREDENTIAL,
): TestWorkflow {
	const examplePath = join(PROJECT_ROOT, 'examples', 'ycm-trigger.workflow.json');
	const json = JSON.parse(readFileSync(examplePath, 'utf8')) as Record<string, unknown> & {
		nodes: WorkflowNode[];
	};
	const trigger = json.nodes.find((node) => node.type === 'n8n-nodes-yeastar-ycm.ycmTrigger');
	if (trigger === undefined) {
		throw new Error(`${examplePath} has no YCM Trigger node.`);
	}

	const events = parameters.events ?? ['*'];
	trigger.webhookId = webhookId;
	trigger.parameters = { httpMethod: 'POST', options: {}, ...parameters, events };
	trigger.credentials = { ycmWebhookApi: credential };
	json.id = id;
	json.name = `YCM e2e ${id}`;
	return { id, webhookId, method: parameters.httpMethod ?? 'POST', events, json };
}

/** Adds a node that receives the trigger's items, beside the nodes that already receive them. */
export function addNodeAfterTrigger(workflow: TestWorkflow, node: AddedNode): TestWorkflow {
	const json = workflow.json as WorkflowJson;
	json.nodes.push({ ...node, position: [260, 200 * json.nodes.length] });
	json.connections[TRIGGER_NODE_NAME].main[0].push({ node: node.name, type: 'main', index: 0 });
	return workflow;
}

/**
 * Sets the trigger's node version. n8n reads the body of a version 1 webhook node before the
 * node runs, whatever its content type, but of a later version only for JSON, text, form and XML.
 */
export function setTriggerVersion(workflow: TestWorkflow, typeVersion: number): TestWorkflow {
	const json = workflow.json as WorkflowJson;
	const trigger = json.nodes.find((node) => node.name === TRIGGER_NODE_NAME);
	if (trigger === undefined)
		throw new Error(`Workflow ${workflow.id} has no ${TRIGGER_NODE_NAME}.`);
	trigger.typeVersion = typeVersion;
	return workflow;
}
