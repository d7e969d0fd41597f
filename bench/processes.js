'use strict';

// Reads CPU time and resident memory of a process group from /proc (Linux only). n8n leads its
// own process group, which also contains its task runner.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ); 100 on every common Linux build. */
const CLOCK_TICKS_PER_SECOND =
	Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Returns the fields of /proc/<pid>/stat after the command name, or undefined once it ended. */
function readStatFields(processId) {
	let stat;
	try {
		stat = fs.readFileSync(`/proc/${processId}/stat`, 'utf8');
	} catch {
		return undefined;
	}
	// The command name in brackets may contain spaces, so fields are counted after it.
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Lists the process ids in a process group. */
function listGroupProcesses(groupId) {
	const processIds = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		// Field 5 of stat is the process group; index 2 after the command name.
		if (Number(readStatFields(entry)?.[2]) === groupId) processIds.push(Number(entry));
	}
	return processIds;
}

/** Sums user and system CPU seconds of every thread of every process in the group. */
function readGroupCpuSeconds(groupId) {
	let ticks = 0;
	for (const processId of listGroupProcesses(groupId)) {
		const fields = readStatFields(processId);
		// Fields 14 and 15 of stat: utime and stime; indexes 11 and 12 after the command name.
		if (fields !== undefined) ticks += Number(fields[11]) + Number(fields[12]);
	}
	return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Reads VmRSS and VmHWM (peak resident set) of one process in bytes, or zeros once it ended. */
function readResidentSet(processId) {
	let status;
	try {
		status = fs.readFileSync(`/proc/${processId}/status`, 'utf8');
	} catch {
		return { rss: 0, peak: 0 };
	}
	const kibibytes = (field) =>
		Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]);
	return { rss: kibibytes('VmRSS') * 1024, peak: kibibytes('VmHWM') * 1024 };
}

/** Sets each process's peak resident set back to its current one (Linux 4.0 and later). */
function resetPeakResidentSets(processIds) {
	for (const processId of processIds) {
		try {
			fs.writeFileSync(`/proc/${processId}/clear_refs`, '5');
		} catch (error) {
			throw new Error(
				`Could not reset the peak resident set of process ${processId} (${error.message}). ` +
					'The memory benchmark needs Linux 4.0 or later and permission to write clear_refs.',
			);
		}
	}
}

module.exports = {
	listGroupProcesses,
	readGroupCpuSeconds,
	readResidentSet,
	resetPeakResidentSets,
};
