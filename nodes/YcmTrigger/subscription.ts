import type { YcmElement } from './events';
import { DID_CHANGE_REASONS } from './events';

/**
 * The values of the node's Events parameter. `didChange` covers every reason, including reasons
 * YCM may add later; `didChange.<reason>` covers one.
 */
export const EVENT_SELECTIONS = [
	'*',
	'didChange',
	...DID_CHANGE_REASONS.map((reason) => `didChange.${reason}`),
	'capacityChange',
	'connectivityTest',
	'unknown',
] as const;

const KNOWN_SELECTIONS: ReadonlySet<string> = new Set(EVENT_SELECTIONS);

export type SelectionCheck =
	{ ok: true; selections: ReadonlySet<string> } | { ok: false; problem: string };

/** Checks the Events parameter as n8n hands it over: a non-empty list of known values. */
export function readSelections(value: unknown): SelectionCheck {
	if (!Array.isArray(value) || value.length === 0) {
		return { ok: false, problem: 'No event is selected.' };
	}

	const selections = new Set<string>();
	for (const selection of value) {
		if (typeof selection !== 'string' || !KNOWN_SELECTIONS.has(selection)) {
			return { ok: false, problem: `The event "${String(selection)}" is not one this node knows.` };
		}
		selections.add(selection);
	}
	return { ok: true, selections };
}

/** Tells whether the user subscribed to this element. */
export function isSubscribed(element: YcmElement, selections: ReadonlySet<string>): boolean {
	if (selections.has('*') || selections.has(element.eventType)) return true;
	if (element.eventType === 'didChange') return selections.has(`didChange.${element.event}`);
	return false;
}
