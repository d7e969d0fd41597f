/** YCM generates every webhook secret with exactly this many characters. */
export const SECRET_LENGTH = 32;

/** The shape YCM generates: 32 printable ASCII characters. Checked first, being the common case. */
const TYPICAL_SECRET = /^[\x21-\x7e]{32}$/;

const WHERE_TO_COPY = 'Copy it again from YCM > System > API > Webhook Event Push.';

/**
 * Describes what is wrong with a secret from the credential, or returns undefined when it has the
 * shape YCM generates. The message names the length and position of a fault, never a character of
 * the secret itself.
 */
export function describeSecretProblem(secret: unknown, fieldName = 'Secret'): string | undefined {
	if (secret === undefined || secret === null || secret === '') {
		return `${fieldName} is missing. ${WHERE_TO_COPY}`;
	}
	if (typeof secret !== 'string') {
		return `${fieldName} must be text, not ${typeof secret}. ${WHERE_TO_COPY}`;
	}
	if (TYPICAL_SECRET.test(secret)) return undefined;

	const whitespaceAt = secret.search(/\s/);
	if (whitespaceAt !== -1) {
		return (
			`${fieldName} contains whitespace at position ${whitespaceAt + 1}, which YCM never ` +
			`generates; it was probably copied with a space or line break. ${WHERE_TO_COPY}`
		);
	}

	const length = [...secret].length;
	if (length !== SECRET_LENGTH) {
		return (
			`${fieldName} must be exactly ${SECRET_LENGTH} characters (it has ${length}). ` +
			WHERE_TO_COPY
		);
	}

	return undefined;
}
