import { Logger } from '@n8n/backend-common';
import { parseIncomingMessage } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { InstanceSettings, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeType,
	INodeTypes,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';

import { YcmTrigger } from '../../../nodes/YcmTrigger/YcmTrigger.node';

export const NODE_TYPE = 'n8n-nodes-yeastar-ycm.ycmTrigger';

/** What the node sent itself through the response object (n8n sends nothing then). */
export type SentResponse = { statusCode: number; body: unknown };

export type LogEntry = {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	metadata: unknown;
};

export type WebhookRun = {
	result: IWebhookResponseData;
	sent: SentResponse | undefined;
	logs: LogEntry[];
};

export type DeliveryRequest = {
	rawBody?: Buffer;
	/** The request target, for GET deliveries that carry their payload in the query string. */
	url?: string;
	query?: IDataObject;
	headers?: { [name: string]: string | string[] | undefined };
	method?: string;
	/** Replaces n8n's readRawBody, for requests whose body n8n has not read yet. */
	readRawBody?: () => Promise<Buffer>;
};

export type NodeSetup = {
	credential?: ICredentialDataDecryptedObject;
	parameters?: IDataObject;
	/** The workflow's static data; pass the same object to several runs to share it. */
	staticData?: IDataObject;
};

const logs: LogEntry[] = [];

function record(level: LogEntry['level']) {
	return (message: string, metadata?: unknown) => {
		logs.push({ level, message, metadata });
	};
}

// NodeExecutionContext takes its logger and instance settings from n8n's DI container.
Container.set(Logger, {
	debug: record('debug'),
	info: record('info'),
	warn: record('warn'),
	error: record('error'),
	scoped: () => Container.get(Logger),
} as unknown as Logger);
Container.set(InstanceSettings, { instanceId: 'unit-test' } as unknown as InstanceSettings);

const trigger = new YcmTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => trigger,
	getByNameAndVersion: (): INodeType => trigger,
	getKnownTypes: () => ({}),
};

export type N8nBodyFields = {
	contentType?: string;
	encoding?: string;
	body?: unknown;
	/** Whether n8n rejects the request with 422 itself, because the body does not parse as its type. */
	rejectedByN8n: boolean;
};

const stripByteOrderMark = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Sets the request fields n8n 2.41 sets before a trigger runs: n8n's own parse of the
 * Content-Type header (`parseIncomingMessage`), then the JSON, form and text branches of its body
 * parser. XML is left unparsed. `body` stays undefined where n8n leaves it so.
 */
export function parseLikeN8n(
	headers: DeliveryRequest['headers'],
	rawBody: Buffer | undefined,
): N8nBodyFields {
	const message = { headers: headers ?? {} } as unknown as IncomingMessage;
	parseIncomingMessage(message);
	const { contentType, encoding } = message as { contentType?: string; encoding?: BufferEncoding };
	const fields: N8nBodyFields = { contentType, encoding, rejectedByN8n: false };
	if (rawBody === undefined || rawBody.length === 0) return fields;

	try {
		if (contentType === 'application/json') {
			fields.body = JSON.parse(stripByteOrderMark(rawBody.toString(encoding)));
		} else if (contentType === 'application/x-www-form-urlencoded') {
			const text = stripByteOrderMark(rawBody.toString(encoding));
			fields.body = parseQueryString(text, undefined, undefined, { maxKeys: 1000 });
		} else if (contentType === 'text/plain') {
			fields.body = rawBody.toString(encoding);
		}
	} catch {
		fields.rejectedByN8n = true;
	}
	return fields;
}

/**
 * Runs the node's webhook() the way n8n does: inside n8n-core's real WebhookContext, over a real
 * Workflow, with a request and response that carry only what the node reads and writes.
 */
export async function runWebhook(
	delivery: DeliveryRequest,
	setup: NodeSetup = {},
): Promise<WebhookRun> {
	return await prepareWebhook(delivery, setup).run();
}

export type PreparedWebhook = {
	/** The context webhook() runs in, for benchmarks that call n8n's API without the node. */
	context: WebhookContext;
	run: () => Promise<WebhookRun>;
};

/**
 * Builds the Workflow, request, response and WebhookContext once, and returns them with a
 * function that runs webhook() in them. Each run starts with no response sent and no log
 * entries, so the benchmarks can time webhook() alone over many runs of the same delivery.
 */
export function prepareWebhook(delivery: DeliveryRequest, setup: NodeSetup = {}): PreparedWebhook {
	const node: INode = {
		id: 'f3c2d8a0-3b4e-4c55-9d8e-1f2a3b4c5d6e',
		name: 'YCM Trigger',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'a6a0f5b2-8d7e-4d1c-9a55-3c8e2f1b7d90',
		parameters: { httpMethod: 'POST', events: ['*'], options: {}, ...setup.parameters },
		credentials: { ycmWebhookApi: { id: '1', name: 'YCM account' } },
	};
	const workflow = new Workflow({
		id: 'wf-unit',
		name: 'YCM unit test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: setup.staticData,
	});

	const headers = delivery.headers ?? {};
	const { rejectedByN8n, ...bodyFields } = parseLikeN8n(headers, delivery.rawBody);
	const request = {
		...bodyFields,
		method: delivery.method ?? 'POST',
		url: delivery.url ?? '/webhook/a6a0f5b2-8d7e-4d1c-9a55-3c8e2f1b7d90/webhook',
		originalUrl: delivery.url ?? '/webhook/a6a0f5b2-8d7e-4d1c-9a55-3c8e2f1b7d90/webhook',
		headers,
		rawBody: delivery.rawBody,
		params: {},
		query: delivery.query ?? {},
		async readRawBody() {
			if (delivery.readRawBody !== undefined) request.rawBody = await delivery.readRawBody();
		},
	};
	let sent: SentResponse | undefined;
	let statusCode = 200;
	const response = {
		status(code: number) {
			statusCode = code;
			return response;
		},
		json(body: unknown) {
			sent = { statusCode, body };
			return response;
		},
	};

	const credential = setup.credential;
	const additionalData = {
		httpRequest: request,
		httpResponse: response,
		credentialsHelper: {
			isCredentialUsableByNode: () => true,
			getDecrypted: async () => {
				if (credential === undefined) throw new Error('No credential in this test');
				return credential;
			},
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = {
		httpMethod: 'POST',
		node: node.name,
		path: 'webhook',
		webhookDescription: trigger.description.webhooks![0],
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as IWebhookData;

	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		'webhook',
		webhookData,
		[],
		null,
	);
	const run = async (): Promise<WebhookRun> => {
		if (rejectedByN8n) {
			throw new Error('n8n rejects this request with 422 before the node runs.');
		}
		sent = undefined;
		statusCode = 200;
		logs.length = 0;
		const result = await trigger.webhook.call(context);
		return { result, sent, logs: [...logs] };
	};
	return { context, run };
}

/** The json of every item the run emitted. */
export function emittedItems(run: WebhookRun): IDataObject[] {
	return (run.result.workflowData?.[0] ?? []).map((item) => item.json);
}
