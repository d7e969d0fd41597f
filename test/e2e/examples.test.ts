import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nInstallation, N8nServer, StoredExecution } from '../../scripts/lib';
import {
	ensureN8nInstalled,
	loadSampleDeliveries,
	PROJECT_ROOT,
	sendDelivery,
	signBody,
	startN8n,
} from '../../scripts/lib';

// Runs the workflows in examples/ in a real n8n with signed sample deliveries.
//
// The examples post to Slack, append to Google Sheets and send email, which would need accounts
// and the network. The test replaces only those nodes: each becomes an Edit Fields (Set) node
// with the same name and connections whose fields are the values the original node would send,
// written with the same expressions (see SERVICE_FIELDS). Its output items are therefore
// exactly what Slack, Google Sheets or the mail server would receive, and the test asserts them.

const INSTALL_AND_START_TIMEOUT_MS = 15 * 60_000;
const TEST_TIMEOUT_MS = 60_000;

const TRIGGER_TYPE = 'n8n-nodes-yeastar-ycm.ycmTrigger';

/** n8n's own nodes that run without an outside service, which the test keeps as they are. */
const CORE_NODE_TYPES = ['n8n-nodes-base.if', 'n8n-nodes-base.set', 'n8n-nodes-base.noOp'];

type Parameters = Record<string, unknown>;

type WorkflowNode = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	webhookId?: string;
	parameters: Parameters;
	credentials?: Record<string, { id: string; name: string }>;
};

type Workflow = { id: string; name: string; nodes: WorkflowNode[] } & Record<string, unknown>;

type Item = Record<string, unknown>;

function field(parameters: Parameters, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(value, key) =>
				typeof value === 'object' && value !== null
					? (value as Record<string, unknown>)[key]
					: undefined,
			parameters,
		);
}

function columnsOf(parameters: Parameters): Record<string, unknown> {
	const columns = field(parameters, 'columns.value');
	if (typeof columns !== 'object' || columns === null) {
		throw new Error('The Google Sheets node has no columns to map.');
	}
	return columns as Record<string, unknown>;
}

/** For each outside service: the fields that carry what the node sends, by parameter. */
const SERVICE_FIELDS: Record<string, (parameters: Parameters) => Record<string, unknown>> = {
	'n8n-nodes-base.slack': (parameters) => ({
		channel: field(parameters, 'channelId.value'),
		text: parameters.text,
	}),
	'n8n-nodes-base.googleSheets': (parameters) => ({
		sheet: field(parameters, 'sheetName.value'),
		...columnsOf(parameters),
	}),
	'n8n-nodes-base.emailSend': (parameters) => ({
		to: parameters.toEmail,
		subject: parameters.subject,
		text: parameters.text,
	}),
};

/** Builds the Edit Fields (Set) node that replaces a node of an outside service. */
function standIn(node: WorkflowNode, fields: Record<string, unknown>): WorkflowNode {
	const assignments = Object.entries(fields).map(([name, value], index) => {
		if (typeof value !== 'string') {
			throw new Error(`${node.name}: the value of ${name} is not text (${JSON.stringify(value)}).`);
		}
		return { id: `${node.id}-${index}`, name, value, type: 'string' };
	});
	return {
		id: node.id,
		name: node.name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: node.position,
		parameters: { assignments: { assignments }, options: {} },
	};
}

type Example = {
	workflow: Workflow;
	/** The nodes as the example ships them, before the outside services are replaced. */
	shippedNodes: WorkflowNode[];
	webhookId: string;
	serviceNode: string;
};

