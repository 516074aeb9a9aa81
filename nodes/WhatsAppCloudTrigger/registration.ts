/**
 * Automatic registration (Registration = Automatic): on activation the WhatsApp Business Account's
 * webhooks are pointed at this trigger (`POST /{WABA}/subscribed_apps` with `override_callback_uri`,
 * core/webhook/subscription.ts), undone on deactivation. An override held by another URL is never
 * replaced silently: activation fails naming that URL unless *Take Over* is on; the activation log
 * names the URL that now receives the events. Manual registration: every method is a no-op.
 */
import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { GraphClient } from '../../core/graph/client';
import { findOverride, registerOverride, unregisterOverride, type DeactivateMode } from '../../core/webhook/subscription';
import { getGraphClient, getWebhookCredentials } from '../shared/credentials';
import { toNodeError } from '../shared/errors';

interface Registration {
	client: GraphClient;
	wabaId: string;
	url: string;
	/** From the WhatsApp Cloud Webhook credential: only this app's override counts (subscription.ts). */
	appId?: string;
	verifyToken: string;
}

const LOG = 'WhatsApp Cloud Trigger:';

/** Runs `step` with the Graph client, WABA and URL when registration is automatic; Meta's errors as NodeApiError. */
function automatic(step: (ctx: IHookFunctions, r: Registration) => Promise<boolean>, storedWabaId?: (ctx: IHookFunctions) => string | undefined) {
	return async function (this: IHookFunctions): Promise<boolean> {
		if (this.getNodeParameter('registration', 'manual') !== 'automatic') return true;
		const r = await registrationOf(this, storedWabaId?.(this));
		try {
			return await step(this, r);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	};
}

export const registrationMethods = {
	checkExists: automatic(async (ctx, { client, wabaId, url, appId }) => {
		const found = (await findOverride(client, wabaId, url, appId)) !== undefined;
		if (found) ctx.logger?.info(`${LOG} WhatsApp Business Account ${wabaId}'s webhooks go to ${url} (registration already in place)`);
		return found;
	}),
	create: automatic(async (ctx, { client, wabaId, url, appId, verifyToken }) => {
		if (!verifyToken) throw new NodeOperationError(ctx.getNode(), 'The WhatsApp Cloud Webhook credential has no verify token');
		const takeOver = ctx.getNodeParameter('takeOver', false) === true;
		const registered = await registerOverride(client, wabaId, url, verifyToken, { takeOver, appId });
		ctx.logger?.info(
			`${LOG} WhatsApp Business Account ${wabaId}'s webhooks now go to ${url}` +
				(registered.previousUrl ? ` (taken over from ${registered.previousUrl}, which no longer receives them)` : ''),
		);
		const data = ctx.getWorkflowStaticData('node');
		data.registeredWabaId = wabaId;
		data.registeredUrl = url;
		return true;
	}),
	delete: automatic(
		async (ctx, { client, wabaId, url, appId }) => {
			const mode = ctx.getNodeParameter('onDeactivate', 'restore') as DeactivateMode;
			const done = await unregisterOverride(client, wabaId, url, mode, appId);
			const what =
				done === 'restored'
					? `WhatsApp Business Account ${wabaId}'s webhooks go back to the app's callback URL`
					: done === 'unsubscribed'
						? `the app is unsubscribed from WhatsApp Business Account ${wabaId}`
						: `WhatsApp Business Account ${wabaId}'s registration left as is (${mode === 'keep' ? 'On Deactivation: keep' : `it no longer points at ${url}`})`;
			ctx.logger?.info(`${LOG} ${what}`);
			const data = ctx.getWorkflowStaticData('node');
			delete data.registeredWabaId;
			delete data.registeredUrl;
			return true;
		},
		// Deactivation undoes what activation registered, even if the WABA field was edited since.
		(ctx) => ctx.getWorkflowStaticData('node').registeredWabaId as string | undefined,
	),
};

async function registrationOf(ctx: IHookFunctions, storedWabaId?: string): Promise<Registration> {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n did not provide a webhook URL for this node');
	let graph;
	try {
		graph = await getGraphClient(ctx);
	} catch (error) {
		if (error instanceof NodeOperationError && /credential/i.test(error.message)) {
			throw new NodeOperationError(ctx.getNode(), 'Automatic registration needs a WhatsApp Cloud API credential: add one to the trigger');
		}
		throw error;
	}
	const { client, credentials } = graph;
	const wabaId = (storedWabaId || String(ctx.getNodeParameter('wabaId', '') || '').trim() || credentials.businessAccountId).trim();
	if (!wabaId) {
		throw new NodeOperationError(ctx.getNode(), 'No WhatsApp Business Account ID: set it on the node or in the WhatsApp Cloud API credential');
	}
	const { appId, verifyToken } = await getWebhookCredentials(ctx);
	return { client, wabaId, url, appId, verifyToken };
}
