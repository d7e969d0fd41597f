'use strict';

// Signs and sends webhook deliveries the way Yeastar Central Management (YCM) does.

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');

/** The header that carries the signature of a YCM delivery. */
const SIGNATURE_HEADER = 'X-Signature';

/** The maximum time a delivery may take before it counts as failed: YCM's largest timeout. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Computes the X-Signature of a body: Base64 (standard alphabet, padded) of the HMAC-SHA256 of
 * the exact body bytes, keyed with the secret as UTF-8 text.
 * @param {Buffer} body
 * @param {string} secret
 */
function signBody(body, secret) {
	return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('base64');
}

/**
 * Sends one delivery and resolves with the response, whatever its status. It rejects only when
 * no response arrives: a refused connection, a network fault or the timeout.
 * @param {object} delivery
 * @param {string} delivery.url
 * @param {Buffer} delivery.body  the exact bytes to send
 * @param {string | null} delivery.signature  the X-Signature value, or null to send none
 * @param {string} [delivery.method]  'POST' (default) or 'GET'
 * @param {string} [delivery.contentType]  the Content-Type header (default application/json)
 * @param {number} [delivery.timeoutMs]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function sendDelivery({
	url,
	body,
	signature,
	method = 'POST',
	contentType = 'application/json',
	timeoutMs = DEFAULT_TIMEOUT_MS,
}) {
	const headers = {
		'Content-Type': contentType,
		'Content-Length': String(body.length),
		'User-Agent': 'ycm-delivery-simulator',
	};
	if (signature !== null) {
		headers[SIGNATURE_HEADER] = signature;
	}

	// YCM defines the signature over the body for GET as well, so a GET carries the body too.
	return sendHttpRequest({ url, method, headers, body, timeoutMs });
}

/**
 * Sends one HTTP or HTTPS request with a body and resolves with the response, whatever its
 * status. It rejects only when no response arrives: a refused connection, a network fault or
 * the timeout.
 * @param {object} request
 * @param {string} request.url
 * @param {string} request.method
 * @param {import('node:http').OutgoingHttpHeaders | string[]} request.headers  an object, or a
 *   flat list of names and values, which Node.js sends in that order and spelling
 * @param {Buffer} request.body
 * @param {number} request.timeoutMs
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
function sendHttpRequest({ url, method, headers, body, timeoutMs }) {
	const target = new URL(url);
	const transport = target.protocol === 'https:' ? https : http;

	return new Promise((resolve, reject) => {
		const request = transport.request(
			target,
			{ method, headers, timeout: timeoutMs },
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => {
			request.destroy(new Error(`No response from ${target.origin} within ${timeoutMs} ms`));
		});
		request.on('error', reject);
		request.end(body);
	});
}

module.exports = { SIGNATURE_HEADER, DEFAULT_TIMEOUT_MS, signBody, sendDelivery, sendHttpRequest };
