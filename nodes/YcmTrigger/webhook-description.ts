import type { IWebhookDescription } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';

/** The HTTP method of the webhook: the node's HTTP Method parameter, POST when it is unset. */
const HTTP_METHOD_EXPRESSION = '={{$parameter["httpMethod"] || "POST"}}';

/**
 * Builds the description of the node's one webhook.
 *
 * n8n evaluates an expression in a description field on every request. n8n-workflow 2.41 (in
 * n8n 2.41.1) can attach a native resolver to such a field (`webhookDescriptionFields`), so n8n
 * reads the parameter directly instead of running the expression engine, which with the default
 * `vm` engine needs a V8 isolate. n8n 1.x has no such helpers, so there the field stays the plain
 * expression. Both forms yield the same method.
 */
export function buildWebhookDescription(): IWebhookDescription {
	const description: IWebhookDescription = {
		name: 'default',
		httpMethod: HTTP_METHOD_EXPRESSION,
		responseMode: 'onReceived',
		// Empty rather than unset: unset, n8n responds with the literal text "firstEntryJson"
		// instead of the webhookResponse this node returns.
		responseData: '',
		path: 'webhook',
	};

	const { fromParameter, webhookDescriptionFields } = n8nWorkflow;
	if (typeof fromParameter !== 'function' || typeof webhookDescriptionFields !== 'function') {
		return description;
	}
	return {
		...description,
		...webhookDescriptionFields({ httpMethod: fromParameter('httpMethod', 'POST') }),
	};
}
