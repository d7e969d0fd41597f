'use strict';

// Runs a real n8n with this package installed, for the demo and the end-to-end tests.

const { ensureN8nInstalled } = require('./install');
const { startN8n } = require('./n8n-server');
const { loadSampleDeliveries, DELIVERIES_FOLDER } = require('./sample-deliveries');
const { N8N_VERSION, NODE_VERSION, PROJECT_ROOT } = require('./versions');
const { SIGNATURE_HEADER, signBody, sendDelivery, sendHttpRequest } = require('./ycm-delivery');

module.exports = {
	N8N_VERSION,
	NODE_VERSION,
	PROJECT_ROOT,
	DELIVERIES_FOLDER,
	SIGNATURE_HEADER,
	ensureN8nInstalled,
	startN8n,
	loadSampleDeliveries,
	signBody,
	sendDelivery,
	sendHttpRequest,
};
