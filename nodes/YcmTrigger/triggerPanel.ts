import type { TriggerPanelDefinition } from 'n8n-workflow';

// The editor shows these texts beside the node's parameters and renders them as HTML. YCM has
// no API to register webhooks, so the panel walks the administrator through YCM's own screen,
// in YCM's words (System > API > Webhook Event Push).

const connectSteps = [
	'<b>Connect YCM to this workflow</b>',
	'<ol>',
	'<li>Open <b>Webhook URLs</b> at the top of the parameters and copy the <b>Test URL</b>.</li>',
	'<li>In YCM, go to <b>System &gt; API</b>, tick <b>Webhook Event Push</b> and click <b>Add</b>.</li>',
	'<li>Paste the URL into <b>Webhook URL</b>.</li>',
	"<li>Copy the <b>Secret</b> that YCM generated into this node's credential.</li>",
	"<li>Set <b>Request Method</b> to this node's <b>HTTP Method</b>.</li>",
	'<li>Under <b>Event</b>, tick the events this workflow handles, such as PCE DID Change.</li>',
	'<li>Click <b>Execute step</b> above, then <b>Test</b> in YCM. The connectivity test arrives as one item.</li>',
	'</ol>',
].join('');

const goLiveSteps = [
	'<br /><b>Go live</b><br />',
	'Publish the workflow (in n8n 1.x: activate it), then edit the ',
	'webhook in YCM and replace the Test URL with the <b>Production URL</b> from the other tab of ',
	'Webhook URLs. Deliveries then run the workflow without the editor open, and show up in the ',
	'<a data-key="executions">executions list</a>.',
].join('');

const liveSummary = [
	'<b>The workflow is live</b><br />',
	'Every delivery to the <b>Production URL</b> that carries a valid signature starts it, and ',
	'shows up in the <a data-key="executions">executions list</a>, not in the editor. ',
	'To try a change first, point the webhook in YCM (System &gt; API &gt; Webhook Event Push) ',
	'at the <b>Test URL</b>, click <b>Execute step</b> above, then <b>Test</b> in YCM.',
].join('');

/** The help in the editor's trigger panel: how to add the webhook in YCM and go live. */
export const triggerPanel: TriggerPanelDefinition = {
	executionsHelp: {
		inactive: `${connectSteps}${goLiveSteps}`,
		active: liveSummary,
	},
	activationHint: {
		inactive:
			'Paste the <b>Test URL</b> from Webhook URLs into a webhook in YCM (System &gt; API &gt; ' +
			'Webhook Event Push). Then click the button above, and <b>Test</b> in YCM.',
		active: 'YCM deliveries to the <b>Production URL</b> now run this workflow.',
	},
};
