/**
 * The trigger's per-request costs inside n8n (issue 19).
 *
 * n8n 2.x with its default expression engine (`vm`) builds a fresh isolated-vm isolate for every
 * `getCredentials()` call a webhook makes (credentials-helper: a throw-away Workflow acquires one to
 * resolve credential expressions, and disposing it makes the pool build the next) — 40–100 ms of CPU
 * each on a 2-core machine. So the trigger reads each credential once per workflow and keeps it:
 *
 *  - by workflow id + node id + credential id (another node that names the same credential reads it itself);
 *  - for CACHE_MS (60 s): an edited credential is seen within a minute; an edited app secret or
 *    receiver secret at once, because a signature that fails against the kept secret re-reads the
 *    credential (at most once per REFRESH_MS per credential, so a flood of forged requests cannot make
 *    n8n build an isolate per request);
 *  - the Cloud API credential only for Download Media, when a request carries media;
 *  - the store credential only when the trigger has one and the request's events need the store
 *    (no store credential → the default SQLite file, no credential read at all).
 * The secrets stay in this process's memory, as in n8n's own credential cache.
 */
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';
import { getStoreFor, storeOptionsFromCredentials } from '../shared/store';
import { getGraphClient, getWebhookCredentials, STORE_CREDENTIAL, WEBHOOK_CREDENTIAL, type WebhookCredentials } from '../shared/credentials';
import type { Store } from '../../core/store/types';

export const CACHE_MS = 60_000;
export const REFRESH_MS = 5_000;

interface Entry<T> {
	value: Promise<T>;
	at: number;
}

const cache = new Map<string, Entry<unknown>>();

type Ctx = Pick<IWebhookFunctions, 'getNode' | 'getWorkflow' | 'getCredentials'>;

function keyOf(ctx: Ctx, type: string): string | undefined {
	const ref = ctx.getNode().credentials?.[type];
	if (!ref?.id) return undefined;
	const node = ctx.getNode();
	return `${ctx.getWorkflow().id ?? ''}\u0000${node.id}\u0000${type}\u0000${ref.id}`;
}

async function cached<T>(ctx: Ctx, type: string, read: () => Promise<T>, mode: 'use' | 'refresh', now = Date.now()): Promise<T> {
	const key = keyOf(ctx, type);
	// WHATSAPP_CLOUD_CREDENTIAL_CACHE=0: read on every request (the cost before issue 19; test/n8n/capacity.ts measures it).
	if (key === undefined || process.env.WHATSAPP_CLOUD_CREDENTIAL_CACHE === '0') return read();
	const hit = cache.get(key) as Entry<T> | undefined;
	const fresh = hit && (mode === 'use' ? now - hit.at < CACHE_MS : now - hit.at < REFRESH_MS);
	if (hit && fresh) return hit.value;
	const value = read();
	const entry: Entry<T> = { value, at: now };
	cache.set(key, entry);
	// A failed read is not kept (the next request tries again).
	value.catch(() => {
		if (cache.get(key) === entry) cache.delete(key);
	});
	if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
	return value;
}

/** The WhatsApp Cloud Webhook credential, read at most once a minute (`refresh`: re-read unless read in the last 5 s). */
export function webhookCredentials(ctx: Ctx, refresh = false): Promise<WebhookCredentials> {
	return cached(ctx, WEBHOOK_CREDENTIAL, () => getWebhookCredentials(ctx), refresh ? 'refresh' : 'use');
}

/** The WhatsApp Store credential's data (read at most once a minute), or undefined when the trigger has none (resumeWaits.ts). */
export async function triggerStoreCredentials(ctx: Ctx): Promise<ICredentialDataDecryptedObject | undefined> {
	if (!ctx.getNode().credentials?.[STORE_CREDENTIAL]) return undefined;
	return cached<ICredentialDataDecryptedObject>(ctx, STORE_CREDENTIAL, () => ctx.getCredentials(STORE_CREDENTIAL), 'use');
}

/** The trigger's store: the WhatsApp Store credential's, or the default SQLite file without one. */
export async function triggerStore(ctx: Ctx): Promise<Store> {
	return getStoreFor(storeOptionsFromCredentials(await triggerStoreCredentials(ctx)));
}

/** The Graph client of the trigger's WhatsApp Cloud API credential (Download Media), the credential read at most once a minute. */
export function triggerGraphClient(ctx: Ctx): ReturnType<typeof getGraphClient> {
	return getGraphClient({ getCredentials: (type) => cached(ctx, type, () => ctx.getCredentials(type), 'use') });
}

/** Forgets every kept credential (tests). */
export function clearCredentialCache(): void {
	cache.clear();
}