/** Reads an example, checks that every node is known, and replaces its outside services. */
function loadExample(file: string): Example {
	const workflow = JSON.parse(
		readFileSync(join(PROJECT_ROOT, 'examples', file), 'utf8'),
	) as Workflow;
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (trigger?.webhookId === undefined)
		throw new Error(`${file} has no YCM Trigger with a webhookId.`);

	const services = workflow.nodes.filter((node) => node.type in SERVICE_FIELDS);
	const unknown = workflow.nodes.filter(
		(node) =>
			node.type !== TRIGGER_TYPE &&
			!CORE_NODE_TYPES.includes(node.type) &&
			!(node.type in SERVICE_FIELDS),
	);
	if (unknown.length > 0) {
		throw new Error(
			`${file} uses ${unknown.map((node) => node.type).join(', ')}: add it to CORE_NODE_TYPES ` +
				'if it needs no outside service, or to SERVICE_FIELDS with the fields it sends.',
		);
	}
	if (services.length !== 1) throw new Error(`${file} should call exactly one outside service.`);

	const shippedNodes = workflow.nodes;
	workflow.nodes = workflow.nodes.map((node) =>
		node.type in SERVICE_FIELDS ? standIn(node, SERVICE_FIELDS[node.type](node.parameters)) : node,
	);
	return { workflow, shippedNodes, webhookId: trigger.webhookId, serviceNode: services[0].name };
}

const examples = {
	slack: loadExample('did-change-to-slack.workflow.json'),
	sheets: loadExample('did-changes-to-google-sheets.workflow.json'),
	capacity: loadExample('capacity-alert-by-email.workflow.json'),
};

const samples = loadSampleDeliveries();
let installation: N8nInstallation;
let server: N8nServer;

function sampleBody(name: string): Buffer {
	const delivery = samples.deliveries.find((entry) => entry.name === name);
	if (delivery === undefined) throw new Error(`No sample delivery named ${name}.`);
	return delivery.body;
}

function exampleFixture(file: string): Buffer {
	return readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'examples', file));
}

/** Sends a signed delivery to an example and returns the deliveryId and the run it started. */
async function deliver(
	example: Example,
	body: Buffer,
): Promise<{ deliveryId: unknown; execution: StoredExecution }> {
	const before = await countExecutions(example);
	const response = await sendDelivery({
		url: server.productionUrl(example.webhookId),
		body,
		signature: signBody(body, samples.secret),
	});
	expect(response.status).toBe(200);

	const executions = (await server.database.waitForSettledExecutions({ quietMs: 500 })).filter(
		(execution) => execution.workflowId === example.workflow.id,
	);
	expect(executions).toHaveLength(before + 1);
	const execution = executions[executions.length - 1];
	expect(execution.status).toBe('success');
	return { deliveryId: (JSON.parse(response.body) as Item).deliveryId, execution };
}

async function countExecutions(example: Example): Promise<number> {
	const executions = await server.database.listExecutions();
	return executions.filter((execution) => execution.workflowId === example.workflow.id).length;
}

function log(message: string): void {
	process.stderr.write(`[examples] ${message}\n`);
}

beforeAll(async () => {
	installation = ensureN8nInstalled({ log });
	const credential = examples.slack.workflow.nodes.find((node) => node.type === TRIGGER_TYPE)
		?.credentials?.ycmWebhookApi;
	if (credential === undefined) throw new Error('The Slack example has no YCM credential.');

	server = await startN8n({
		installation,
		credentials: [{ ...credential, type: 'ycmWebhookApi', data: { secret: samples.secret } }],
		workflows: Object.values(examples).map((example) => example.workflow),
		log,
	});
}, INSTALL_AND_START_TIMEOUT_MS);

afterAll(async () => {
	if (server !== undefined) await server.stop();
});

