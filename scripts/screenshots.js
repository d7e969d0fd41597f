#!/usr/bin/env node
'use strict';

// Takes the screenshots in docs/. It starts a local n8n with this package through the harness
// and opens its editor in headless Chromium. There it sets up the owner account, adds the YCM
// Trigger to a new workflow, and captures the node creator, the node's panel, its parameters
// and the node on the canvas.
//
// Chromium comes from Debian (`apt-get install chromium`) and is driven with playwright-core.
// The browser may only reach the n8n it started: every other request is aborted.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { chromium } = require('playwright-core');

const { PROJECT_ROOT, ensureN8nInstalled, loadSampleDeliveries, startN8n } = require('./lib');

const DOCS_FOLDER = path.join(PROJECT_ROOT, 'docs');

const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

/** A throwaway owner account. The n8n it belongs to is deleted when the script ends. */
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Ada',
	lastName: 'Admin',
	password: 'Screenshot-Owner-1',
};

const USAGE = `Usage: node scripts/screenshots.js [--skip-build] [--chromium PATH] [--out DIR]

  --skip-build     use dist/ as it is instead of running npm run build first
  --chromium PATH  the Chromium binary (default /usr/bin/chromium)
  --out DIR        where to write the PNG files (default docs/)

N8N_VERSION picks the n8n release, as for the end-to-end tests.`;

function log(message) {
	console.log(`[screenshots] ${message}`);
}

function build() {
	log('Building the package (npm run build)');
	const result = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
	if (result.status !== 0) {
		throw new Error(`npm run build failed with exit code ${result.status ?? result.signal}.`);
	}
}

/** Lets the page load from n8n on 127.0.0.1 only, so the editor reaches no outside service. */
async function confineToServer(context, baseUrl) {
	const { origin } = new URL(baseUrl);
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) {
			return route.continue();
		}
		log(`Blocked a request to ${url.slice(0, 120)}`);
		return route.abort();
	});
}

async function setUpOwner(page, baseUrl) {
	await page.goto(baseUrl);
	await page.fill('input[name="email"]', OWNER.email);
	await page.fill('input[name="firstName"]', OWNER.firstName);
	await page.fill('input[name="lastName"]', OWNER.lastName);
	await page.fill('input[name="password"]', OWNER.password);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
}

/**
 * Creates the credential through n8n's REST API from inside the page, so the request carries
 * the editor's session cookie and browser id. With one credential of its type, n8n selects it
 * for a new node, and the trigger panel shows its help only for a node without issues.
 */
async function createCredential(page, secret) {
	const [status, body] = await page.evaluate(async (credentialSecret) => {
		const response = await fetch('/rest/credentials', {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'browser-id': localStorage.getItem('n8n-browserId') ?? '',
			},
			body: JSON.stringify({
				name: 'YCM webhook secret',
				type: 'ycmWebhookApi',
				data: { secret: credentialSecret },
			}),
		});
		return [response.status, await response.text()];
	}, secret);
	if (status !== 200) {
		throw new Error(`Creating the credential failed with HTTP ${status}: ${body.slice(0, 300)}`);
	}
}

async function main() {
	const { values } = parseArgs({
		options: {
			'skip-build': { type: 'boolean', default: false },
			chromium: { type: 'string', default: '/usr/bin/chromium' },
			out: { type: 'string', default: DOCS_FOLDER },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	if (!fs.existsSync(values.chromium)) {
		throw new Error(
			`Chromium not found at ${values.chromium}. Install it: apt-get install chromium`,
		);
	}

	if (!values['skip-build']) {
		build();
	}
	const installation = ensureN8nInstalled({ log });
	// Only for the URLs the editor displays: n8n receives nothing on this host.
	const server = await startN8n({
		installation,
		log,
		environment: { WEBHOOK_URL: 'https://n8n.example.com/' },
	});
	const profileFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ycm-chromium-'));
	let context;
	try {
		context = await chromium.launchPersistentContext(profileFolder, {
			executablePath: values.chromium,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: { width: 1280, height: 800 },
			deviceScaleFactor: 2,
		});
		await confineToServer(context, server.baseUrl);
		const page = context.pages()[0] ?? (await context.newPage());

		fs.mkdirSync(values.out, { recursive: true });
		try {
			await setUpOwner(page, server.baseUrl);
			await createCredential(page, loadSampleDeliveries().secret);
			await captureEditor(page, server.baseUrl, values.out);
		} catch (error) {
			// The page as it was when a step failed shows which selector no longer matches.
			const file = path.join(os.tmpdir(), `ycm-screenshots-failure-${Date.now()}.png`);
			await page.screenshot({ path: file });
			log(`The page at the failure: ${file}`);
			throw error;
		}
	} finally {
		if (context !== undefined) await context.close();
		fs.rmSync(profileFolder, { recursive: true, force: true });
		await server.stop();
	}
}

/** Adds the YCM Trigger through the node creator, the way a user finds it, and saves the views. */
async function captureEditor(page, baseUrl, outFolder) {
	const save = async (name, target = page) => {
		const file = path.join(outFolder, name);
		await target.screenshot({ path: file });
		log(`Saved ${path.relative(process.cwd(), file)}`);
	};

	await page.goto(`${baseUrl}/workflow/new`);
	await page.click('[data-test-id="canvas-add-button"]');
	await page.locator('input[data-test-id="node-creator-search-bar"]').fill('YCM');
	await page.locator('[data-test-id="node-creator-item-name"]', { hasText: 'YCM' }).first().click();
	await page.getByText('On PCE DID Change (any reason)', { exact: true }).waitFor();
	// The panel slides in.
	await page.waitForTimeout(1000);
	await save('node-creator.png');

	await page.getByText('On PCE DID Change (any reason)', { exact: true }).click();
	const nodePanel = page.locator('[data-test-id="ndv"]').first();
	await page.getByText('Webhook URLs', { exact: true }).click();
	await page.getByText('When will this node trigger my flow?').click();
	// The accordion and the URL section open with an animation.
	await page.waitForTimeout(1000);
	await save('node-panel.png', nodePanel);

	await page.getByText('When will this node trigger my flow?').click();
	await page.getByText('Webhook URLs', { exact: true }).click();
	await page.locator('[data-test-id="parameter-input-events"]').click();
	await page.waitForTimeout(500);
	await save('parameters.png', nodePanel);

	await page.keyboard.press('Escape');
	// n8n 2.x closes the panel with a button in its corner, 1.x with "Back to canvas".
	const closeButton = page.locator('[data-test-id="ndv-close-button"]');
	if ((await closeButton.count()) > 0) await closeButton.click();
	else await page.getByText('Back to canvas').click();
	await page.waitForTimeout(500);
	// The node with its subtitle, and some canvas around it.
	const node = await page.locator('[data-test-id="canvas-node"]').first().boundingBox();
	const clip = {
		x: node.x - 200,
		y: node.y - 80,
		width: node.width + 400,
		height: node.height + 160,
	};
	const file = path.join(outFolder, 'canvas.png');
	await page.screenshot({ path: file, clip });
	log(`Saved ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
	console.error(`[screenshots] ${error.stack ?? error.message}`);
	process.exitCode = 1;
});
