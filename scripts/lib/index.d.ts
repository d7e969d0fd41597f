// Types of the harness in this folder, for the end-to-end tests written in TypeScript.

/// <reference types="node" />

import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export declare const N8N_VERSION: string;
export declare const NODE_VERSION: string;
export declare const PROJECT_ROOT: string;
export declare const DELIVERIES_FOLDER: string;
export declare const SIGNATURE_HEADER: string;

export interface N8nInstallation {
	folder: string;
	nodeBinFolder: string;
	nodePath: string;
	n8nPath: string;
	n8nVersion: string;
}

export declare function ensureN8nInstalled(options?: {
	log?: (message: string) => void;
}): N8nInstallation;

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

/** One execution as n8n stored it. */
export interface StoredExecution {
	id: string;
	workflowId: string;
	/** 'new', 'running', 'success', 'error', 'canceled', … */
	status: string;
	/** 'webhook' for an execution started by a production webhook. */
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	/** Node name → JSON of the items on its first output in its last run. */
	outputs: Record<string, Array<Record<string, unknown>>>;
	/** The error that ended the execution (`resultData.error`), or null when none did. */
	error: { message: string; description: string | null } | null;
}

/** The number of executions of one workflow with one status. */
export interface ExecutionCount {
	workflowId: string;
	status: string;
	count: number;
}

export interface N8nDatabase {
	databasePath: string;
	countWebhooks(): Promise<number>;
	listExecutions(): Promise<StoredExecution[]>;
	/** Counts executions per workflow and status without reading their data. */
	countExecutions(): Promise<ExecutionCount[]>;
	waitForSettledExecutions(options?: {
		quietMs?: number;
		timeoutMs?: number;
		pollMs?: number;
	}): Promise<StoredExecution[]>;
}

export interface N8nServer {
	/** The process id of n8n, which leads its own process group. */
	pid: number;
	port: number;
	baseUrl: string;
	userFolder: string;
	logPath: string;
	database: N8nDatabase;
	/** Milliseconds from `n8n start` until the webhooks were registered. */
	startupMs: number;
	productionUrl(webhookId: string, webhookPath?: string): string;
	stop(options?: { keepUserFolder?: boolean }): Promise<void>;
	keepRunning(): void;
	logTail(lineCount?: number): string;
}

export declare function startN8n(options: {
	installation: N8nInstallation;
	credentials?: CredentialToImport[];
	workflows?: object[];
	expectedWebhooks?: number;
	packageRoot?: string;
	log?: (message: string) => void;
	readyTimeoutMs?: number;
	/** Variables set on top of the isolated environment, for every n8n command. */
	environment?: Record<string, string>;
}): Promise<N8nServer>;

export interface SampleDelivery {
	name: string;
	file: string;
	path: string;
	body: Buffer;
	note: string;
	expect: { items: number; eventTypes: string[]; didCounts?: number[] };
}

export interface SignatureVector {
	name: string;
	/** The name of the body in the manifest, such as 'did-change-one-pbx.tampered'. */
	bodyName: string;
	body: Buffer;
	file: string;
	path: string;
	/** The X-Signature value, or null for a request without the header. */
	signature: string | null;
	valid: boolean;
}

export declare function loadSampleDeliveries(folder?: string): {
	secret: string;
	otherSecret: string;
	deliveries: SampleDelivery[];
	vectors: SignatureVector[];
};

export declare function signBody(body: Buffer, secret: string): string;

export interface DeliveryResponse {
	status: number;
	headers: IncomingHttpHeaders;
	body: string;
}

export declare function sendDelivery(delivery: {
	url: string;
	body: Buffer;
	signature: string | null;
	method?: 'POST' | 'GET';
	contentType?: string;
	timeoutMs?: number;
}): Promise<DeliveryResponse>;

/**
 * Sends one request with a body and resolves with the response, whatever its status. Node.js
 * sends a flat list of header names and values in that order and spelling.
 */
export declare function sendHttpRequest(request: {
	url: string;
	method: string;
	headers: OutgoingHttpHeaders | string[];
	body: Buffer;
	timeoutMs: number;
}): Promise<DeliveryResponse>;
