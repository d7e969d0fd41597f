'use strict';

// Charges the samples of a V8 CPU profile (the .cpuprofile JSON that --cpu-prof writes) to the
// places that spent them: the YCM Trigger's code, n8n's expression isolates, and so on.

const PACKAGE_NAME = 'n8n-nodes-yeastar-ycm';

/**
 * The places a sample's time is charged to, decided by the innermost stack frame that belongs to
 * a known place. Frames of Node.js itself and of V8 builtins (no URL) pass the decision to their
 * caller, so the HMAC that the node computes counts as the node's and n8n's JSON.parse as n8n's.
 */
const CATEGORIES = [
	{ name: 'YCM Trigger code', matches: (url) => url.includes(`/${PACKAGE_NAME}/`) },
	{
		name: 'expression isolates',
		matches: (url) => url.includes('/isolated-vm/') || url.includes('/expression-runtime/'),
	},
	{
		name: 'credentials',
		matches: (url) => /credentials(-helper)?\.js$|\/credentials\//.test(url),
	},
	{ name: 'database', matches: (url) => /\/(typeorm|sqlite3|@n8n\/typeorm)\//.test(url) },
	{ name: 'n8n and its libraries', matches: (url) => url.includes('/node_modules/') },
];
const SPECIAL_FRAMES = {
	'(idle)': 'idle',
	'(garbage collector)': 'garbage collection',
	'(program)': 'V8 and Node.js (unattributed)',
};
const OTHER = 'Node.js internals';

/** Returns a function that names the category of a profile node, memoised per node id. */
function categoriser(profile) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map();
	for (const node of profile.nodes) {
		for (const child of node.children ?? []) parents.set(child, node.id);
	}
	const memo = new Map();

	const categorise = (id) => {
		if (memo.has(id)) return memo.get(id);
		const { callFrame } = nodes.get(id);
		let category = Object.hasOwn(SPECIAL_FRAMES, callFrame.functionName)
			? SPECIAL_FRAMES[callFrame.functionName]
			: undefined;
		if (category === undefined) {
			const url = callFrame.url;
			const isNodeInternal = url === '' || url.startsWith('node:');
			category = isNodeInternal
				? undefined
				: (CATEGORIES.find((entry) => entry.matches(url))?.name ?? OTHER);
			if (category === undefined) {
				const parent = parents.get(id);
				category = parent === undefined ? OTHER : categorise(parent);
			}
		}
		memo.set(id, category);
		return category;
	};
	return categorise;
}

/** Sums the main thread's time per category over samples taken between `from` and `to` (µs). */
function attribute(profile, from, to) {
	const categorise = categoriser(profile);
	const totals = {};
	let timestamp = profile.startTime;
	for (let index = 0; index < profile.samples.length; index += 1) {
		timestamp += profile.timeDeltas[index];
		// A sample covers the time until the next one.
		const next = profile.timeDeltas[index + 1] ?? 0;
		if (timestamp < from || timestamp > to) continue;
		const category = categorise(profile.samples[index]);
		totals[category] = (totals[category] ?? 0) + next;
	}
	return totals;
}

module.exports = { CATEGORIES, OTHER, SPECIAL_FRAMES, attribute };
