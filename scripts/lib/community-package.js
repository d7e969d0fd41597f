'use strict';

// Places the built package where n8n keeps community packages that a user installed from
// Settings > Community nodes, so n8n loads it exactly as it would load the published package.

const fs = require('node:fs');
const path = require('node:path');

const { PROJECT_ROOT } = require('./versions');

/**
 * Copies package.json and dist/ of the project into
 * `<userFolder>/.n8n/nodes/node_modules/<package name>/` and lists the package in
 * `<userFolder>/.n8n/nodes/package.json`, as n8n's own installer does.
 *
 * n8n scans `nodes/node_modules` for folders named `n8n-nodes-*` at start, and lets their code
 * require `n8n-workflow` from n8n's own installation, so no dependencies are installed beside
 * the package.
 * @param {string} userFolder  the folder that N8N_USER_FOLDER points to
 * @returns {{ name: string, version: string, folder: string }}
 */
function installCommunityPackage(userFolder, projectRoot = PROJECT_ROOT) {
	const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
	assertBuilt(packageJson, projectRoot);

	// n8n installs the `dependencies` of a community package (not its dev, peer or optional
	// ones). This copy installs none, so it rejects a package that has any.
	const runtimeDependencies = Object.keys(packageJson.dependencies ?? {});
	if (runtimeDependencies.length > 0) {
		throw new Error(
			`package.json lists runtime dependencies (${runtimeDependencies.join(', ')}), but the ` +
				'test installation copies only package.json and dist/. Install them into the copy first.',
		);
	}

	const nodesFolder = path.join(userFolder, '.n8n', 'nodes');
	const packageFolder = path.join(nodesFolder, 'node_modules', packageJson.name);
	fs.mkdirSync(packageFolder, { recursive: true });
	fs.cpSync(path.join(projectRoot, 'dist'), path.join(packageFolder, 'dist'), { recursive: true });

	// n8n strips these fields from the package.json of a package it installs.
	const { devDependencies, peerDependencies, optionalDependencies, ...installedPackageJson } =
		packageJson;
	writeJson(path.join(packageFolder, 'package.json'), installedPackageJson);
	writeJson(path.join(nodesFolder, 'package.json'), {
		name: 'installed-nodes',
		private: true,
		dependencies: { [packageJson.name]: packageJson.version },
	});

	return { name: packageJson.name, version: packageJson.version, folder: packageFolder };
}

function assertBuilt(packageJson, projectRoot) {
	const listedFiles = [...(packageJson.n8n?.nodes ?? []), ...(packageJson.n8n?.credentials ?? [])];
	if (listedFiles.length === 0) {
		throw new Error('package.json lists no nodes or credentials in its "n8n" section.');
	}
	const missing = listedFiles.filter((file) => !fs.existsSync(path.join(projectRoot, file)));
	if (missing.length > 0) {
		throw new Error(`The package is not built: ${missing.join(', ')} missing. Run npm run build.`);
	}
}

function writeJson(filePath, value) {
	fs.writeFileSync(filePath, JSON.stringify(value, null, 2) + '\n');
}

module.exports = { installCommunityPackage };
