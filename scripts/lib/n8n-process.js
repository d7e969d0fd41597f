'use strict';

// Starts n8n processes in their own process group and makes sure they end with this process.

const fs = require('node:fs');
const { spawn } = require('node:child_process');

/**
 * The global property through which a jest test environment passes in the real process object
 * (test/support/harness-environment.js). Under jest, `process` in a test's modules is a copy with
 * its own listeners (jest-util 29, createProcessObject), so no signal to jest and no exit of jest
 * reaches a listener added to it.
 */
const HOST_PROCESS_GLOBAL = Symbol.for('n8n-nodes-yeastar-ycm.hostProcess');

/** The exit code of each handled signal, as a shell reports a process that the signal ended. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Child processes that lead a process group and are still running, by process id. */
const runningChildren = new Map();
/** Synchronous clean-up steps to run when this process exits, such as removing a folder. */
const exitTasks = new Set();
/** Removes the exit and signal handlers, or null while none are installed. */
let removeExitHandlers = null;

/** The signal for a clean shutdown of each process group, by the process id of its leader. */
const stopSignals = new Map();

/**
 * Starts `command` in a new process group, with stdout and stderr appended to `logPath`.
 * @param {object} options
 * @param {NodeJS.ProcessEnv} options.env
 * @param {string} options.cwd
 * @param {string} options.logPath
 * @param {NodeJS.Signals} [options.stopSignal]  the signal for a clean shutdown (default
 *   SIGTERM); PostgreSQL needs SIGINT, since on SIGTERM it waits for its clients to disconnect
 * @param {number} [options.uid]  run as this user, for servers that refuse to run as root
 * @param {number} [options.gid]
 * @returns {import('node:child_process').ChildProcess}
 */
function spawnInGroup(command, args, { env, cwd, logPath, stopSignal = 'SIGTERM', uid, gid }) {
	installExitHandlers();
	const logFd = fs.openSync(logPath, 'a');
	try {
		// detached: the child leads a new process group, so the task runner that n8n starts is
		// stopped together with it.
		const child = spawn(command, args, {
			env,
			cwd,
			uid,
			gid,
			detached: true,
			stdio: ['ignore', logFd, logFd],
		});
		runningChildren.set(child.pid, child);
		stopSignals.set(child.pid, stopSignal);
		child.once('exit', () => {
			runningChildren.delete(child.pid);
			stopSignals.delete(child.pid);
			removeExitHandlersWhenIdle();
		});
		return child;
	} finally {
		fs.closeSync(logFd);
	}
}

/**
 * Sends the stop signal (SIGTERM unless `spawnInGroup` was given another) to the process group
 * of `child`, then SIGKILL if it is still running after `graceMs`. Resolves once the child has
 * exited.
 */
async function stopGroup(child, graceMs = 15_000) {
	if (child.exitCode !== null || child.signalCode !== null) {
		// A leader killed on its own (SIGKILL in a crash test) leaves its task runner behind.
		signalGroup(child.pid, 'SIGKILL');
		runningChildren.delete(child.pid);
		removeExitHandlersWhenIdle();
		return;
	}
	const exited = new Promise((resolve) => child.once('exit', resolve));
	signalGroup(child.pid, stopSignals.get(child.pid) ?? 'SIGTERM');
	const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// The leader is gone; a task runner child that ignored SIGTERM must not outlive it.
	signalGroup(child.pid, 'SIGKILL');
	runningChildren.delete(child.pid);
	removeExitHandlersWhenIdle();
}

/** Leaves `child` running when this process exits, for a server that the user keeps. */
function releaseGroup(child) {
	runningChildren.delete(child.pid);
	removeExitHandlersWhenIdle();
}

/**
 * Registers a synchronous step to run when this process exits; returns a function that
 * unregisters it.
 */
function runAtExit(task) {
	installExitHandlers();
	exitTasks.add(task);
	return () => {
		exitTasks.delete(task);
		removeExitHandlersWhenIdle();
	};
}

function signalGroup(groupId, signal) {
	try {
		process.kill(-groupId, signal);
	} catch (error) {
		if (error.code !== 'ESRCH') {
			throw error;
		}
	}
}

/**
 * Kills every process group still running when this process exits. An 'exit' handler cannot
 * wait, so it sends SIGKILL. On SIGINT, SIGTERM and SIGHUP the groups first get their stop signal
 * and up to 5 seconds to shut down, and then this process exits.
 */
function installExitHandlers() {
	if (removeExitHandlers !== null) {
		return;
	}
	const host = hostProcess();
	const onExit = () => {
		for (const groupId of runningChildren.keys()) {
			signalGroup(groupId, 'SIGKILL');
		}
		for (const task of exitTasks) {
			task();
		}
	};
	const onSignal = (signal) => {
		const children = [...runningChildren.values()];
		Promise.allSettled(children.map((child) => stopGroup(child, 5_000))).finally(() =>
			host.exit(SIGNAL_EXIT_CODES[signal]),
		);
	};

	host.on('exit', onExit);
	for (const signal of Object.keys(SIGNAL_EXIT_CODES)) {
		host.once(signal, onSignal);
	}
	removeExitHandlers = () => {
		host.off('exit', onExit);
		for (const signal of Object.keys(SIGNAL_EXIT_CODES)) {
			host.off(signal, onSignal);
		}
		removeExitHandlers = null;
	};
}

/**
 * Removes the handlers once no child process and no exit step is left. Under jest, the handlers
 * of one test file would otherwise stay on the real process for the files after it. On a signal,
 * such a stale handler has nothing to stop, so it would exit before the current file's handler
 * had stopped its processes.
 */
function removeExitHandlersWhenIdle() {
	if (removeExitHandlers !== null && runningChildren.size === 0 && exitTasks.size === 0) {
		removeExitHandlers();
	}
}

/** Returns the process that receives the signals and the exit of this program. */
function hostProcess() {
	const host = globalThis[HOST_PROCESS_GLOBAL];
	if (host !== undefined) {
		return host;
	}
	// Jest passes `jest` to every module that it loads, but not to the processes they start.
	if (typeof jest !== 'undefined') {
		throw new Error(
			'The real process object is missing, so the harness could not stop its processes on a ' +
				'signal to jest. Set testEnvironment to ' +
				'<rootDir>/test/support/harness-environment.js in the jest project.',
		);
	}
	return process;
}

module.exports = { HOST_PROCESS_GLOBAL, spawnInGroup, stopGroup, releaseGroup, runAtExit };
