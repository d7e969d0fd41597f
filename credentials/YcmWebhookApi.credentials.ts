import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** The secret YCM signs webhook deliveries with. The node uses it only to verify signatures. */
export class YcmWebhookApi implements ICredentialType {
	name = 'ycmWebhookApi';

	displayName = 'YCM Webhook API';

	icon = {
		light: 'file:../nodes/YcmTrigger/ycm.svg',
		dark: 'file:../nodes/YcmTrigger/ycm.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-yeastar-ycm#the-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			hint: 'In YCM: System > API > Webhook Event Push, then the Secret of this webhook',
			description:
				'The 32-character secret YCM generated for this webhook. YCM signs every delivery with it.',
		},
		{
			displayName: 'Previous Secret',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			hint: 'Only while rotating: the secret YCM used before you regenerated it',
			description:
				'Deliveries signed with either secret are accepted while both are set. Items show which one matched in `signedWith`; clear this field once they all say "current".',
		},
	];
}
