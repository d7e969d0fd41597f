import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Checks what `npm pack` would put into the published package. n8n installs a community package
// with everything in it, so nothing but the built node, the README, the license and
// package.json belongs there. It reads dist/ as it is: run `npm run build` first.

const PROJECT_ROOT = join(__dirname, '..', '..');

type PackedFile = { path: string };
type PackResult = { name: string; files: PackedFile[] };

type PackageJson = {
	dependencies?: Record<string, string>;
	n8n: { nodes: string[]; credentials: string[] };
};

function packDryRun(): PackResult {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json'], {
		cwd: PROJECT_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [result] = JSON.parse(output) as PackResult[];
	return result;
}

/** Returns the source file that `dist/<file>` is built or copied from. */
function sourceOf(distFile: string): string {
	const built = distFile.slice('dist/'.length);
	const compiled = /^(.*)\.(js|d\.ts|js\.map)$/.exec(built);
	return compiled === null ? built : `${compiled[1]}.ts`;
}

const packed = packDryRun();
const paths = packed.files.map((file) => file.path);
const packageJson = JSON.parse(
	readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'),
) as PackageJson;

describe('npm pack contents', () => {
	it('contains only dist, README, LICENSE and package.json', () => {
		const others = paths.filter(
			(path) =>
				!path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path),
		);
		expect(others).toEqual([]);
	});

	it.each(['README.md', 'LICENSE', 'package.json'])('contains %s', (file) => {
		expect(paths).toContain(file);
	});

	it('contains every node and credential n8n loads', () => {
		const listed = [...packageJson.n8n.nodes, ...packageJson.n8n.credentials];
		expect(listed.length).toBeGreaterThan(0);
		expect(listed.filter((file) => !paths.includes(file))).toEqual([]);
	});

	it('has dist files only from current sources', () => {
		const stale = paths
			.filter((path) => path.startsWith('dist/'))
			.filter((path) => !existsSync(join(PROJECT_ROOT, sourceOf(path))));
		expect(stale).toEqual([]);
	});

	it('declares no runtime dependencies', () => {
		expect(packageJson.dependencies ?? {}).toEqual({});
	});
});
