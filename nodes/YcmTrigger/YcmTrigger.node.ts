import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { readEventSelections, readOptions, readSecrets } from './configuration';
import type { ParsedDelivery } from './delivery';
import { DeliveryLog } from './delivery-log';
import { parseDelivery, parseQueryDelivery, toElements } from './delivery';
import type { JsonValue, YcmElement } from './events';
import { classifyElement, MAX_UNKNOWN_NESTING, nestsDeeperThan } from './events';
import { judgeStaleness } from './freshness';
import type { RequestExtras } from './items';
import { buildItems } from './items';
import { triggerProperties, triggerSubtitle } from './properties';
import { collectHeaders, readParsedBody, readRawBody, readRawQuery } from './request';
import { recordDelivery } from './retries';
import { describeSecretProblem } from './secret';
import { deriveDeliveryId, REJECTION_MESSAGES, verifySignature } from './signature';
import { isSubscribed } from './subscription';
import { triggerPanel } from './triggerPanel';
import { buildWebhookDescription } from './webhook-description';

/** Responds to the request directly, so n8n sends nothing itself and starts no execution. */
function reject(
	context: IWebhookFunctions,
	statusCode: number,
	reason: string,
): IWebhookResponseData {
	context.getResponseObject().status(statusCode).json({ status: 'rejected', reason });
	return { noWebhookResponse: true };
}

/** Responds 200 without an execution: the delivery is authentic, so YCM must not retry it. */
function ignore(deliveryId: string, reason: string): IWebhookResponseData {
	return { webhookResponse: { status: 'ignored', deliveryId, reason } };
}

/**
 * Chooses the bytes the signature covers. A GET request with an empty body but a query string
 * carries its payload in the query, so the signature is checked over the query string as sent.
 */
function readSignedPayload(
	context: IWebhookFunctions,
	rawBody: Buffer,
): { signedBytes: Buffer; parse: () => ParsedDelivery } {
	const request = context.getRequestObject();
	const rawQuery = request.method === 'GET' && rawBody.length === 0 ? readRawQuery(request) : '';
	if (rawQuery === '') {
		const parse = () => {
			const parsedByN8n = readParsedBody(request, rawBody);
			return parsedByN8n === undefined ? parseDelivery(rawBody) : toElements(parsedByN8n);
		};
		return { signedBytes: rawBody, parse };
	}

	// n8n parses the query into strings, lists and objects; a JSON round trip types them as JSON.
	const parameters: JsonValue = JSON.parse(JSON.stringify(context.getQueryData()));
	return {
		signedBytes: Buffer.from(rawQuery, 'ascii'),
		parse: () => parseQueryDelivery(rawQuery, parameters),
	};
}

/** Drops events outside the Maximum Event Age, with a warning, since they start nothing. */
function keepFreshEvents(
	elements: YcmElement[],
	maxAgeMinutes: number,
	log: DeliveryLog,
): YcmElement[] {
	const nowSeconds = Date.now() / 1000;
	const fresh = elements.filter(
		(element) => judgeStaleness(element, nowSeconds, maxAgeMinutes * 60) === undefined,
	);
	if (fresh.length < elements.length) {
		log.warn('YCM Trigger dropped events outside the Maximum Event Age', {
			dropped: elements.length - fresh.length,
		});
	}
	return fresh;
}

