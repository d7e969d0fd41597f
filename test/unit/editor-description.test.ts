import type { INode, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { YcmTrigger } from '../../nodes/YcmTrigger/YcmTrigger.node';
import { triggerPanel } from '../../nodes/YcmTrigger/triggerPanel';

/** Evaluates the node's subtitle as the editor does, with n8n-workflow's expression engine. */
function subtitleFor(events: string[]): unknown {
	const trigger = new YcmTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => trigger,
		getByNameAndVersion: () => trigger,
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'a6f2c1d0-3b4e-4f5a-9c8d-7e6f5a4b3c2d',
		name: 'YCM Trigger',
		type: 'n8n-nodes-yeastar-ycm.ycmTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: { events },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const subtitle = trigger.description.subtitle ?? '';
	return workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {});
}

describe('subtitle', () => {
	it.each([
		[['*'], 'All Events'],
		[['didChange'], 'PCE DID Change (Any Reason)'],
		[['didChange.trunk_delete'], 'PCE DID Change: Trunk Deleted'],
		[['capacityChange', 'connectivityTest'], 'PCE Capacity Change, Connectivity Test'],
		[['unknown'], 'Unknown Events'],
	])('names events %j', (events, expected) => {
		expect(subtitleFor(events)).toBe(expected);
	});

	it('shows an unlisted value as it is', () => {
		expect(subtitleFor(['didChange.renamed_later'])).toBe('didChange.renamed_later');
	});

	it('is empty without events', () => {
		expect(subtitleFor([])).toBe('');
	});
});

describe('trigger panel', () => {
	const help = triggerPanel.executionsHelp;
	const setupHelp = typeof help === 'object' ? help.inactive : '';

	it.each([
		'System &gt; API',
		'Webhook Event Push',
		'<b>Add</b>',
		'<b>Webhook URL</b>',
		'<b>Secret</b>',
		'<b>Request Method</b>',
		'<b>Event</b>',
		'<b>Test</b>',
		'<b>Test URL</b>',
		'<b>Production URL</b>',
	])('setup steps name %s', (label) => {
		expect(setupHelp).toContain(label);
	});

	it('lists the steps before going live', () => {
		expect(setupHelp.indexOf('Webhook Event Push')).toBeLessThan(setupHelp.indexOf('Go live'));
	});
});
