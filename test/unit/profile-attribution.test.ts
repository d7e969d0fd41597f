// The benchmark's profile script charges CPU samples to places. These tests pin how a stack is
// charged, on a small profile built by hand.

type ProfileNode = {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
};
type CpuProfile = {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
};
type Attribution = {
	attribute: (profile: CpuProfile, from: number, to: number) => { [place: string]: number };
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { attribute } = require('../../bench/profile-attribution') as Attribution;

const MODULES = '/srv/n8n/node_modules';

function frame(id: number, functionName: string, url: string, children: number[] = []) {
	return { id, callFrame: { functionName, url }, children };
}

const nodes: ProfileNode[] = [
	frame(1, '(root)', '', [2, 5, 7, 8, 9, 11]),
	frame(
		2,
		'webhook',
		`${MODULES}/n8n-nodes-yeastar-ycm/dist/nodes/YcmTrigger/YcmTrigger.node.js`,
		[3, 4],
	),
	frame(3, 'Hmac', 'node:internal/crypto/hash'),
	frame(4, 'acquire', `${MODULES}/@n8n/expression-runtime/dist/cjs/pool/isolate-pool.js`),
	frame(5, 'parseBody', `${MODULES}/n8n/dist/middlewares/body-parser.js`, [6, 10]),
	frame(6, 'parse', ''),
	frame(7, '(idle)', ''),
	frame(8, '(garbage collector)', ''),
	frame(9, 'toString', ''),
	frame(10, 'run', `${MODULES}/sqlite3/lib/sqlite3.js`),
	frame(11, 'getDecrypted', `${MODULES}/n8n/dist/credentials-helper.js`),
];

/** Builds a profile with one sample per listed node, 10 µs apart, from 1,000 µs. */
function profileOf(samples: number[]): CpuProfile {
	return {
		nodes,
		startTime: 1000,
		endTime: 1000 + 10 * (samples.length + 1),
		samples,
		timeDeltas: samples.map(() => 10),
	};
}

describe('profile attribution', () => {
	it('charges each frame to its place', () => {
		const profile = profileOf([3, 4, 6, 7, 8, 9, 10, 11, 2]);

		// The last sample has no successor, so no duration.
		expect(attribute(profile, 0, Number.MAX_SAFE_INTEGER)).toEqual({
			'YCM Trigger code': 10,
			'expression isolates': 10,
			'n8n and its libraries': 10,
			idle: 10,
			'garbage collection': 10,
			'Node.js internals': 10,
			database: 10,
			credentials: 10,
		});
	});

	it("charges Node.js frames to the node's caller", () => {
		const totals = attribute(profileOf([3, 3, 3]), 0, Number.MAX_SAFE_INTEGER);

		expect(totals).toEqual({ 'YCM Trigger code': 20 });
	});

	it('ignores Object method names', () => {
		const totals = attribute(profileOf([9, 9]), 0, Number.MAX_SAFE_INTEGER);

		expect(totals).toEqual({ 'Node.js internals': 10 });
	});

	it('counts only samples inside the window', () => {
		// Samples at 1,010, 1,020, 1,030 and 1,040 µs.
		const totals = attribute(profileOf([7, 8, 3, 6]), 1015, 1035);

		expect(totals).toEqual({ 'garbage collection': 10, 'YCM Trigger code': 10 });
	});
});
