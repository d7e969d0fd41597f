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

	trigger.webhookId = webhookId;
	trigger.parameters = { httpMethod: 'POST', events: ['*'], options: {}, ...parameters };
	trigger.credentials = { ycmWebhookApi: credential };
	json.id = id;
	json.name = `YCM e2e ${id}`;
	return { id, webhookId, method: parameters.httpMethod ?? 'POST', json };
}
