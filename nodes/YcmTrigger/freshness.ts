import type { YcmElement } from './events';

/**
 * Tolerance for an `updateTime` ahead of n8n's clock. Five minutes covers ordinary clock drift
 * between YCM and n8n; an event further ahead is as suspect as a stale one.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export type Staleness = 'tooOld' | 'inFuture';

/**
 * Tells whether an element is too old or too far ahead to accept, or returns undefined when it is
 * fresh. Elements without a time (the connectivity test, unknown shapes without `updateTime`)
 * cannot be judged and count as fresh.
 */
export function judgeStaleness(
	element: YcmElement,
	nowSeconds: number,
	maxAgeSeconds: number,
): Staleness | undefined {
	if (element.eventType === 'connectivityTest' || element.updateTime === null) return undefined;

	if (nowSeconds - element.updateTime > maxAgeSeconds) return 'tooOld';
	if (element.updateTime - nowSeconds > MAX_CLOCK_SKEW_SECONDS) return 'inFuture';
	return undefined;
}
