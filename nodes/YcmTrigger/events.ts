/**
 * The shapes of what YCM sends, and type guards that turn parsed JSON into them.
 *
 * YCM elements carry no common type field, so each kind is identified by its shape. Anything that
 * matches no known shape is kept whole as an unknown element: once the signature checks out it
 * is authentic, and a new YCM event must reach the user rather than vanish.
 */

/** Any value JSON.parse can return. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** Reasons YCM gives in the `event` field of a PCE DID Change event. */
export const DID_CHANGE_REASONS = [
	'did_change',
	'did_delete',
	'trunk_delete',
	'pce_delete',
] as const;
export type DidChangeReason = (typeof DID_CHANGE_REASONS)[number];

export type YcmEventType = 'didChange' | 'capacityChange' | 'connectivityTest' | 'unknown';

/** One DID assigned to a Cloud PBX. IDs are strings even where YCM sent numbers. */
export type YcmDid = {
	did: string;
	didId: string;
	trunkId: string;
	trunkName: string;
};

/** The capacity keys that hold counts or amounts; their string values become numbers. */
export const NUMERIC_CAPACITY_KEYS = [
	'extensions',
	'concurrentCalls',
	'recordingCapacity',
	'transcription',
	'receptionist',
	'transcription_pack',
	'receptionist_pack',
] as const;

/**
 * A Cloud PBX's capacity after conversion. A known numeric key whose value is not a decimal
 * number, or an `enableCallRecording` that is not yes/no, keeps the text YCM sent. Keys YCM adds
 * later pass through unchanged.
 */
export type YcmCapacity = { [key: string]: number | boolean | string };

export type DidChangeElement = {
	eventType: 'didChange';
	event: string;
	sn: string;
	updateTime: number;
	dids: YcmDid[];
};

export type CapacityChangeElement = {
	eventType: 'capacityChange';
	sn: string;
	updateTime: number;
	modifier: string | null;
	capacity: YcmCapacity;
};

export type ConnectivityTestElement = {
	eventType: 'connectivityTest';
	event: 'test';
	message: string | null;
};

export type UnknownElement = {
	eventType: 'unknown';
	sn: string | null;
	updateTime: number | null;
	element: JsonValue;
};

export type YcmElement =
	DidChangeElement | CapacityChangeElement | ConnectivityTestElement | UnknownElement;

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSerialNumber(value: JsonValue | undefined): value is string {
	return typeof value === 'string' && value !== '';
}

function isUnixSeconds(value: JsonValue | undefined): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function isIdentifier(value: JsonValue | undefined): value is string | number {
	return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Reads one entry of `trunkDidInfoList`, or returns undefined when it is not a DID. */
function readDid(entry: JsonValue): YcmDid | undefined {
	if (!isJsonObject(entry)) return undefined;

	const { did, didId, trunkId, trunkName } = entry;
	// A DID number is text: as a JSON number it would already have lost its `+` or leading zeros.
	if (typeof did !== 'string') return undefined;
	if (!isIdentifier(didId) || !isIdentifier(trunkId)) return undefined;
	if (typeof trunkName !== 'string') return undefined;

	return {
		did,
		didId: typeof didId === 'string' ? didId : String(didId),
		trunkId: typeof trunkId === 'string' ? trunkId : String(trunkId),
		trunkName,
	};
}

function readDidChange(element: JsonObject): DidChangeElement | undefined {
	const { event, sn, trunkDidInfoList, updateTime } = element;
	if (typeof event !== 'string' || !isSerialNumber(sn) || !isUnixSeconds(updateTime)) {
		return undefined;
	}
	if (!Array.isArray(trunkDidInfoList)) return undefined;

	const dids: YcmDid[] = [];
	for (const entry of trunkDidInfoList) {
		const did = readDid(entry);
		if (did === undefined) return undefined;
		dids.push(did);
	}

	return { eventType: 'didChange', event, sn, updateTime, dids };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function toCapacityNumber(value: JsonValue): number | string | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value !== 'string') return undefined;
	return DECIMAL.test(value) ? Number(value) : value;
}

