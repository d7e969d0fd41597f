import type { IDataObject } from 'n8n-workflow';

/**
 * Upper bound on remembered delivery IDs. n8n writes the whole static data to its database after
 * every change, so the list must stay small. Past this many deliveries within the window, the
 * oldest are forgotten and a very late retry of one of them runs again.
 */
export const MAX_REMEMBERED_DELIVERIES = 1000;

const STATIC_DATA_KEY = 'acceptedDeliveries';

type AcceptedDeliveries = { [deliveryId: string]: number };

function readAccepted(value: unknown): AcceptedDeliveries {
	const accepted: AcceptedDeliveries = {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return accepted;

	for (const [deliveryId, acceptedAt] of Object.entries(value)) {
		if (typeof acceptedAt === 'number') accepted[deliveryId] = acceptedAt;
	}
	return accepted;
}

/**
 * Records a delivery as accepted in the node's static data, or reports it as a retry when the
 * same delivery ID was accepted within the window. Times are Unix milliseconds.
 *
 * NOTE: this is best effort. n8n loads static data when a request arrives and saves it after the
 * response, so copies of a delivery that arrive at the same moment all run, and so do copies
 * sent to different webhook processors in queue mode. A shared store with an atomic insert would
 * close that gap, and n8n offers a trigger none.
 */
export function recordDelivery(
	staticData: IDataObject,
	deliveryId: string,
	nowMs: number,
	windowMs: number,
): 'accepted' | 'retry' {
	const accepted = readAccepted(staticData[STATIC_DATA_KEY]);

	const previous = accepted[deliveryId];
	if (previous !== undefined && nowMs - previous <= windowMs) return 'retry';

	const kept = Object.entries(accepted)
		.filter(([, acceptedAt]) => nowMs - acceptedAt <= windowMs)
		.sort(([, a], [, b]) => a - b)
		.slice(-(MAX_REMEMBERED_DELIVERIES - 1));
	staticData[STATIC_DATA_KEY] = { ...Object.fromEntries(kept), [deliveryId]: nowMs };
	return 'accepted';
}
