import type { JsonValue } from '../../nodes/YcmTrigger/events';
import { classifyElement } from '../../nodes/YcmTrigger/events';
import { parseDelivery } from '../../nodes/YcmTrigger/delivery';
import type { OutputMode } from '../../nodes/YcmTrigger/items';
import { buildItems, toIsoTime } from '../../nodes/YcmTrigger/items';
import { manifest, readBody } from './helpers/fixtures';

const DELIVERY_ID = '0123456789abcdef0123456789abcdef';
const DELIVERY = { deliveryId: DELIVERY_ID, signedWith: 'current' } as const;

function itemsOf(file: string, mode: OutputMode = 'perPbx') {
	const parsed = parseDelivery(readBody(file));
	if (!parsed.ok) throw new Error(parsed.reason);
	return buildItems(parsed.elements.map(classifyElement), mode, DELIVERY, {});
}

const LONDON = { trunkId: '12', trunkName: 'London SIP' };

describe('buildItems per Cloud PBX', () => {
	it.each(manifest.deliveries.map((delivery) => [delivery.name, delivery] as const))(
		'yields the manifest counts for %s',
		(_name, delivery) => {
			const items = itemsOf(delivery.file);

			expect(items.map((item) => ('eventType' in item ? item.eventType : 'delivery'))).toEqual(
				delivery.expect.eventTypes,
			);
			if (delivery.expect.didCounts !== undefined) {
				expect(items.map((item) => ('dids' in item ? item.dids.length : -1))).toEqual(
					delivery.expect.didCounts,
				);
			}
		},
	);

	it('types a DID change', () => {
		expect(itemsOf('did-change-one-pbx.json')).toEqual([
			{
				eventType: 'didChange',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36A1B2C3D4E5F6ZK',
				updateTime: 1764849600,
				updatedAt: '2025-12-04T12:00:00.000Z',
				event: 'did_change',
				dids: [
					{ did: '+44207951001', didId: '7001', ...LONDON },
					{ did: '+44207951002', didId: '7002', ...LONDON },
					{ did: '+44207951003', didId: '7003', ...LONDON },
				],
			},
		]);
	});

	it('keeps non-ASCII trunk names of a pretty-printed body', () => {
		const [, second] = itemsOf('did-change-two-pbx-pretty.json');

		expect(second).toMatchObject({
			event: 'did_delete',
			sn: '36Q9W8E7R6T5Y4ZK',
			dids: [
				{ did: '+44207951005', didId: '7005', trunkId: '31', trunkName: 'Zürich – Haupt' },
				{ did: '+44207951006', didId: '7006', trunkId: '31', trunkName: 'Zürich – Haupt' },
			],
		});
	});

	it('keeps a deleted Cloud PBX with an empty DID list', () => {
		expect(itemsOf('pce-delete-empty-list.json')).toEqual([
			{
				eventType: 'didChange',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36M1N2B3V4C5X6ZK',
				updateTime: 1764850100,
				updatedAt: '2025-12-04T12:08:20.000Z',
				event: 'pce_delete',
				dids: [],
			},
		]);
	});

	it('turns capacity strings into numbers and a flag', () => {
		expect(itemsOf('capacity-change-one-pbx.json')).toEqual([
			{
				eventType: 'capacityChange',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36A1B2C3D4E5F6ZK',
				updateTime: 1764851000,
				updatedAt: '2025-12-04T12:23:20.000Z',
				modifier: 'ops@example.com',
				capacity: {
					extensions: 50,
					transcription: 200,
					receptionist: 0,
					concurrentCalls: 20,
					enableCallRecording: true,
					receptionist_pack: 0,
					recordingCapacity: 10,
					transcription_pack: 1,
				},
			},
		]);
	});

	it('reads enableCallRecording "no" as false', () => {
		const [, second] = itemsOf('capacity-change-two-pbx.json');

		expect(second).toMatchObject({
			sn: '36Q9W8E7R6T5Y4ZK',
			capacity: { enableCallRecording: false, recordingCapacity: 0, extensions: 50 },
		});
	});

	it('types the connectivity test', () => {
		expect(itemsOf('connectivity-test.json')).toEqual([
			{
				eventType: 'connectivityTest',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: null,
				updateTime: null,
				updatedAt: null,
				event: 'test',
				message: 'This is a webhook connectivity test.',
			},
		]);
	});

	it('passes an unknown element on whole', () => {
		expect(itemsOf('unknown-element.json')).toEqual([
			{
				eventType: 'unknown',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36K1L2J3H4G5F6ZK',
				updateTime: 1764852000,
				updatedAt: '2025-12-04T12:40:00.000Z',
				element: { event: 'pbx_expire', sn: '36K1L2J3H4G5F6ZK', updateTime: 1764852000 },
			},
		]);
	});
});

