'use strict';

// A small HTTP reverse proxy on 127.0.0.1 that sends each request to the next of several
// upstream servers in turn, as a load balancer in front of n8n webhook processors does. It adds
// the header X-Upstream with the name of the server that handled the request.

const http = require('node:http');

const UPSTREAM_HEADER = 'x-upstream';

/**
 * @typedef {object} Upstream
 * @property {string} name
 * @property {number} port  on 127.0.0.1
 */

/**
 * Starts the proxy on a free port.
 * @param {Upstream[]} upstreams
 * @returns {Promise<RoundRobinProxy>}
 */
async function startRoundRobinProxy(upstreams) {
	const proxy = new RoundRobinProxy(upstreams);
	await new Promise((resolve, reject) => {
		proxy.server.once('error', reject);
		proxy.server.listen(0, '127.0.0.1', resolve);
	});
	proxy.port = proxy.server.address().port;
	return proxy;
}

class RoundRobinProxy {
	constructor(upstreams) {
		if (upstreams.length === 0) {
			throw new Error('The proxy needs at least one upstream server.');
		}
		this.upstreams = upstreams;
		this.port = 0;
		/** Requests sent to each upstream, by name, including those that failed. */
		this.requestCounts = Object.fromEntries(upstreams.map((upstream) => [upstream.name, 0]));
		/** Requests answered 502 because an upstream could not be reached, by name. */
		this.failureCounts = Object.fromEntries(upstreams.map((upstream) => [upstream.name, 0]));
		this.nextIndex = 0;
		// One connection per request: a reused idle connection that the webhook processor closes
		// at the same moment (Node's 5-second keep-alive timeout) would fail a POST with 502.
		this.agent = new http.Agent({ keepAlive: false });
		this.server = http.createServer((request, response) => this.forward(request, response));
		// Longer than the clients' idle time between requests, so the proxy does not close a
		// connection that a client is about to reuse.
		this.server.keepAliveTimeout = 65_000;
	}

	forward(request, response) {
		const upstream = this.upstreams[this.nextIndex];
		this.nextIndex = (this.nextIndex + 1) % this.upstreams.length;
		this.requestCounts[upstream.name] += 1;

		const outgoing = http.request({
			host: '127.0.0.1',
			port: upstream.port,
			method: request.method,
			path: request.url,
			headers: request.headers,
			agent: this.agent,
		});
		outgoing.on('response', (incoming) => {
			response.writeHead(incoming.statusCode ?? 502, {
				...incoming.headers,
				[UPSTREAM_HEADER]: upstream.name,
			});
			incoming.pipe(response);
		});
		// A load balancer reports an upstream it cannot reach as 502 Bad Gateway.
		outgoing.on('error', (error) => {
			this.failureCounts[upstream.name] += 1;
			if (response.headersSent) {
				response.destroy(error);
				return;
			}
			response.writeHead(502, {
				'content-type': 'application/json',
				[UPSTREAM_HEADER]: upstream.name,
			});
			response.end(
				JSON.stringify({ message: `Upstream ${upstream.name} failed: ${error.message}` }),
			);
		});
		request.pipe(outgoing);
	}

	/** Returns the proxy's URL for a path such as `/webhook/<id>/webhook`. */
	url(pathname) {
		return `http://127.0.0.1:${this.port}${pathname}`;
	}

	async close() {
		this.agent.destroy();
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}
}

module.exports = { startRoundRobinProxy, RoundRobinProxy, UPSTREAM_HEADER };
