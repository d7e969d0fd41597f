'use strict';

// Loads the signed sample deliveries in test/fixtures/deliveries, described by manifest.json.

const fs = require('node:fs');
const path = require('node:path');

const { PROJECT_ROOT } = require('./versions');

const DELIVERIES_FOLDER = path.join(PROJECT_ROOT, 'test', 'fixtures', 'deliveries');

/**
 * Reads manifest.json and the body bytes of every delivery and signature vector.
 * @param {string} [folder]
 */
function loadSampleDeliveries(folder = DELIVERIES_FOLDER) {
	const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
	const readBody = (file) => fs.readFileSync(path.join(folder, file));
	return {
		secret: manifest.secret,
		otherSecret: manifest.otherSecret,
		deliveries: manifest.deliveries.map((delivery) => ({
			...delivery,
			path: path.join(folder, delivery.file),
			body: readBody(delivery.file),
		})),
		// A vector's `body` in the manifest is the name of its body file, but here `body` contains the bytes.
		vectors: manifest.vectors.map((vector) => ({
			...vector,
			bodyName: vector.body,
			path: path.join(folder, vector.file),
			body: readBody(vector.file),
		})),
	};
}

module.exports = { DELIVERIES_FOLDER, loadSampleDeliveries };