/** YCM's webhook sends yes/no, and its REST API returns Enabled/Disabled for the same setting. */
function toCallRecordingFlag(value: JsonValue): boolean | string | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value !== 'string') return undefined;

	const normalised = value.toLowerCase();
	if (normalised === 'yes' || normalised === 'enabled') return true;
	if (normalised === 'no' || normalised === 'disabled') return false;
	return value;
}

const NUMERIC_KEYS: ReadonlySet<string> = new Set(NUMERIC_CAPACITY_KEYS);

/** Converts `repository`, or returns undefined when a value is not text, a number or a flag. */
function readCapacity(repository: JsonObject): YcmCapacity | undefined {
	const capacity: YcmCapacity = {};
	for (const [key, value] of Object.entries(repository)) {
		let converted: number | boolean | string | undefined;
		if (NUMERIC_KEYS.has(key)) {
			converted = toCapacityNumber(value);
		} else if (key === 'enableCallRecording') {
			converted = toCallRecordingFlag(value);
		} else if (
			typeof value === 'string' ||
			typeof value === 'number' ||
			typeof value === 'boolean'
		) {
			converted = value;
		}
		if (converted === undefined) return undefined;
		capacity[key] = converted;
	}
	return capacity;
}

function readCapacityChange(element: JsonObject): CapacityChangeElement | undefined {
	const { modifier, repository, sn, updateTime } = element;
	if (!isSerialNumber(sn) || !isUnixSeconds(updateTime) || !isJsonObject(repository)) {
		return undefined;
	}
	if (modifier !== undefined && modifier !== null && typeof modifier !== 'string') {
		return undefined;
	}

	const capacity = readCapacity(repository);
	if (capacity === undefined) return undefined;

	return {
		eventType: 'capacityChange',
		sn,
		updateTime,
		modifier: typeof modifier === 'string' ? modifier : null,
		capacity,
	};
}

function readConnectivityTest(element: JsonObject): ConnectivityTestElement | undefined {
	if (element.event !== 'test') return undefined;

	const { message } = element;
	return {
		eventType: 'connectivityTest',
		event: 'test',
		message: typeof message === 'string' ? message : null,
	};
}

/** Tells the kind of one element by its shape. */
export function classifyElement(element: JsonValue): YcmElement {
	if (isJsonObject(element)) {
		const known =
			readConnectivityTest(element) ?? readDidChange(element) ?? readCapacityChange(element);
		if (known !== undefined) return known;
	}

	const sn = isJsonObject(element) && isSerialNumber(element.sn) ? element.sn : null;
	const updateTime =
		isJsonObject(element) && isUnixSeconds(element.updateTime) ? element.updateTime : null;
	return { eventType: 'unknown', sn, updateTime, element };
}

/**
 * Deepest nesting an unknown element may have. YCM's own events nest three levels; JSON.parse
 * copes with far more, but n8n saves item data with a recursive serialiser that fails at a few
 * thousand levels, so a deeper element would break the execution instead of reaching the user.
 */
export const MAX_UNKNOWN_NESTING = 64;

/** Tells whether a value nests arrays or objects deeper than `limit` levels; stops early. */
export function nestsDeeperThan(value: JsonValue, limit: number): boolean {
	const pending: Array<{ value: JsonValue; depth: number }> = [{ value, depth: 0 }];
	while (pending.length > 0) {
		const next = pending.pop();
		if (next === undefined || typeof next.value !== 'object' || next.value === null) continue;
		if (next.depth >= limit) return true;

		const children = Array.isArray(next.value) ? next.value : Object.values(next.value);
		for (const child of children) pending.push({ value: child, depth: next.depth + 1 });
	}
	return false;
}