describe('buildItems per DID', () => {
	it('splits a DID change into one item per DID', () => {
		expect(itemsOf('did-change-one-pbx.json', 'perDid')).toEqual(
			['1', '2', '3'].map((n) => ({
				eventType: 'didChange',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36A1B2C3D4E5F6ZK',
				updateTime: 1764849600,
				updatedAt: '2025-12-04T12:00:00.000Z',
				event: 'did_change',
				did: `+4420795100${n}`,
				didId: `700${n}`,
				...LONDON,
			})),
		);
	});

	it('keeps one item with null DID fields when none is left', () => {
		expect(itemsOf('pce-delete-empty-list.json', 'perDid')).toEqual([
			{
				eventType: 'didChange',
				deliveryId: DELIVERY_ID,
				signedWith: 'current',
				sn: '36M1N2B3V4C5X6ZK',
				updateTime: 1764850100,
				updatedAt: '2025-12-04T12:08:20.000Z',
				event: 'pce_delete',
				did: null,
				didId: null,
				trunkId: null,
				trunkName: null,
			},
		]);
	});

	it('leaves other events one item per Cloud PBX', () => {
		const items = itemsOf('mixed-did-and-capacity.json', 'perDid');

		expect(items.map((item) => ('eventType' in item ? item.eventType : ''))).toEqual([
			'didChange',
			'capacityChange',
		]);
	});
});

describe('buildItems per delivery', () => {
	it('wraps all events into one item', () => {
		const [item] = itemsOf('did-change-two-pbx-pretty.json', 'perDelivery');

		expect(Object.keys(item)).toEqual(['deliveryId', 'signedWith', 'events']);
		expect(item).toMatchObject({
			deliveryId: DELIVERY_ID,
			events: [
				{ eventType: 'didChange', sn: '36A1B2C3D4E5F6ZK' },
				{ eventType: 'didChange', sn: '36Q9W8E7R6T5Y4ZK' },
			],
		});
	});

	it('puts request extras on the delivery item only', () => {
		const parsed = parseDelivery(readBody('capacity-change-two-pbx.json'));
		if (!parsed.ok) throw new Error(parsed.reason);
		const elements = parsed.elements.map(classifyElement);

		const [item] = buildItems(elements, 'perDelivery', DELIVERY, { rawBody: 'body' });

		expect(item).toMatchObject({ rawBody: 'body' });
		expect('events' in item && item.events.some((event) => 'rawBody' in event)).toBe(false);
	});
});

describe('toIsoTime', () => {
	it.each([
		[0, '1970-01-01T00:00:00.000Z'],
		[1764849600, '2025-12-04T12:00:00.000Z'],
		[1764849600.5, '2025-12-04T12:00:00.500Z'],
		[null, null],
		[1e15, null],
	])('converts %p', (seconds, iso) => {
		expect(toIsoTime(seconds)).toBe(iso);
	});
});

describe('classifyElement edge shapes', () => {
	const did = { did: '+4930123', didId: 7, trunkId: 12, trunkName: 'Berlin' };
	const didChange = { event: 'did_change', sn: 'SN1', trunkDidInfoList: [did], updateTime: 1 };

	it('turns numeric IDs into strings', () => {
		expect(classifyElement(didChange)).toEqual({
			eventType: 'didChange',
			event: 'did_change',
			sn: 'SN1',
			updateTime: 1,
			dids: [{ did: '+4930123', didId: '7', trunkId: '12', trunkName: 'Berlin' }],
		});
	});

	it('keeps a DID change with a reason YCM adds later', () => {
		expect(classifyElement({ ...didChange, event: 'did_move' })).toMatchObject({
			eventType: 'didChange',
			event: 'did_move',
		});
	});

	it.each<[string, JsonValue]>([
		['a numeric DID', { ...didChange, trunkDidInfoList: [{ ...did, did: 4930123 }] }],
		['a DID list that is no list', { ...didChange, trunkDidInfoList: {} }],
		['a time given as text', { ...didChange, updateTime: '1764849600' }],
		['an empty serial number', { ...didChange, sn: '' }],
		[
			'a capacity value that is an object',
			{ sn: 'SN1', updateTime: 1, repository: { extensions: {} } },
		],
		['a number', 42],
		['null', null],
		['an array', [didChange]],
	])('treats %s as unknown', (_case, element) => {
		expect(classifyElement(element)).toMatchObject({ eventType: 'unknown', element });
	});

	it('keeps capacity text that is not a number', () => {
		expect(
			classifyElement({
				sn: 'SN1',
				updateTime: 1,
				repository: { extensions: 'unlimited', enableCallRecording: 'Enabled', region: 'EU' },
			}),
		).toEqual({
			eventType: 'capacityChange',
			sn: 'SN1',
			updateTime: 1,
			modifier: null,
			capacity: { extensions: 'unlimited', enableCallRecording: true, region: 'EU' },
		});
	});

	it('reads Disabled as false, as YCM REST API spells it', () => {
		expect(
			classifyElement({
				sn: 'SN1',
				updateTime: 1,
				repository: { enableCallRecording: 'Disabled' },
			}),
		).toMatchObject({ capacity: { enableCallRecording: false } });
	});
});
