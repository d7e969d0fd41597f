import { describeSecretProblem } from '../../nodes/YcmTrigger/secret';
import { YcmTrigger } from '../../nodes/YcmTrigger/YcmTrigger.node';
import { manifest } from './helpers/fixtures';

const WHERE = 'Copy it again from YCM > System > API > Webhook Event Push.';

describe('describeSecretProblem', () => {
	it('accepts a 32-character secret', () => {
		expect(describeSecretProblem(manifest.secret)).toBeUndefined();
	});

	it.each([
		['missing', undefined, `Secret is missing. ${WHERE}`],
		['empty', '', `Secret is missing. ${WHERE}`],
		['a number', 12345, `Secret must be text, not number. ${WHERE}`],
		['31 characters', 'a'.repeat(31), `Secret must be exactly 32 characters (it has 31). ${WHERE}`],
		['33 characters', 'a'.repeat(33), `Secret must be exactly 32 characters (it has 33). ${WHERE}`],
	])('rejects a secret that is %s', (_case, secret, message) => {
		expect(describeSecretProblem(secret)).toBe(message);
	});

	it('points at whitespace from a careless copy', () => {
		expect(describeSecretProblem(`${manifest.secret.slice(0, 31)}\n`)).toBe(
			'Secret contains whitespace at position 32, which YCM never generates; it was probably ' +
				`copied with a space or line break. ${WHERE}`,
		);
	});

	it('counts characters, not UTF-16 units', () => {
		expect(describeSecretProblem('😀'.repeat(32))).toBeUndefined();
	});

	it('names the field it checks', () => {
		expect(describeSecretProblem('', 'Previous secret')).toBe(
			`Previous secret is missing. ${WHERE}`,
		);
	});
});

describe('credential test ycmWebhookSecretTest', () => {
	const test = new YcmTrigger().methods.credentialTest.ycmWebhookSecretTest;

	function credential(secret: unknown) {
		return { id: '1', name: 'YCM', type: 'ycmWebhookApi', data: { secret } };
	}

	it('passes a well-formed secret without calling anything', async () => {
		const result = await test.call({} as never, credential(manifest.secret) as never);

		expect(result).toEqual({
			status: 'OK',
			message:
				'The secret has the shape YCM generates. Whether it is the right one shows with the first delivery.',
		});
	});

	it('says exactly what is wrong', async () => {
		const result = await test.call({} as never, credential(manifest.secret.slice(2)) as never);

		expect(result).toEqual({
			status: 'Error',
			message: `Secret must be exactly 32 characters (it has 30). ${WHERE}`,
		});
	});
});
