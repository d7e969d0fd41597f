import type { YcmElement } from '../../nodes/YcmTrigger/events';
import {
	EVENT_SELECTIONS,
	isSubscribed,
	readSelections,
} from '../../nodes/YcmTrigger/subscription';
import { YcmTrigger } from '../../nodes/YcmTrigger/YcmTrigger.node';

const didDelete: YcmElement = {
	eventType: 'didChange',
	event: 'did_delete',
	sn: 'S',
	updateTime: 1,
	dids: [],
};
const capacity: YcmElement = {
	eventType: 'capacityChange',
	sn: 'S',
	updateTime: 1,
	modifier: null,
	capacity: {},
};
const test: YcmElement = { eventType: 'connectivityTest', event: 'test', message: null };
const unknown: YcmElement = { eventType: 'unknown', sn: null, updateTime: null, element: 1 };

describe('isSubscribed', () => {
	it.each<[string, string[], YcmElement, boolean]>([
		['all events', ['*'], unknown, true],
		['all DID reasons', ['didChange'], didDelete, true],
		['the matching reason', ['didChange.did_delete'], didDelete, true],
		['another reason', ['didChange.did_change', 'didChange.pce_delete'], didDelete, false],
		['capacity only, for a DID change', ['capacityChange'], didDelete, false],
		['capacity', ['capacityChange'], capacity, true],
		['the connectivity test', ['connectivityTest'], test, true],
		['DID changes, for the test', ['didChange'], test, false],
		['unknown events', ['unknown'], unknown, true],
		[
			'known events, for an unknown one',
			['didChange', 'capacityChange', 'connectivityTest'],
			unknown,
			false,
		],
	])('%s', (_case, selections, element, expected) => {
		expect(isSubscribed(element, new Set(selections))).toBe(expected);
	});
});

describe('readSelections', () => {
	it('accepts every value the Events parameter offers', () => {
		const offered = new YcmTrigger().description.properties
			.find((property) => property.name === 'events')
			?.options?.map((option) => ('value' in option ? option.value : undefined));

		expect(offered?.slice().sort()).toEqual([...EVENT_SELECTIONS].sort());
		expect(readSelections(offered)).toEqual({ ok: true, selections: new Set(EVENT_SELECTIONS) });
	});

	it.each([
		[[], 'No event is selected.'],
		['*', 'No event is selected.'],
		[['didChange', 'didRemoved'], 'The event "didRemoved" is not one this node knows.'],
		[[7], 'The event "7" is not one this node knows.'],
	])('rejects %j', (value, problem) => {
		expect(readSelections(value)).toEqual({ ok: false, problem });
	});
});
