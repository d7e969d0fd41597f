import fc from 'fast-check';

import { createIsoTimeConverter, toIsoTime } from '../../nodes/YcmTrigger/iso-time';

/** The largest distance from 1970 that a Date can hold, in seconds. */
const MAX_DATE_SECONDS = 8.64e12;

/** Times a delivery can carry: whole seconds near today, anywhere, at the edges, or fractions. */
const updateTimeArbitrary = fc.oneof(
	fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
	fc.maxSafeInteger(),
	fc.integer({ min: -1000, max: 1000 }).map((offset) => MAX_DATE_SECONDS + offset),
	fc.integer({ min: -1000, max: 1000 }).map((offset) => -MAX_DATE_SECONDS + offset),
	fc.double({ min: -1e13, max: 1e13, noNaN: true }),
	fc.constant(null),
);

const RUNS = { numRuns: 2000 };

describe('createIsoTimeConverter properties', () => {
	it('matches toIsoTime for any sequence', () => {
		fc.assert(
			fc.property(fc.array(updateTimeArbitrary, { maxLength: 50 }), (updateTimes) => {
				const toIso = createIsoTimeConverter();
				for (const updateTime of updateTimes) {
					expect(toIso(updateTime)).toBe(toIsoTime(updateTime));
				}
			}),
			RUNS,
		);
	});

	it('matches toIsoTime for one day in order', () => {
		const toIso = createIsoTimeConverter();
		const midnight = 1_764_806_400;
		for (let second = -1; second <= 86_400; second += 1) {
			expect(toIso(midnight + second)).toBe(toIsoTime(midnight + second));
		}
	});
});

describe('createIsoTimeConverter edges', () => {
	it.each([
		[0, '1970-01-01T00:00:00.000Z'],
		[-1, '1969-12-31T23:59:59.000Z'],
		[-0, '1970-01-01T00:00:00.000Z'],
		[1764849600.5, '2025-12-04T12:00:00.500Z'],
		[MAX_DATE_SECONDS, '+275760-09-13T00:00:00.000Z'],
		[MAX_DATE_SECONDS + 1, null],
		[-MAX_DATE_SECONDS, '-271821-04-20T00:00:00.000Z'],
		[-MAX_DATE_SECONDS - 1, null],
		[null, null],
	])('converts %p', (updateTime, iso) => {
		expect(createIsoTimeConverter()(updateTime)).toBe(iso);
	});
});
