/**
 * WhatsApp Cloud Listener Trigger (issue 19): Meta's webhooks on a port of its own inside n8n, for
 * campaign volumes. n8n runs every request to a community webhook trigger through a fresh expression
 * isolate (README "Capacity"), which caps the WhatsApp Cloud Trigger at a few dozen requests a second;
 * this trigger answers Meta itself (listener.ts → core/receiver/server.ts: handshake, signature, every
 * store side effect in one transaction, then 200) and starts the workflow only for the events it is
 * set to emit. Put it behind the same HTTPS reverse proxy as n8n (Meta's callback URL → this port).
 */
import type { INodeType, INodeTypeDescription, IRun, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { getOptionalCredentials, getWebhookCredentials, STORE_CREDENTIAL } from '../shared/credentials';
import { getStoreFor, storeOptionsFromCredentials } from '../shared/store';
import { getWaitStoreFor } from '../shared/waitStore';
import { eventFilterOf, keywordOptionsOf } from '../shared/webhookFields';
import { listenerProperties, listenerCredentials } from './description';
import { startListener } from './listener';

/**
 * How long a batch's outbox rows wait for n8n to run its execution before they are marked done anyway
 * (a long workflow must not hold back the next messages; a crash within it may start the batch twice).
 */
const EXECUTION_WAIT_MS = 30_000;

/** Resolves when `done` settles with a run (a failed workflow is done too) or after `ms`; rejects when n8n could not start it. */
function doneWithin(done: Promise<unknown>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([done.then(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

export class WhatsAppCloudListenerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WhatsApp Cloud Listener Trigger',
		name: 'whatsAppCloudListenerTrigger',
		icon: 'file:whatsAppCloudListenerTrigger.svg',
		group: ['trigger'],
		version: 1,
		subtitle: '={{"port " + $parameter["port"]}}',
		description:
			'Receives WhatsApp Cloud API webhooks on its own port inside n8n — hundreds a second, for campaigns — and starts the workflow only for the events you pick',
		defaults: { name: 'WhatsApp Cloud Listener Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: listenerCredentials,
		properties: listenerProperties,
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Read once, on activation: nothing of n8n's runs per request.
		const secrets = await getWebhookCredentials(this);
		const storeCredentials = await getOptionalCredentials(this, STORE_CREDENTIAL);
		const storeOptions = storeOptionsFromCredentials(storeCredentials);
		const store = await getStoreFor(storeOptions);
		const port = Number(this.getNodeParameter('port', 5690));
		if (!Number.isInteger(port) || port < 1 || port > 65535) {
			throw new NodeOperationError(this.getNode(), `Port must be a whole number from 1 to 65535 (got ${this.getNodeParameter('port', '')})`);
		}
		const options = this.getNodeParameter('options', {}) as Record<string, unknown>;
		const node = this.getNode();
		const manual = this.getMode() === 'manual';
		try {
			const receiver = await startListener({
				port,
				host: String(this.getNodeParameter('host', '0.0.0.0') || '0.0.0.0'),
				appSecret: secrets.appSecret,
				verifyToken: secrets.verifyToken,
				store,
				// Production and a manual test keep apart outboxes (a test never takes production's events).
				target: `listener:${this.getWorkflow().id ?? ''}:${node.id}${manual ? ':manual' : ''}`,
				filter: eventFilterOf(this.getNodeParameter('events', []), options),
				touchContacts: options.touchContacts !== false,
				optOutKeywords: options.optOutKeywords !== false,
				keywordOptions: keywordOptionsOf(options),
				resume: options.resumeWaits === false ? undefined : { waitStore: () => getWaitStoreFor(storeOptions), emitAnswers: options.emitWaitAnswers === true },
				emit: async (items) => {
					// A manual test only shows the items; an active workflow's batch is done once n8n has run it.
					if (manual) return this.emit([items]);
					const done = this.helpers.createDeferredPromise<IRun>();
					this.emit([items], undefined, done);
					await doneWithin(done.promise, EXECUTION_WAIT_MS);
				},
				log: (message) => this.logger.warn(`WhatsApp Cloud Listener Trigger: ${message}`),
			});
			return { closeFunction: () => receiver.close() };
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message);
		}
	}
}