describe('example workflows in a real n8n', () => {
	jest.setTimeout(TEST_TIMEOUT_MS);

	it('use node versions this n8n has', () => {
		// n8n-nodes-base lists every node it contains with the versions each supports, and the
		// editor offers the same list. Names there drop the package prefix.
		const nodeTypes = JSON.parse(
			readFileSync(
				join(installation.folder, 'node_modules', 'n8n-nodes-base', 'dist', 'types', 'nodes.json'),
				'utf8',
			),
		) as Array<{ name: string; version: number | number[] }>;
		const versionsOf = (type: string) =>
			nodeTypes
				.filter((nodeType) => `n8n-nodes-base.${nodeType.name}` === type)
				.flatMap((nodeType) => [nodeType.version].flat());

		for (const example of Object.values(examples)) {
			for (const node of example.shippedNodes.filter((entry) => entry.type !== TRIGGER_TYPE)) {
				expect({ node: node.name, versions: versionsOf(node.type) }).toEqual({
					node: node.name,
					versions: expect.arrayContaining([node.typeVersion]),
				});
			}
		}
	});

	describe('DID change to Slack', () => {
		it('posts one message per Cloud PBX', async () => {
			const { execution } = await deliver(examples.slack, sampleBody('did-change-two-pbx-pretty'));

			expect(execution.outputs[examples.slack.serviceNode]).toEqual([
				{
					channel: '#pbx-changes',
					text:
						'DIDs of Cloud PBX 36A1B2C3D4E5F6ZK changed (did_change) at ' +
						'2025-12-04T12:01:00.000Z.\nDIDs now: +44207951004 (London SIP)',
				},
				{
					channel: '#pbx-changes',
					text:
						'DIDs of Cloud PBX 36Q9W8E7R6T5Y4ZK changed (did_delete) at ' +
						'2025-12-04T12:01:00.000Z.\nDIDs now: +44207951005 (Zürich – Haupt), ' +
						'+44207951006 (Zürich – Haupt)',
				},
			]);
		});

		it('says when no DID is left', async () => {
			const { execution } = await deliver(examples.slack, sampleBody('pce-delete-empty-list'));

			expect(execution.outputs[examples.slack.serviceNode]).toEqual([
				{
					channel: '#pbx-changes',
					text:
						'DIDs of Cloud PBX 36M1N2B3V4C5X6ZK changed (pce_delete) at ' +
						'2025-12-04T12:08:20.000Z.\nNo DIDs are left.',
				},
			]);
		});
	});

	describe('DID changes to Google Sheets', () => {
		it('appends one row per DID', async () => {
			const { deliveryId, execution } = await deliver(
				examples.sheets,
				sampleBody('did-change-two-pbx-pretty'),
			);

			const row = (serial: string, event: string, did: string, trunk: string) => ({
				sheet: 'DID changes',
				'Time (UTC)': '2025-12-04T12:01:00.000Z',
				'PBX serial': serial,
				Event: event,
				DID: did,
				Trunk: trunk,
				'Delivery ID': deliveryId,
			});
			expect(execution.outputs[examples.sheets.serviceNode]).toEqual([
				row('36A1B2C3D4E5F6ZK', 'did_change', '+44207951004', 'London SIP'),
				row('36Q9W8E7R6T5Y4ZK', 'did_delete', '+44207951005', 'Zürich – Haupt'),
				row('36Q9W8E7R6T5Y4ZK', 'did_delete', '+44207951006', 'Zürich – Haupt'),
			]);
		});

		it('appends an empty DID for a deleted PBX', async () => {
			const { deliveryId, execution } = await deliver(
				examples.sheets,
				sampleBody('pce-delete-empty-list'),
			);

			expect(execution.outputs[examples.sheets.serviceNode]).toEqual([
				{
					sheet: 'DID changes',
					'Time (UTC)': '2025-12-04T12:08:20.000Z',
					'PBX serial': '36M1N2B3V4C5X6ZK',
					Event: 'pce_delete',
					DID: '',
					Trunk: '',
					'Delivery ID': deliveryId,
				},
			]);
		});
	});

	describe('capacity alert by email', () => {
		it('alerts only for a PBX below 10 calls', async () => {
			const { deliveryId, execution } = await deliver(
				examples.capacity,
				exampleFixture('capacity-change-below-threshold.json'),
			);

			expect(execution.outputs[examples.capacity.serviceNode]).toEqual([
				{
					to: 'pbx-admins@example.com',
					subject: 'Cloud PBX 36A1B2C3D4E5F6ZK now allows 4 concurrent calls',
					text:
						'ops@example.com changed the capacity of Cloud PBX 36A1B2C3D4E5F6ZK at ' +
						'2025-12-04T13:30:00.000Z.\nConcurrent calls: 4, below the alert threshold.\n' +
						`Extensions: 20\nYCM delivery: ${String(deliveryId)}`,
				},
			]);
		});

		it('sends nothing at or above 10 calls', async () => {
			const { execution } = await deliver(examples.capacity, sampleBody('capacity-change-two-pbx'));

			expect(execution.outputs).not.toHaveProperty([examples.capacity.serviceNode]);
			expect(execution.outputs['YCM Trigger']).toHaveLength(2);
		});
	});
});
