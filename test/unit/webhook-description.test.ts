import type { INode } from 'n8n-workflow';
import {
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
} from 'n8n-workflow';

import { buildWebhookDescription } from '../../nodes/YcmTrigger/webhook-description';
import { YcmTrigger } from '../../nodes/YcmTrigger/YcmTrigger.node';

const DESCRIPTION_MODULE = '../../nodes/YcmTrigger/webhook-description';
type WebhookDescriptionModule = typeof import('../../nodes/YcmTrigger/webhook-description');

const HTTP_METHOD_EXPRESSION = '={{$parameter["httpMethod"] || "POST"}}';

function nodeWith(parameters: INode['parameters']): Pick<INode, 'parameters'> {
	return { parameters };
}

describe('buildWebhookDescription', () => {
	it('keeps the expression the editor shows', () => {
		expect(buildWebhookDescription().httpMethod).toBe(HTTP_METHOD_EXPRESSION);
	});

	it('resolves the chosen method without the engine', () => {
		const resolution = resolveWebhookDescriptionField(
			nodeWith({ httpMethod: 'GET', events: ['*'], options: {} }),
			buildWebhookDescription(),
			'httpMethod',
		);

		expect(resolution).toEqual({ resolved: true, value: 'GET' });
	});

	it('resolves an unset method to POST', () => {
		const resolution = resolveWebhookDescriptionField(
			nodeWith({ events: ['*'] }),
			buildWebhookDescription(),
			'httpMethod',
		);

		expect(resolution).toEqual({ resolved: true, value: 'POST' });
	});

	it('leaves parameters with expressions to the engine', () => {
		const resolution = resolveWebhookDescriptionField(
			nodeWith({ httpMethod: '={{ "GET" }}' }),
			buildWebhookDescription(),
			'httpMethod',
		);

		expect(resolution).toEqual({ resolved: false });
	});

	it('needs the engine for no field', () => {
		expect(webhookDescriptionIsNativelyResolvable(buildWebhookDescription())).toBe(true);
	});

	it('falls back to the expression without resolvers', () => {
		jest.isolateModules(() => {
			// n8n 1.x ships an n8n-workflow without these two helpers.
			jest.doMock('n8n-workflow', () => ({
				...jest.requireActual('n8n-workflow'),
				fromParameter: undefined,
				webhookDescriptionFields: undefined,
			}));
			const isolated: WebhookDescriptionModule = require(DESCRIPTION_MODULE);

			const description = isolated.buildWebhookDescription();

			expect(description.httpMethod).toBe(HTTP_METHOD_EXPRESSION);
			expect(Object.getOwnPropertySymbols(description)).toEqual([]);
		});
	});
});

describe('YcmTrigger versions', () => {
	it('gives new nodes version 2 and keeps 1', () => {
		const { description } = new YcmTrigger();

		expect(description.version).toEqual([1, 2]);
		expect(description.defaultVersion).toBe(2);
	});

	it('declares the same webhook in both versions', () => {
		const [webhook] = new YcmTrigger().description.webhooks ?? [];

		expect(webhook).toMatchObject({
			name: 'default',
			httpMethod: HTTP_METHOD_EXPRESSION,
			responseMode: 'onReceived',
			responseData: '',
			path: 'webhook',
		});
	});
});
