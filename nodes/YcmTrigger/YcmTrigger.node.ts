import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { classifyElement } from './events';
import { parseDelivery } from './delivery';
import type { OutputMode, RequestExtras } from './items';
import { buildItems, OUTPUT_MODES } from './items';
import { collectHeaders, readRawBody } from './request';
import { describeSecretProblem } from './secret';
import { deriveDeliveryId, REJECTION_MESSAGES, verifySignature } from './signature';
import { isSubscribed, readSelections } from './subscription';

type TriggerOptions = {
	output: OutputMode;
	includeHeaders: boolean;
	includeRawBody: boolean;
};

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOutputMode(value: unknown): value is OutputMode {
	return OUTPUT_MODES.some((mode) => mode === value);
}

/** Reads the secret from the credential; a missing or malformed one stops the run, never the check. */
async function readSecrets(context: IWebhookFunctions): Promise<string[]> {
	const credential = await context.getCredentials('ycmWebhookApi');

	const problem = describeSecretProblem(credential.secret);
	if (problem !== undefined) {
		throw new NodeOperationError(context.getNode(), 'The YCM webhook secret is invalid', {
			description: `${problem} Deliveries are not verified, and so not accepted, until it is fixed.`,
		});
	}
	return [String(credential.secret)];
}

function readEventSelections(context: IWebhookFunctions): ReadonlySet<string> {
	const check = readSelections(context.getNodeParameter('events', []));
	if (!check.ok) {
		throw new NodeOperationError(context.getNode(), 'The Events parameter is invalid', {
			description: `${check.problem} Choose one or more events in the node's Events parameter.`,
		});
	}
	return check.selections;
}

function readOptions(context: IWebhookFunctions): TriggerOptions {
	const options: unknown = context.getNodeParameter('options', {});
	const values = isRecord(options) ? options : {};

	const output = values.output ?? 'perPbx';
	if (!isOutputMode(output)) {
		throw new NodeOperationError(context.getNode(), 'The Output option is invalid', {
			description: `"${String(output)}" is not an output this node knows. Choose it again in the node's options.`,
		});
	}
	return {
		output,
		includeHeaders: values.includeHeaders === true,
		includeRawBody: values.includeRawBody === true,
	};
}

/** Responds to the request directly, so n8n sends nothing itself and starts no execution. */
function reject(
	context: IWebhookFunctions,
	statusCode: number,
	reason: string,
): IWebhookResponseData {
	context.getResponseObject().status(statusCode).json({ status: 'rejected', reason });
	return { noWebhookResponse: true };
}

