#!/usr/bin/env node
'use strict';

// Sends body files to a webhook URL, signed as Yeastar Central Management (YCM) signs them, and
// prints each response. It talks only to the URL given on the command line.

const crypto = require('node:crypto');
const fs = require('node:fs');
const { parseArgs } = require('node:util');

const { DEFAULT_TIMEOUT_MS, signBody, sendDelivery } = require('./lib/ycm-delivery');

const USAGE = `Usage: node scripts/simulate-ycm.js --url URL --secret SECRET [options] FILE...

Sends each FILE as one delivery, its bytes unchanged, with the header
X-Signature = Base64(HMAC-SHA256(key = SECRET as UTF-8, message = the file's bytes)),
and prints the HTTP status and the response body.

Options:
  --url URL            where to send, e.g. the production URL of a YCM Trigger node
  --secret SECRET      the 32-character secret from YCM > System > API > Webhook Event Push;
                       the environment variable YCM_SECRET is read when this is not given
  --method POST|GET    the request method set for the webhook in YCM (default POST)
  --content-type TYPE  the Content-Type header (default application/json)
  --timeout MS         how long to wait for each response (default ${DEFAULT_TIMEOUT_MS}, YCM's maximum)
  --unsigned           send no X-Signature header (no secret needed)
  --forged             sign with a random secret instead of SECRET (no secret needed)
  --tamper             sign the file, then append a space before sending it (the JSON
                       stays valid, the signature no longer matches)
  --help               print this text

Exit status: 0 when every response was 2xx (YCM counts anything else as a failure and
retries), 1 when a response was not 2xx or no response arrived, 2 for invalid arguments.`;

function parseCommandLine(argv) {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			url: { type: 'string' },
			secret: { type: 'string' },
			method: { type: 'string', default: 'POST' },
			'content-type': { type: 'string', default: 'application/json' },
			timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_MS) },
			unsigned: { type: 'boolean', default: false },
			forged: { type: 'boolean', default: false },
			tamper: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		return { help: true };
	}

	const method = values.method.toUpperCase();
	const secret = values.secret ?? process.env.YCM_SECRET;
	const timeoutMs = Number(values.timeout);
	if (!values.url) {
		throw new UsageError('Missing --url: give the webhook URL to send to.');
	}
	if (!URL.canParse(values.url)) {
		throw new UsageError(
			`Invalid --url "${values.url}": give an absolute http:// or https:// URL.`,
		);
	}
	if (method !== 'POST' && method !== 'GET') {
		throw new UsageError(`Invalid --method "${values.method}": YCM sends POST or GET.`);
	}
	if (values.unsigned && values.forged) {
		throw new UsageError('--unsigned and --forged exclude each other: choose one.');
	}
	if (!secret && !values.unsigned && !values.forged) {
		throw new UsageError('Missing --secret (or YCM_SECRET): give the secret shown in YCM.');
	}
	if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
		throw new UsageError(`Invalid --timeout "${values.timeout}": give whole milliseconds.`);
	}
	if (positionals.length === 0) {
		throw new UsageError('Missing FILE: give at least one body file to send.');
	}

	return {
		help: false,
		url: values.url,
		secret,
		method,
		contentType: values['content-type'],
		timeoutMs,
		unsigned: values.unsigned,
		forged: values.forged,
		tamper: values.tamper,
		files: positionals,
	};
}

class UsageError extends Error {}

/** Builds the body and the X-Signature value that one file is sent with. */
function prepareDelivery(file, options) {
	const signedBody = fs.readFileSync(file);
	let signature = null;
	if (options.forged) {
		signature = signBody(signedBody, crypto.randomBytes(24).toString('base64'));
	} else if (!options.unsigned) {
		signature = signBody(signedBody, options.secret);
	}

	const body = options.tamper ? Buffer.concat([signedBody, Buffer.from(' ')]) : signedBody;
	return { body, signature };
}

async function main() {
	let options;
	try {
		options = parseCommandLine(process.argv.slice(2));
	} catch (error) {
		if (error instanceof UsageError || error.code?.startsWith('ERR_PARSE_ARGS')) {
			console.error(`${error.message}\n\n${USAGE}`);
			return 2;
		}
		throw error;
	}
	if (options.help) {
		console.log(USAGE);
		return 0;
	}

	let failures = 0;
	for (const file of options.files) {
		let delivery;
		try {
			delivery = prepareDelivery(file, options);
		} catch (error) {
			console.log(`${file}: not sent, the file could not be read (${error.message})`);
			failures += 1;
			continue;
		}
		const { body, signature } = delivery;
		try {
			const response = await sendDelivery({
				url: options.url,
				body,
				signature,
				method: options.method,
				contentType: options.contentType,
				timeoutMs: options.timeoutMs,
			});
			console.log(`${file}: ${response.status} ${response.body}`);
			if (response.status < 200 || response.status > 299) {
				failures += 1;
			}
		} catch (error) {
			console.log(`${file}: no response (${error.message})`);
			failures += 1;
		}
	}
	return failures === 0 ? 0 : 1;
}

main().then(
	(exitCode) => {
		process.exitCode = exitCode;
	},
	(error) => {
		console.error(error);
		process.exitCode = 1;
	},
);
