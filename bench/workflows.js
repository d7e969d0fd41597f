'use strict';

// The three workflows the end-to-end benchmark compares on one n8n, and their credentials.

const { BENCH_SECRET } = require('./deliveries');

const YCM_CREDENTIAL = { id: 'YcmBenchCredent1', name: 'YCM webhook secret (bench)' };
const CRYPTO_CREDENTIAL = { id: 'YcmBenchCrypto01', name: 'HMAC secret (bench)' };

/** Credentials to import: the same secret for the YCM Trigger and for the Crypto node. */
const CREDENTIALS = [
	{ ...YCM_CREDENTIAL, type: 'ycmWebhookApi', data: { secret: BENCH_SECRET } },
	{ ...CRYPTO_CREDENTIAL, type: 'crypto', data: { hmacSecret: BENCH_SECRET } },
];

/**
 * Builds a workflow in the JSON form n8n imports. A linear chain of nodes is connected in order.
 * @param {{ id: string, name: string, nodes: object[] }} definition
 */
function buildWorkflow({ id, name, nodes }) {
	const connections = {};
	for (let index = 0; index + 1 < nodes.length; index += 1) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		id,
		name,
		nodes: nodes.map((node, index) => ({ position: [index * 240, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		active: false,
	};
}

/**
 * The YCM Trigger alone: it verifies, parses and splits the delivery into items itself. New
 * nodes get version 2; workflows built before it keep version 1, which n8n handles with an
 * extra expression per request.
 */
function buildYcmTriggerFlow(typeVersion) {
	const webhookId = `b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e0${typeVersion}`;
	return {
		key: typeVersion === 2 ? 'ycmTrigger' : `ycmTriggerV${typeVersion}`,
		label: `YCM Trigger (node version ${typeVersion})`,
		webhookId,
		workflow: buildWorkflow({
			id: `YcmBenchTriggerV${typeVersion}`,
			name: `Bench: YCM Trigger version ${typeVersion}`,
			nodes: [
				{
					id: `b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e1${typeVersion}`,
					name: 'YCM Trigger',
					type: 'n8n-nodes-yeastar-ycm.ycmTrigger',
					typeVersion,
					webhookId,
					parameters: { httpMethod: 'POST', events: ['*'], options: {} },
					credentials: { ycmWebhookApi: YCM_CREDENTIAL },
				},
			],
		}),
		urlPath: (id) => `${id}/webhook`,
	};
}

const ycmTriggerFlow = buildYcmTriggerFlow(2);

/** The same trigger as a workflow saved before version 2 has it; reported for comparison. */
const ycmTriggerVersion1Flow = buildYcmTriggerFlow(1);

/** n8n's built-in Webhook node with no verification: the ceiling for any webhook trigger. */
const webhookNodeFlow = {
	key: 'webhookNode',
	label: 'Webhook node (no verification)',
	webhookId: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e05',
	workflow: buildWorkflow({
		id: 'YcmBenchWebhook1',
		name: 'Bench: Webhook node',
		nodes: [
			{
				id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e21',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				webhookId: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e05',
				parameters: {
					httpMethod: 'POST',
					path: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e05',
					options: {},
				},
			},
		],
	}),
	urlPath: (webhookId) => webhookId,
};

/**
 * What users build today without this package: the Webhook node keeps the raw body, the Crypto
 * node computes its Base64 HMAC-SHA256, an IF node compares it with X-Signature, and a Code
 * node splits the array into one item per Cloud PBX.
 */
const handBuiltFlow = {
	key: 'handBuilt',
	label: 'Hand-built flow (Webhook, Crypto, IF, Code)',
	webhookId: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e03',
	workflow: buildWorkflow({
		id: 'YcmBenchHandBlt1',
		name: 'Bench: hand-built verification',
		nodes: [
			{
				id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e31',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				webhookId: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e03',
				parameters: {
					httpMethod: 'POST',
					path: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e03',
					options: { rawBody: true },
				},
			},
			{
				id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e32',
				name: 'Compute HMAC',
				type: 'n8n-nodes-base.crypto',
				typeVersion: 2,
				parameters: {
					action: 'hmac',
					binaryData: true,
					binaryPropertyName: 'data',
					type: 'SHA256',
					dataPropertyName: 'computedSignature',
					encoding: 'base64',
				},
				credentials: { crypto: CRYPTO_CREDENTIAL },
			},
			{
				id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e33',
				name: 'Signature matches',
				type: 'n8n-nodes-base.if',
				typeVersion: 2.2,
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e3a',
								leftValue: '={{ $json.computedSignature }}',
								rightValue: "={{ $json.headers['x-signature'] }}",
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
			},
			{
				id: 'b7e1c0d2-4f3a-4b6c-8d9e-0a1b2c3d4e34',
				name: 'Split into items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: {
					jsCode:
						'return $input.all().flatMap((item) => item.json.body.map((pbx) => ({ json: pbx })));',
				},
			},
		],
	}),
	urlPath: (webhookId) => webhookId,
};

module.exports = {
	CREDENTIALS,
	ycmTriggerFlow,
	ycmTriggerVersion1Flow,
	webhookNodeFlow,
	handBuiltFlow,
};
