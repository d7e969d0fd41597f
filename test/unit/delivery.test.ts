import { parseDelivery } from '../../nodes/YcmTrigger/delivery';

describe('parseDelivery', () => {
	it('gives one element per array entry', () => {
		expect(parseDelivery(Buffer.from('[{"a":1},{"b":2}]'))).toEqual({
			ok: true,
			elements: [{ a: 1 }, { b: 2 }],
		});
	});

	it('wraps a single object', () => {
		expect(parseDelivery(Buffer.from('{"event":"test"}'))).toEqual({
			ok: true,
			elements: [{ event: 'test' }],
		});
	});

	it('accepts an empty array as no elements', () => {
		expect(parseDelivery(Buffer.from('[]'))).toEqual({ ok: true, elements: [] });
	});

	it('strips a UTF-8 byte order mark', () => {
		const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]);

		expect(parseDelivery(body)).toEqual({ ok: true, elements: [{ a: 1 }] });
	});

	it.each([
		['', 'The body is empty; YCM always sends a JSON array or object.'],
		[' \n', 'The body is empty; YCM always sends a JSON array or object.'],
		['{"sn":"36A1B2C3D4E5F6ZK"', 'The body is not valid JSON.'],
		['42', 'The body must be a JSON array or object, not number.'],
		['"text"', 'The body must be a JSON array or object, not string.'],
		['null', 'The body must be a JSON array or object, not null.'],
		['true', 'The body must be a JSON array or object, not boolean.'],
	])('rejects %j', (body, reason) => {
		expect(parseDelivery(Buffer.from(body))).toEqual({ ok: false, reason });
	});

	it('never quotes the body in its reason', () => {
		const result = parseDelivery(Buffer.from('{"secretValue": oops}'));

		expect(JSON.stringify(result)).not.toContain('secretValue');
	});
});