export class YcmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'YCM Trigger',
		name: 'ycmTrigger',
		icon: { light: 'file:ycm.svg', dark: 'file:ycm.dark.svg' },
		group: ['trigger'],
		// Both versions run the same code. n8n treats a version 1 webhook node differently: for
		// every request it evaluates an expression (`$parameter["options"]["binaryData"]`), which
		// with n8n 2.x's default engine needs a V8 isolate, and it reads the body before the node
		// runs, whatever its type. For version 2, readRawBody() reads what n8n left unread.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: triggerSubtitle,
		description:
			'Starts the workflow when Yeastar Central Management (YCM) sends a signed webhook event',
		defaults: {
			name: 'YCM Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'ycmWebhookApi',
				required: true,
				testedBy: 'ycmWebhookSecretTest',
			},
		],
		webhooks: [buildWebhookDescription()],
		properties: triggerProperties,
		triggerPanel,
	};

	/**
	 * YCM has no API to list, add or remove webhooks: an administrator adds the URL in YCM under
	 * System > API > Webhook Event Push. So n8n has nothing to register or remove, and these
	 * methods only report success. checkExists() returns true, so n8n never calls create().
	 * n8n's community-package scan requires all three methods.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
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

				const previous = credential.data?.previousSecret;
				if (previous !== undefined && previous !== '') {
					const previousProblem = describeSecretProblem(previous, 'Previous Secret');
					if (previousProblem !== undefined) return { status: 'Error', message: previousProblem };
				}

				return {
					status: 'OK',
					message:
						'The secret has the shape YCM generates. Whether it is the right one shows with the first delivery.',
				};
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { secrets, slots } = await readSecrets(this);
		const selections = readEventSelections(this);
		const options = readOptions(this);
		const log = new DeliveryLog(this);

		const request = this.getRequestObject();
		const body = await readRawBody(request);
		if (!body.ok) {
			log.warn(`YCM Trigger rejected a delivery: ${body.reason}`, { statusCode: body.statusCode });
			return reject(this, body.statusCode, body.reason);
		}
		const payload = readSignedPayload(this, body.rawBody);

		const check = verifySignature(payload.signedBytes, request.headers['x-signature'], secrets);
		if (!check.valid) {
			const reason = REJECTION_MESSAGES[check.reason];
			log.warn(`YCM Trigger rejected a delivery: ${reason}`, { reason: check.reason });
			return reject(this, 401, reason);
		}
		const delivery = {
			deliveryId: deriveDeliveryId(check.digest),
			signedWith: slots[check.matchedSecretIndex],
		};
		const { deliveryId } = delivery;
		log.deliveryId = deliveryId;

		const parsed = payload.parse();
		if (!parsed.ok) {
			log.warn(`YCM Trigger rejected an authentic delivery: ${parsed.reason}`, {
				reason: parsed.reason,
			});
			return reject(this, 400, parsed.reason);
		}

		const elements = parsed.elements.map(classifyElement);
		let accepted: YcmElement[] = [];
		let ignoredUnknown = 0;
		for (const element of elements) {
			if (
				element.eventType === 'unknown' &&
				nestsDeeperThan(element.element, MAX_UNKNOWN_NESTING)
			) {
				const reason = `An element of unknown shape nests deeper than ${MAX_UNKNOWN_NESTING} levels.`;
				log.warn(`YCM Trigger rejected an authentic delivery: ${reason}`, { reason });
				return reject(this, 400, reason);
			}
			if (isSubscribed(element, selections)) {
				accepted.push(element);
			} else if (element.eventType === 'unknown') {
				ignoredUnknown += 1;
			}
		}

		if (accepted.length < elements.length) {
			log.debug('YCM Trigger ignored events the workflow does not subscribe to', {
				ignored: elements.length - accepted.length,
				eventTypes: [...new Set(elements.map((element) => element.eventType))],
			});
		}
		if (ignoredUnknown > 0) {
			// An unknown shape may be a known event with one field of an unexpected type, so
			// ignoring it must not go unnoticed.
			log.warn(
				`YCM Trigger ignored ${ignoredUnknown} authentic element(s) of unknown shape; ` +
					'subscribe to Unknown Events to receive them',
				{ ignored: ignoredUnknown },
			);
		}
		if (accepted.length === 0) {
			return ignore(deliveryId, 'The delivery holds no event this workflow subscribes to.');
		}

		if (options.maxEventAgeMinutes !== undefined) {
			accepted = keepFreshEvents(accepted, options.maxEventAgeMinutes, log);
			if (accepted.length === 0) {
				return ignore(deliveryId, 'Every subscribed event is outside the Maximum Event Age.');
			}
		}

		if (options.retryWindowMinutes !== undefined) {
			const staticData = this.getWorkflowStaticData('node');
			const windowMs = options.retryWindowMinutes * 60_000;
			if (recordDelivery(staticData, deliveryId, Date.now(), windowMs) === 'retry') {
				log.info('YCM Trigger ignored a retry of a delivery it already accepted');
				return ignore(deliveryId, 'This delivery was already accepted; the retry is ignored.');
			}
		}

		const extras: RequestExtras = {};
		if (options.includeHeaders) extras.headers = collectHeaders(request);
		if (options.includeRawBody) extras.rawBody = body.rawBody.toString('utf8');

		const items: IDataObject[] = buildItems(accepted, options.output, delivery, extras);
		const response = { status: 'accepted', deliveryId, items: items.length };
		const workflowData = [this.helpers.returnJsonArray(items)];
		if (options.retryWindowMinutes !== undefined) {
			// n8n 2.41 saves static data after responding, but starting the execution first wraps
			// the same object again and clears its change flag, so only a response sent before
			// the execution starts keeps the record of this delivery. The cost: YCM gets its 200
			// before n8n has stored the execution.
			this.getResponseObject().status(200).json(response);
			return { noWebhookResponse: true, workflowData };
		}
		return { webhookResponse: response, workflowData };
	}
}
