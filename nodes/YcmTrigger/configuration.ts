import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputMode } from './items';
import { OUTPUT_MODES } from './items';
import { describeSecretProblem } from './secret';
import { readSelections } from './subscription';

/** Credential field whose secret signed a delivery. Items carry it, so users know when to drop the old one. */
export type SecretSlot = 'current' | 'previous';

export type SigningSecrets = { secrets: string[]; slots: SecretSlot[] };

export type TriggerOptions = {
	output: OutputMode;
	includeHeaders: boolean;
	includeRawBody: boolean;
	/** Minutes in which a repeated delivery ID is ignored; undefined when the option is not set. */
	retryWindowMinutes: number | undefined;
	/** Minutes after which an event counts as stale; undefined when the option is not set. */
	maxEventAgeMinutes: number | undefined;
};

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOutputMode(value: unknown): value is OutputMode {
	return OUTPUT_MODES.some((mode) => mode === value);
}

/**
 * Reads the secrets from the credential. A missing or malformed secret stops the run with an
 * error shown to the user, and never lets a delivery through unverified.
 */
export async function readSecrets(context: IWebhookFunctions): Promise<SigningSecrets> {
	const credential = await context.getCredentials('ycmWebhookApi');

	const problem = describeSecretProblem(credential.secret);
	if (problem !== undefined) {
		throw new NodeOperationError(context.getNode(), 'The YCM webhook secret is invalid', {
			description: `${problem} Deliveries are not verified, and so not accepted, until it is fixed.`,
		});
	}
	const secrets = [String(credential.secret)];
	const slots: SecretSlot[] = ['current'];

	const previous = credential.previousSecret;
	if (previous === undefined || previous === null || previous === '') return { secrets, slots };

	const previousProblem = describeSecretProblem(previous, 'Previous Secret');
	if (previousProblem !== undefined) {
		throw new NodeOperationError(context.getNode(), 'The previous YCM webhook secret is invalid', {
			description: `${previousProblem} Or clear Previous Secret if the rotation is finished.`,
		});
	}
	return { secrets: [...secrets, String(previous)], slots: [...slots, 'previous'] };
}

export function readEventSelections(context: IWebhookFunctions): ReadonlySet<string> {
	const check = readSelections(context.getNodeParameter('events', []));
	if (!check.ok) {
		throw new NodeOperationError(context.getNode(), 'The Events parameter is invalid', {
			description: `${check.problem} Choose one or more events in the node's Events parameter.`,
		});
	}
	return check.selections;
}

function readMinutes(
	context: IWebhookFunctions,
	value: unknown,
	optionName: string,
): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;

	throw new NodeOperationError(context.getNode(), `The ${optionName} option is invalid`, {
		description: `It must be a number of minutes greater than 0, not "${String(value)}". Set it again, or remove the option.`,
	});
}

export function readOptions(context: IWebhookFunctions): TriggerOptions {
	const options: unknown = context.getNodeParameter('options', {});
	const values = isRecord(options) ? options : {};

	const output = values.output ?? 'perPbx';
	if (!isOutputMode(output)) {
		throw new NodeOperationError(context.getNode(), 'The Output option is invalid', {
			description: `"${String(output)}" is not an output this node knows. Choose it again in the node's options.`,
		});
	}

	return {
		output,
		includeHeaders: values.includeHeaders === true,
		includeRawBody: values.includeRawBody === true,
		retryWindowMinutes: readMinutes(context, values.retryWindow, 'Ignore Retries Within'),
		maxEventAgeMinutes: readMinutes(context, values.maxEventAge, 'Maximum Event Age'),
	};
}
