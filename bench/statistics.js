'use strict';

// Small statistics for benchmark samples: medians and spreads, never means, because a shared
// machine produces outliers in one direction only.

/** Returns the median of a non-empty list of numbers. */
function median(values) {
	if (values.length === 0) {
		throw new Error('The median of an empty list is undefined.');
	}
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Describes how far samples scatter around their median: the largest relative distance of the
 * lowest or highest sample, for example 0.08 for samples within 8 % of the median.
 */
function relativeSpread(values) {
	const center = median(values);
	if (center === 0) {
		return 0;
	}
	return Math.max(...values.map((value) => Math.abs(value - center) / center));
}

module.exports = { median, relativeSpread };
