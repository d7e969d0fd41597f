import type { SecretSlot } from './configuration';
import type { JsonValue, YcmCapacity, YcmDid, YcmElement } from './events';
import type { IsoTimeConverter } from './iso-time';
import { createIsoTimeConverter } from './iso-time';

export { toIsoTime } from './iso-time';

/** Split of a delivery into n8n items, as chosen in the node's Output option. */
export type OutputMode = 'perPbx' | 'perDid' | 'perDelivery';
export const OUTPUT_MODES: readonly OutputMode[] = ['perPbx', 'perDid', 'perDelivery'];

/** Request details the user can ask to have added to every item. */
export type RequestExtras = {
	headers?: { [name: string]: string | string[] };
	rawBody?: string;
};

/** Identity of a delivery, the same on every item it yields. */
export type DeliveryInfo = {
	deliveryId: string;
	/** The credential field whose secret matched the signature. */
	signedWith: SecretSlot;
};

type ItemBase = RequestExtras &
	DeliveryInfo & {
		sn: string | null;
		updateTime: number | null;
		/** `updateTime` as ISO 8601 in UTC, or null when YCM sent no usable time. */
		updatedAt: string | null;
	};

export type DidChangeItem = ItemBase & {
	eventType: 'didChange';
	sn: string;
	updateTime: number;
	event: string;
	/** The DIDs the Cloud PBX has after the change, not a diff; empty when none are left. */
	dids: YcmDid[];
};

/** One DID of a DID change; the DID fields are null for a Cloud PBX with no DIDs left. */
export type DidItem = ItemBase & {
	eventType: 'didChange';
	sn: string;
	updateTime: number;
	event: string;
	did: string | null;
	didId: string | null;
	trunkId: string | null;
	trunkName: string | null;
};

export type CapacityChangeItem = ItemBase & {
	eventType: 'capacityChange';
	sn: string;
	updateTime: number;
	modifier: string | null;
	capacity: YcmCapacity;
};

export type ConnectivityTestItem = ItemBase & {
	eventType: 'connectivityTest';
	sn: null;
	updateTime: null;
	updatedAt: null;
	event: 'test';
	message: string | null;
};

/** An element of a shape this package does not know, passed on whole. */
export type UnknownItem = ItemBase & {
	eventType: 'unknown';
	element: JsonValue;
};

export type PbxItem = DidChangeItem | CapacityChangeItem | ConnectivityTestItem | UnknownItem;

export type DeliveryItem = RequestExtras &
	DeliveryInfo & {
		events: PbxItem[];
	};

export type YcmItem = PbxItem | DidItem | DeliveryItem;

/** Adds the request details the user requested, after the event's own fields. */
function withExtras<T extends PbxItem>(item: T, extras: RequestExtras): T {
	if (extras.headers !== undefined) item.headers = extras.headers;
	if (extras.rawBody !== undefined) item.rawBody = extras.rawBody;
	return item;
}

// The items are written field by field rather than with spreads, because building them is a large
// part of what the node adds to n8n's parse of a large delivery.
function toPbxItem(
	element: YcmElement,
	delivery: DeliveryInfo,
	extras: RequestExtras,
	toIso: IsoTimeConverter,
): PbxItem {
	const { deliveryId, signedWith } = delivery;
	switch (element.eventType) {
		case 'didChange':
			return withExtras(
				{
					eventType: 'didChange',
					deliveryId,
					signedWith,
					sn: element.sn,
					updateTime: element.updateTime,
					updatedAt: toIso(element.updateTime),
					event: element.event,
					dids: element.dids,
				},
				extras,
			);
		case 'capacityChange':
			return withExtras(
				{
					eventType: 'capacityChange',
					deliveryId,
					signedWith,
					sn: element.sn,
					updateTime: element.updateTime,
					updatedAt: toIso(element.updateTime),
					modifier: element.modifier,
					capacity: element.capacity,
				},
				extras,
			);
		case 'connectivityTest':
			return withExtras(
				{
					eventType: 'connectivityTest',
					deliveryId,
					signedWith,
					sn: null,
					updateTime: null,
					updatedAt: null,
					event: 'test',
					message: element.message,
				},
				extras,
			);
		case 'unknown':
			return withExtras(
				{
					eventType: 'unknown',
					deliveryId,
					signedWith,
					sn: element.sn,
					updateTime: element.updateTime,
					updatedAt: toIso(element.updateTime),
					element: element.element,
				},
				extras,
			);
	}
}

/** Splits a DID change into one item per DID, keeping one item when no DID is left. */
function toDidItems(item: DidChangeItem): DidItem[] {
	const { dids, ...change } = item;
	if (dids.length === 0) {
		return [{ ...change, did: null, didId: null, trunkId: null, trunkName: null }];
	}
	return dids.map((did) => ({ ...change, ...did }));
}

/**
 * One converter for every delivery: it keeps the date of the last day it formatted, and YCM's
 * events of one day share that day, so even a delivery's first item usually skips Date.
 */
const toIsoTimeCached = createIsoTimeConverter();

/** Turns the subscribed elements of one delivery into the items the node emits. */
export function buildItems(
	elements: readonly YcmElement[],
	mode: OutputMode,
	delivery: DeliveryInfo,
	extras: RequestExtras,
): YcmItem[] {
	if (mode === 'perDelivery') {
		const events = elements.map((element) => toPbxItem(element, delivery, {}, toIsoTimeCached));
		return [{ ...delivery, events, ...extras }];
	}

	const items = elements.map((element) => toPbxItem(element, delivery, extras, toIsoTimeCached));
	if (mode === 'perPbx') return items;

	return items.flatMap((item): YcmItem[] =>
		item.eventType === 'didChange' ? toDidItems(item) : [item],
	);
}
