// Types of the queue-mode harness in this folder, for the tests written in TypeScript.

/// <reference types="node" />

import type { ChildProcess } from 'node:child_process';

import type { CredentialToImport, N8nInstallation, StoredExecution } from '../lib';

/** n8n's own default for `n8n worker --concurrency`. */
export declare const DEFAULT_WORKER_CONCURRENCY: number;

/** The response header in which the proxy names the webhook processor that responded. */
export declare const UPSTREAM_HEADER: string;

export declare function ensureServersInstalled(options: {
	log?: (message: string) => void;
	aptLogPath: string;
}): { redisServer: string; postgresBinFolder: string };

export interface N8nInstance {
	/** Such as `main`, `webhook-1` or `worker-2`. */
	name: string;
	role: 'main' | 'webhook' | 'worker';
	/** The HTTP port: N8N_PORT, or the health check port of a worker. */
	port: number;
	baseUrl: string;
	logPath: string;
	env: Record<string, string | undefined>;
	/** The process id of the current run, which leads its own process group. */
	readonly pid: number | undefined;
	child: ChildProcess | undefined;
	isRunning(): boolean;
	/** Sends `signal` (default SIGKILL) to the n8n process alone and waits for it to exit. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	stop(graceMs?: number): Promise<void>;
	productionUrl(webhookId: string, webhookPath?: string): string;
	/** Returns the log of the current run (since the last start). */
	readLog(): string;
	logTail(lineCount?: number): string;
}

export interface ExecutionCounts {
	total: number;
	/** Executions with status `new` or `running`. */
	unfinished: number;
	byStatus: Record<string, number>;
}

export interface PostgresN8nDatabase {
	countWebhooks(): Promise<number>;
	countExecutions(workflowId: string): Promise<ExecutionCounts>;
	listExecutions(workflowId: string): Promise<StoredExecution[]>;
	waitForFinishedExecutions(
		workflowId: string,
		count: number,
		options?: { timeoutMs?: number; pollMs?: number },
	): Promise<ExecutionCounts>;
}

export interface JobQueue {
	countJobs(): Promise<{ waiting: number; active: number }>;
	listActiveJobs(): Promise<Array<{ jobId: string; executionId: string | undefined }>>;
}

export interface RoundRobinProxy {
	port: number;
	/** Requests sent to each webhook processor, by name, including those that failed. */
	requestCounts: Record<string, number>;
	/** Requests answered 502 because a webhook processor could not be reached, by name. */
	failureCounts: Record<string, number>;
	url(pathname: string): string;
}

export interface QueueTopology {
	folder: string;
	redis: { port: number };
	postgres: { port: number; database: string };
	database: PostgresN8nDatabase;
	jobQueue: JobQueue;
	main: N8nInstance;
	webhookProcessors: N8nInstance[];
	workers: N8nInstance[];
	proxy: RoundRobinProxy;
	/** Milliseconds from the start of Redis until every process was ready. */
	startupMs: number;
	instances(): N8nInstance[];
	/** Builds the production URL of a webhook behind the round-robin proxy. */
	productionUrl(webhookId: string, webhookPath?: string): string;
	/** Stops one n8n process gracefully and starts it again with the same settings and port. */
	restart(instance: N8nInstance, readyTimeoutMs?: number): Promise<void>;
	stop(): Promise<void>;
}

export declare function startQueueTopology(options: {
	installation: N8nInstallation;
	credentials?: CredentialToImport[];
	workflows?: object[];
	expectedWebhooks?: number;
	webhookProcessors?: number;
	workers?: number;
	workerConcurrency?: number;
	/** Variables set on top of the queue-mode environment, for every n8n process. */
	environment?: Record<string, string>;
	packageRoot?: string;
	log?: (message: string) => void;
	readyTimeoutMs?: number;
}): Promise<QueueTopology>;
