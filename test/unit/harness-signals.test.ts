import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

// Starts `sleep` through the harness in scripts/lib/n8n-process.js from a controlling process,
// plain Node.js or jest, sends SIGTERM to that process and checks that `sleep` is gone. Under
// jest this needs test/support/harness-environment.js, since the `process` that a test's modules
// see is a copy that no signal reaches.

const PROJECT_ROOT = join(__dirname, '..', '..');
const START_SLEEP = join(__dirname, 'helpers', 'start-sleep.js');
const JEST_BIN = join(PROJECT_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const HARNESS_ENVIRONMENT = join(PROJECT_ROOT, 'test', 'support', 'harness-environment.js');

/** The exit code of the harness's SIGTERM handler: 128 + 15, as a shell reports SIGTERM. */
const SIGTERM_EXIT_CODE = 143;

const STARTED_LINE = /^sleep started: (\d+)$/m;

type Controller = {
	child: ChildProcess;
	exited: Promise<number | null>;
	output: () => string;
};

/** The controllers that a test started, to kill what a failing test leaves running. */
const controllers: Controller[] = [];

afterEach(() => {
	for (const controller of controllers.splice(0)) {
		const sleepPid = sleepPidOf(controller);
		if (sleepPid !== undefined) {
			killIfRunning(-sleepPid);
		}
		if (controller.child.exitCode === null && controller.child.signalCode === null) {
			controller.child.kill('SIGKILL');
		}
	}
});

function startController(args: string[]): Controller {
	const child = spawn(process.execPath, args, {
		cwd: PROJECT_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const controller = { child, exited, output: () => output };
	controllers.push(controller);
	return controller;
}

function jestArguments(testEnvironment: string): string[] {
	const config = {
		rootDir: join(__dirname, 'helpers'),
		testMatch: ['<rootDir>/start-sleep.js'],
		testEnvironment,
		transform: {},
		watchman: false,
	};
	return [JEST_BIN, '--config', JSON.stringify(config), '--runInBand'];
}

function sleepPidOf(controller: Controller): number | undefined {
	const match = STARTED_LINE.exec(controller.output());
	return match === null ? undefined : Number(match[1]);
}

/** Resolves with the process id of `sleep` once the controller has printed it. */
async function waitForSleep(controller: Controller, timeoutMs = 20_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const pid = sleepPidOf(controller);
		if (pid !== undefined) {
			return pid;
		}
		if (controller.child.exitCode !== null || Date.now() > deadline) {
			throw new Error(`No "sleep started" line. Output of the controller:\n${controller.output()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Sends SIGKILL to a process, or to a process group for a negative id, unless it is gone. */
function killIfRunning(pid: number): void {
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		// Gone already, as it should be.
	}
}

describe('harness on SIGTERM', () => {
	it.each([
		['Node.js', [START_SLEEP]],
		['jest', jestArguments(HARNESS_ENVIRONMENT)],
	])(
		'stops its child under %s',
		async (_controllerName, args) => {
			const controller = startController(args);
			const sleepPid = await waitForSleep(controller);
			expect(isRunning(sleepPid)).toBe(true);

			controller.child.kill('SIGTERM');

			expect(await controller.exited).toBe(SIGTERM_EXIT_CODE);
			expect(isRunning(sleepPid)).toBe(false);
		},
		30_000,
	);

	it('rejects jest without the harness environment', async () => {
		const controller = startController(jestArguments('node'));

		expect(await controller.exited).toBe(1);
		expect(controller.output()).toContain(
			'Set testEnvironment to <rootDir>/test/support/harness-environment.js',
		);
		expect(controller.output()).not.toMatch(STARTED_LINE);
	}, 30_000);
});
