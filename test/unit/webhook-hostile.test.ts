import { MAX_UNKNOWN_NESTING, nestsDeeperThan } from '../../nodes/YcmTrigger/events';
import { computeSignature } from '../../nodes/YcmTrigger/signature';
import { manifest, readBody, signedBytes } from './helpers/fixtures';
import { emittedItems, runWebhook } from './helpers/webhook-context';

const credential = { secret: manifest.secret };

function signedText(text: string) {
	return signedBytes(Buffer.from(text));
}

function nested(levels: number): string {
	return '['.repeat(levels) + ']'.repeat(levels);
}

describe('hostile input', () => {
	it('rejects an unknown element nested too deep', async () => {
		const run = await runWebhook(signedText(`[${nested(MAX_UNKNOWN_NESTING + 1)}]`), {
			credential,
		});

		expect(run.sent).toEqual({
			statusCode: 400,
			body: {
				status: 'rejected',
				reason: 'An element of unknown shape nests deeper than 64 levels.',
			},
		});
	});

	it('accepts an unknown element at the nesting limit', async () => {
		const run = await runWebhook(signedText(`[${nested(MAX_UNKNOWN_NESTING)}]`), { credential });

		expect(emittedItems(run)).toHaveLength(1);
	});

	it('rejects a hundred thousand levels quickly', async () => {
		const run = await runWebhook(signedText(`[${nested(100_000)}]`), { credential });

		expect(run.sent?.statusCode).toBe(400);
	});

	it('rejects many signature headers joined by Node', async () => {
		const { rawBody, headers } = signedText('[]');
		const joined = Array.from({ length: 100 }, () => headers['x-signature']).join(', ');

		const run = await runWebhook({ rawBody, headers: { 'x-signature': joined } }, { credential });

		expect(run.sent).toEqual({
			statusCode: 401,
			body: {
				status: 'rejected',
				reason: 'The X-Signature header is not one Base64 HMAC-SHA256 signature.',
			},
		});
	});

	it('accepts an empty array without an execution', async () => {
		const run = await runWebhook(signedText('[]'), { credential });

		expect(run.result.workflowData).toBeUndefined();
		expect(run.result.webhookResponse).toMatchObject({ status: 'ignored' });
	});

	it('accepts a body that starts with a byte order mark', async () => {
		const rawBody = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readBody('trunk-delete.json')]);
		const headers = { 'x-signature': computeSignature(rawBody, manifest.secret) };

		const run = await runWebhook({ rawBody, headers }, { credential });

		expect(emittedItems(run).map((item) => item.sn)).toEqual(['36Z0X9C8V7B6N5ZK']);
	});

	it('keeps escaped Unicode as the sender wrote it', async () => {
		const run = await runWebhook(
			signedText(
				'[{"event":"did_change","sn":"S1","trunkDidInfoList":[{"did":"0049","didId":"1","trunkId":"2","trunkName":"K\\u00f6ln \\ud83d\\udcde"}],"updateTime":1}]',
			),
			{ credential },
		);

		expect(emittedItems(run)[0].dids).toEqual([
			{ did: '0049', didId: '1', trunkId: '2', trunkName: 'Köln 📞' },
		]);
	});
});

describe('nestsDeeperThan', () => {
	it.each([
		[1, 0, false],
		[[], 0, true],
		[[], 1, false],
		[{ a: [{}] }, 2, true],
		[{ a: [{}] }, 3, false],
	])('%j deeper than %i is %p', (value, limit, expected) => {
		expect(nestsDeeperThan(value, limit)).toBe(expected);
	});
});
