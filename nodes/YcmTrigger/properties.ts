import type { INodeProperties } from 'n8n-workflow';

/** The parameters of the YCM Trigger, in the order the editor shows them. */
export const triggerProperties: INodeProperties[] = [
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
		hint: 'Same as Request Method of the webhook in YCM',
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
				action: 'On any YCM event',
				description: 'Every event YCM sends, including kinds this node does not know yet',
			},
			{
				name: 'Connectivity Test',
				value: 'connectivityTest',
				action: 'On the connectivity test',
				description: "The message YCM's Test button sends",
			},
			{
				name: 'PCE Capacity Change',
				value: 'capacityChange',
				action: 'On PCE Capacity Change',
				description: 'A Cloud PBX got its capacity at creation, or was resized',
			},
			{
				name: 'PCE DID Change (Any Reason)',
				value: 'didChange',
				action: 'On PCE DID Change (any reason)',
				description: 'The DIDs of a Cloud PBX changed, for any of the reasons below',
			},
			{
				name: 'PCE DID Change: Cloud PBX Deleted',
				value: 'didChange.pce_delete',
				action: 'On PCE DID Change: Cloud PBX deleted',
				description: 'The Cloud PBX itself was deleted',
			},
			{
				name: 'PCE DID Change: DIDs Assigned or Removed',
				value: 'didChange.did_change',
				action: 'On PCE DID Change: DIDs assigned or removed',
				description: 'DIDs were assigned or removed while creating or editing the Cloud PBX',
			},
			{
				name: 'PCE DID Change: DIDs Deleted',
				value: 'didChange.did_delete',
				action: 'On PCE DID Change: DIDs deleted',
				description: 'Assigned DIDs were deleted from their trunks',
			},
			{
				name: 'PCE DID Change: Trunk Deleted',
				value: 'didChange.trunk_delete',
				action: 'On PCE DID Change: trunk deleted',
				description: 'Trunks that held DIDs of the Cloud PBX were deleted',
			},
			{
				name: 'Unknown Events',
				value: 'unknown',
				action: 'On an event of unknown shape',
				description: 'Elements of a shape this node does not know, passed on whole',
			},
		],
		default: ['*'],
		description: 'The events that start the workflow. Others get a 200 response and start nothing.',
		hint: 'YCM sends only the events ticked under Event in its webhook settings, so tick these there too',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Ignore Retries Within (Minutes)',
				name: 'retryWindow',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					'A delivery whose deliveryId was already accepted this many minutes ago or less gets a 200 response and starts nothing. Best effort: two copies arriving at the same moment can both run.',
			},
			{
				displayName: 'Include Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: false,
				description:
					'Whether to add the request headers to every item as `headers` (X-Signature, Authorization, Proxy-Authorization and Cookie are always left out)',
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
				displayName: 'Maximum Event Age (Minutes)',
				name: 'maxEventAge',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description:
					"Events whose updateTime is older than this, or more than 5 minutes ahead of n8n's clock, get a 200 response (so YCM stops retrying) and start nothing",
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
];

/** Maps each value of the Events parameter to its name in the list. */
function eventNamesByValue(): Record<string, string> {
	const events = triggerProperties.find((property) => property.name === 'events');
	const names: Record<string, string> = {};
	for (const option of events?.options ?? []) {
		if ('value' in option) names[String(option.value)] = option.name;
	}
	return names;
}

/**
 * The subtitle under the node on the canvas: the selected events by their names in the Events
 * list. n8n evaluates it as an expression, so the names are written into it as a lookup table.
 */
export const triggerSubtitle = `={{ ($parameter["events"] || []).map((event) => (${JSON.stringify(
	eventNamesByValue(),
)})[event] || event).join(", ") }}`;
