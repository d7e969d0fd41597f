import type { DeliveryResponse, N8nServer, StoredExecution } from '../../../scripts/lib';
import { sendDelivery, sendHttpRequest, signBody } from '../../../scripts/lib';
import type { TestWorkflow } from './workflows';
import { TRIGGER_NODE_NAME } from './workflows';

export type Item = Record<string, unknown>;

export type RequestShape = {
	method?: 'POST' | 'GET';
	contentType?: string;
	query?: string;
	timeoutMs?: number;
};

/** Sends one request to a workflow's webhook and resolves with the response, whatever its status. */
export type SendRequest = () => Promise<DeliveryResponse>;

export type Delivered = {
	response: DeliveryResponse;
	/** Executions of the workflow that started after the request was sent. */
	executions: StoredExecution[];
};

export type DeliveredWithSentinel = Delivered & { sentinelDeliveryId: unknown };

/** How long a raw request may take before it counts as failed. */
const RAW_REQUEST_TIMEOUT_MS = 30_000;

export function log(message: string): void {
	process.stderr.write(`[e2e] ${message}\n`);
}

export function triggerItems(execution: StoredExecution): Item[] {
	return execution.outputs[TRIGGER_NODE_NAME] ?? [];
}

export function responseJson(response: DeliveryResponse): Record<string, unknown> {
	return JSON.parse(response.body) as Record<string, unknown>;
}

/** Asserts that only the sentinel's execution ran. */
export function expectOnlySentinel(result: DeliveredWithSentinel): void {
	expect(result.executions).toHaveLength(1);
	const items = triggerItems(result.executions[0]);
	expect(items.map((item) => item.deliveryId)).toEqual([result.sentinelDeliveryId]);
}

/**
 * Sends a request with exactly these header lines, in this order and spelling, after `Host` and
 * `Content-Length`. Node's HTTP client sends a flat list of headers as given, so a name may
 * repeat, differ in case, or carry a value with trailing whitespace.
 */
export function sendRawRequest(target: {
	url: string;
	body: Buffer;
	headers: Array<[name: string, value: string]>;
	method?: 'POST' | 'GET';
}): Promise<DeliveryResponse> {
	const url = new URL(target.url);
	const headerLines = [
		['Host', url.host],
		['Content-Length', String(target.body.length)],
		...target.headers,
	].flat();

	return sendHttpRequest({
		url: target.url,
		method: target.method ?? 'POST',
		headers: headerLines,
		body: target.body,
		timeoutMs: RAW_REQUEST_TIMEOUT_MS,
	});
}

/**
 * Sends deliveries to the test workflows of one n8n and reads the executions they start.
 * It records every X-Signature it sends, so that a test can look for them in n8n's log.
 */
export class DeliveryClient {
	readonly sentSignatures = new Set<string>();

	private sentinelCount = 0;

	constructor(
		private readonly server: N8nServer,
		/** The secret that the workflow's credential names as current. */
		private readonly secretOf: (workflow: TestWorkflow) => string,
	) {}

	signFor(workflow: TestWorkflow, body: Buffer): string {
		return this.recordSignature(signBody(body, this.secretOf(workflow)));
	}

	recordSignature(signature: string): string {
		this.sentSignatures.add(signature);
		return signature;
	}

	async executionsOf(workflow: TestWorkflow): Promise<StoredExecution[]> {
		const executions = await this.server.database.waitForSettledExecutions({ quietMs: 500 });
		return executions.filter((execution) => execution.workflowId === workflow.id);
	}

	async countExecutionsOf(workflow: TestWorkflow): Promise<number> {
		const counts = await this.server.database.countExecutions();
		return counts
			.filter((entry) => entry.workflowId === workflow.id)
			.reduce((sum, entry) => sum + entry.count, 0);
	}

	async send(
		workflow: TestWorkflow,
		body: Buffer,
		signature: string | null,
		extra: RequestShape = {},
	): Promise<DeliveryResponse> {
		const { query, ...shape } = extra;
		const url = this.server.productionUrl(workflow.webhookId);
		if (signature !== null) this.recordSignature(signature);
		return await sendDelivery({
			url: query === undefined ? url : `${url}?${query}`,
			body,
			signature,
			...shape,
		});
	}

