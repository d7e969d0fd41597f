'use strict';

// Starts `sleep 600` through the harness's spawnInGroup, writes "sleep started: <process id>" to
// stdout and waits until a signal ends this process. It runs as a Node.js script, and as a jest
// test file, where jest defines `test`.

const { spawnInGroup } = require('../../../scripts/lib/n8n-process');

function startSleep() {
	const child = spawnInGroup('sleep', ['600'], {
		env: process.env,
		cwd: __dirname,
		logPath: '/dev/null',
	});
	process.stdout.write(`sleep started: ${child.pid}\n`);
	// The running child keeps Node.js alive, and the promise keeps the jest test waiting.
	return new Promise(() => {});
}

if (typeof test === 'function') {
	test('holds a sleep process until a signal', startSleep, 60_000);
} else {
	void startSleep();
}
