import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

/**
 * Writes the node's log lines about one delivery. The workflow and node are looked up only when
 * a line is written, because `getNode()` copies the whole node (about 1 µs per delivery in
 * bench/in-process.ts on Node.js 24), and most deliveries log nothing.
 */
export class DeliveryLog {
	/** The delivery ID, set once the signature is verified. Rejected deliveries have none. */
	deliveryId: string | undefined;

	constructor(private readonly context: IWebhookFunctions) {}

	private metadata(): IDataObject {
		const metadata: IDataObject = {
			workflowId: this.context.getWorkflow().id,
			node: this.context.getNode().name,
		};
		if (this.deliveryId !== undefined) metadata.deliveryId = this.deliveryId;
		return metadata;
	}

	/** Logs at warn. n8n's text log leaves out the metadata, so the message names the workflow and node too. */
	warn(message: string, details: IDataObject): void {
		const metadata = this.metadata();
		const workflow = typeof metadata.workflowId === 'string' ? metadata.workflowId : 'unsaved';
		this.context.logger.warn(`${message} (workflow ${workflow}, node "${String(metadata.node)}")`, {
			...metadata,
			...details,
		});
	}

	info(message: string): void {
		this.context.logger.info(message, this.metadata());
	}

	debug(message: string, details: IDataObject): void {
		this.context.logger.debug(message, { ...this.metadata(), ...details });
	}
}
