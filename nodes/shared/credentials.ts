/**
 * Credentials → core objects. Every node reads its credentials through here, so field names live
 * in one place (credentials/*.credentials.ts define them).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { GraphClient, DEFAULT_GRAPH_API_VERSION, DEFAULT_GRAPH_BASE_URL } from '../../core/graph/client';

export const CLOUD_API_CREDENTIAL = 'whatsAppCloudApi';
export const WEBHOOK_CREDENTIAL = 'whatsAppCloudWebhookApi';
export const STORE_CREDENTIAL = 'whatsAppCloudStoreApi';

/** Anything n8n hands a node that can read credentials (execute, webhook, hook, load-options…). */
export interface CredentialReader {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

export interface CloudApiCredentials {
	accessToken: string;
	businessAccountId: string;
	phoneNumberId?: string;
	apiVersion: string;
	baseUrl: string;
}

export interface WebhookCredentials {
	appSecret: string;
	verifyToken: string;
	appId?: string;
	/** Shared with the webhook receiver (core/receiver, issue 19): signs the batches it forwards. */
	receiverSecret?: string;
}

export async function getCloudApiCredentials(ctx: CredentialReader, itemIndex?: number): Promise<CloudApiCredentials> {
	const c = await ctx.getCredentials(CLOUD_API_CREDENTIAL, itemIndex);
	return {
		accessToken: String(c.accessToken ?? ''),
		businessAccountId: String(c.businessAccountId ?? '').trim(),
		phoneNumberId: c.phoneNumberId ? String(c.phoneNumberId).trim() : undefined,
		apiVersion: String(c.apiVersion || DEFAULT_GRAPH_API_VERSION).trim(),
		baseUrl: String(c.baseUrl || DEFAULT_GRAPH_BASE_URL).trim(),
	};
}

export async function getWebhookCredentials(ctx: CredentialReader): Promise<WebhookCredentials> {
	const c = await ctx.getCredentials(WEBHOOK_CREDENTIAL);
	return {
		appSecret: String(c.appSecret ?? ''),
		verifyToken: String(c.verifyToken ?? ''),
		appId: c.appId ? String(c.appId).trim() : undefined,
		receiverSecret: c.receiverSecret ? String(c.receiverSecret) : undefined,
	};
}

/** Reads an optional credential: undefined when the node has none of that type set. */
export async function getOptionalCredentials(
	ctx: CredentialReader,
	type: string,
	itemIndex?: number,
): Promise<ICredentialDataDecryptedObject | undefined> {
	try {
		return await ctx.getCredentials(type, itemIndex);
	} catch (error) {
		const message = (error as Error).message ?? '';
		if (/no(t)? .*credentials?|credentials? .*not (set|found)|does not have any credentials/i.test(message)) return undefined;
		throw error;
	}
}

const clients = new Map<string, GraphClient>();

/** One GraphClient (and keep-alive pool) per credential set, reused across executions. */
export async function getGraphClient(
	ctx: CredentialReader,
	itemIndex?: number,
	options: { timeoutMs?: number; maxSockets?: number } = {},
): Promise<{ client: GraphClient; credentials: CloudApiCredentials }> {
	const credentials = await getCloudApiCredentials(ctx, itemIndex);
	const key = JSON.stringify([credentials.baseUrl, credentials.apiVersion, credentials.accessToken, options.timeoutMs, options.maxSockets]);
	let client = clients.get(key);
	if (!client) {
		client = new GraphClient({ ...credentials, ...options });
		if (clients.size > 64) clients.clear();
		clients.set(key, client);
	}
	return { client, credentials };
}