	/** Sends raw header lines to the workflow's webhook; see sendRawRequest. */
	async sendRaw(
		workflow: TestWorkflow,
		body: Buffer,
		headers: Array<[name: string, value: string]>,
	): Promise<DeliveryResponse> {
		for (const [name, value] of headers) {
			if (name.toLowerCase() === 'x-signature') this.recordSignature(value.trim());
		}
		return await sendRawRequest({
			url: this.server.productionUrl(workflow.webhookId),
			body,
			headers,
			method: workflow.method,
		});
	}

	/** Sends one delivery and returns the response with the executions it started. */
	async deliver(
		workflow: TestWorkflow,
		body: Buffer,
		signature: string | null,
		extra: RequestShape = {},
	): Promise<Delivered> {
		return await this.deliverWith(workflow, () => this.send(workflow, body, signature, extra));
	}

	/** Sends one request and returns the response with the executions it started. */
	async deliverWith(workflow: TestWorkflow, sendRequest: SendRequest): Promise<Delivered> {
		const before = await this.countExecutionsOf(workflow);
		const response = await sendRequest();
		const executions = (await this.executionsOf(workflow)).slice(before);
		return { response, executions };
	}

	/** Sends a delivery that must start nothing; see expectNothingFrom. */
	async deliverExpectingNothing(
		workflow: TestWorkflow,
		body: Buffer,
		signature: string | null,
		extra: RequestShape = {},
	): Promise<DeliveredWithSentinel> {
		return await this.expectNothingFrom(workflow, () =>
			this.send(workflow, body, signature, extra),
		);
	}

	/**
	 * Sends a request that must start nothing, then a sentinel delivery that must start one
	 * execution, and returns the response to the first with every execution started after it.
	 *
	 * With `responseMode: 'onReceived'` n8n responds before it stores an execution, so an empty
	 * list right after the response proves nothing. An execution wrongly started by the first
	 * request would be stored no later than the sentinel's, which the check waits for.
	 */
	async expectNothingFrom(
		workflow: TestWorkflow,
		sendRequest: SendRequest,
	): Promise<DeliveredWithSentinel> {
		const before = await this.countExecutionsOf(workflow);
		const response = await sendRequest();

		const sentinel = this.sentinelFor(workflow);
		const sentinelResponse = await this.send(workflow, sentinel, this.signFor(workflow, sentinel), {
			method: workflow.method,
		});
		expect(sentinelResponse.status).toBe(200);

		const executions = (await this.executionsOf(workflow)).slice(before);
		return { response, sentinelDeliveryId: responseJson(sentinelResponse).deliveryId, executions };
	}

	/**
	 * Builds a fresh delivery of an event that `workflow` subscribes to. Each one differs, so its
	 * deliveryId is new even where a workflow ignores retries of a delivery it already accepted.
	 */
	sentinelFor(workflow: TestWorkflow): Buffer {
		this.sentinelCount += 1;
		const updateTime = Math.floor(Date.now() / 1000);
		const { events } = workflow;

		if (events.includes('*') || events.includes('connectivityTest')) {
			const test = { event: 'test', message: `Sentinel ${this.sentinelCount}` };
			return Buffer.from(JSON.stringify(test));
		}
		if (events.includes('capacityChange')) {
			const element = {
				modifier: `sentinel-${this.sentinelCount}@example.com`,
				repository: { extensions: '10', concurrentCalls: '5', enableCallRecording: 'no' },
				sn: '36S1E2N3T4I5N6EL',
				updateTime,
			};
			return Buffer.from(JSON.stringify([element]));
		}
		const didChange = events.find((event) => event.startsWith('didChange'));
		if (didChange !== undefined) {
			const element = {
				event: didChange.split('.')[1] ?? 'did_change',
				sn: '36S1E2N3T4I5N6EL',
				trunkDidInfoList: [
					{ did: `+4420795${this.sentinelCount}`, didId: '1', trunkId: '1', trunkName: 'Sentinel' },
				],
				updateTime,
			};
			return Buffer.from(JSON.stringify([element]));
		}
		throw new Error(`No sentinel delivery for a workflow subscribed to ${events.join(', ')}.`);
	}
}
