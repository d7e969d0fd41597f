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
		description: 'The events that start the workflow. Others get a 200 response and start nothing.',
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