export class YcmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'YCM Trigger',
		name: 'ycmTrigger',
		icon: { light: 'file:ycm.svg', dark: 'file:ycm.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{$parameter["events"].includes("*") ? "All events" : $parameter["events"].join(", ")}}',
		description:
			'Starts the workflow when Yeastar Central Management (YCM) sends a signed webhook event',
		defaults: {
			name: 'YCM Trigger',
		},
		inputs: [],
		outputs: ['main'],
		credentials: [
			{
				name: 'ycmWebhookApi',
				required: true,
				testedBy: 'ycmWebhookSecretTest',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: '={{$parameter["httpMethod"] || "POST"}}',
				responseMode: 'onReceived',
				// Empty rather than unset: unset, n8n responds with the literal text "firstEntryJson"
				// instead of the webhookResponse this node returns.
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'HTTP Method',
				name: 'httpMethod',
				type: 'options',
				options: [
					{ name: 'GET', value: 'GET' },
					{ name: 'POST', value: 'POST' },
				],
				default: 'POST',
				description:
					"Must match the Request Method of this webhook in YCM. POST is YCM's usual choice.",
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{
						name: 'All Events',
						value: '*',
						description: 'Every event YCM sends, including kinds this node does not know yet',
					},
					{
						name: 'Connectivity Test',
						value: 'connectivityTest',
						description: "The message YCM's Test button sends",
					},
					{
						name: 'PCE Capacity Change',
						value: 'capacityChange',
						description: 'A Cloud PBX got its capacity at creation, or was resized',
					},
					{
						name: 'PCE DID Change (Any Reason)',
						value: 'didChange',
						description: 'The DIDs of a Cloud PBX changed, for any of the reasons below',
					},
					{
						name: 'PCE DID Change: Cloud PBX Deleted',
						value: 'didChange.pce_delete',
						description: 'The Cloud PBX itself was deleted',
					},
					{
						name: 'PCE DID Change: DIDs Assigned or Removed',
						value: 'didChange.did_change',
						description: 'DIDs were assigned or removed while creating or editing the Cloud PBX',
					},
					{
						name: 'PCE DID Change: DIDs Deleted',
						value: 'didChange.did_delete',
						description: 'Assigned DIDs were deleted from their trunks',
					},
					{
						name: 'PCE DID Change: Trunk Deleted',
						value: 'didChange.trunk_delete',
						description: 'Trunks that held DIDs of the Cloud PBX were deleted',
					},
					{
						name: 'Unknown Events',
						value: 'unknown',
						description: 'Elements of a shape this node does not know, passed on whole',
					},
				],
				default: ['*'],
				description:
					'The events that start the workflow. Others get a 200 response and start nothing.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Headers',
						name: 'includeHeaders',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the request headers to every item as `headers` (X-Signature is always left out)',
					},
					{
						displayName: 'Include Raw Body',
						name: 'includeRawBody',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the body exactly as received to every item as `rawBody`, for example to archive it',
					},
					{
						displayName: 'Output',
						name: 'output',
						type: 'options',
						options: [
							{
								name: 'One Item per Cloud PBX',
								value: 'perPbx',
								description: 'Each Cloud PBX in the delivery becomes one item',
							},
							{
								name: 'One Item per DID',
								value: 'perDid',
								description:
									'Each DID of a DID change becomes one item; other events stay one item per Cloud PBX',
							},
							{
								name: 'One Item per Delivery',
								value: 'perDelivery',
								description: 'The whole delivery becomes one item with an `events` list',
							},
						],
						default: 'perPbx',
						description: 'How the events of one delivery are split into items',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			// YCM has no endpoint that checks a webhook secret, so the test checks its shape locally.
			async ycmWebhookSecretTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const problem = describeSecretProblem(credential.data?.secret);
				if (problem !== undefined) return { status: 'Error', message: problem };

				return {
					status: 'OK',
					message:
						'The secret has the shape YCM generates. Whether it is the right one shows with the first delivery.',
				};
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const secrets = await readSecrets(this);
		const selections = readEventSelections(this);
		const options = readOptions(this);
		const logMetadata = { workflowId: this.getWorkflow().id, node: this.getNode().name };

		const request = this.getRequestObject();
		const body = await readRawBody(request);
		if (!body.ok) {
			this.logger.warn('YCM Trigger rejected a delivery: the body could not be read', {
				...logMetadata,
				statusCode: body.statusCode,
			});
			return reject(this, body.statusCode, body.reason);
		}

		const check = verifySignature(body.rawBody, request.headers['x-signature'], secrets);
		if (!check.valid) {
			this.logger.warn('YCM Trigger rejected a delivery: signature check failed', {
				...logMetadata,
				reason: check.reason,
			});
			return reject(this, 401, REJECTION_MESSAGES[check.reason]);
		}
		const deliveryId = deriveDeliveryId(check.digest);

		const parsed = parseDelivery(body.rawBody);
		if (!parsed.ok) {
			this.logger.warn('YCM Trigger rejected an authentic delivery: the body is not usable', {
				...logMetadata,
				deliveryId,
				reason: parsed.reason,
			});
			return reject(this, 400, parsed.reason);
		}

		const elements = parsed.elements.map(classifyElement);
		const subscribed = elements.filter((element) => isSubscribed(element, selections));
		if (subscribed.length < elements.length) {
			this.logger.debug('YCM Trigger ignored events the workflow does not subscribe to', {
				...logMetadata,
				deliveryId,
				ignored: elements.length - subscribed.length,
				eventTypes: [...new Set(elements.map((element) => element.eventType))],
			});
		}
		if (subscribed.length === 0) {
			return {
				webhookResponse: {
					status: 'ignored',
					deliveryId,
					reason: 'The delivery holds no event this workflow subscribes to.',
				},
			};
		}

		const extras: RequestExtras = {};
		if (options.includeHeaders) extras.headers = collectHeaders(request);
		if (options.includeRawBody) extras.rawBody = body.rawBody.toString('utf8');

		const items: IDataObject[] = buildItems(subscribed, options.output, deliveryId, extras);
		this.logger.debug('YCM Trigger accepted a delivery', {
			...logMetadata,
			deliveryId,
			items: items.length,
		});
		return {
			webhookResponse: { status: 'accepted', deliveryId, items: items.length },
			workflowData: [this.helpers.returnJsonArray(items)],
		};
	}
}
