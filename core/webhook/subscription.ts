/**
 * Per-WABA webhook registration (cloud-api.md §4 "Subscription"):
 *  - `POST /{WABA_ID}/subscribed_apps` with `{override_callback_uri, verify_token}` points this
 *    WABA's webhooks at our URL (Meta first calls the URL with the GET handshake); returns `{success}`.
 *  - `GET /{WABA_ID}/subscribed_apps` → `{data:[{whatsapp_business_api_data:{id,name,link}, override_callback_uri?}]}`.
 *  - Restoring: `POST` without an override sends events back to the app-level callback URL;
 *    `DELETE` unsubscribes the app from the WABA entirely.
 * Errors are never swallowed: GraphApiError propagates to the caller.
 */
import type { GraphClient } from '../graph/client';

export interface SubscribedApp {
	whatsapp_business_api_data?: { id?: string; name?: string; link?: string };
	override_callback_uri?: string;
}

export type DeactivateMode = 'restore' | 'unsubscribe' | 'keep';

function path(wabaId: string): string {
	if (!/^[0-9]{1,32}$/.test(wabaId)) throw new Error(`WhatsApp Business Account ID must be digits, got ${JSON.stringify(wabaId)}`);
	return `/${wabaId}/subscribed_apps`;
}

export async function listSubscribedApps(client: GraphClient, wabaId: string): Promise<SubscribedApp[]> {
	const res = await client.get<{ data?: SubscribedApp[] }>(path(wabaId));
	return Array.isArray(res?.data) ? res.data : [];
}

/** The app subscription whose override points at `url` (optionally only for `appId`). */
export async function findOverride(client: GraphClient, wabaId: string, url: string, appId?: string): Promise<SubscribedApp | undefined> {
	const apps = await listSubscribedApps(client, wabaId);
	return apps.find((a) => a.override_callback_uri === url && (!appId || a.whatsapp_business_api_data?.id === appId));
}

export async function registerOverride(client: GraphClient, wabaId: string, url: string, verifyToken: string): Promise<void> {
	if (!/^https?:\/\//.test(url)) throw new Error(`The webhook URL must be an http(s) URL, got ${JSON.stringify(url)}`);
	await client.post(path(wabaId), { override_callback_uri: url, verify_token: verifyToken });
}

/**
 * Undoes our registration when the override still points at `url` (another workflow may have taken
 * the WABA over since; then nothing is touched). Returns what was done.
 */
export async function unregisterOverride(client: GraphClient, wabaId: string, url: string, mode: DeactivateMode, appId?: string): Promise<'restored' | 'unsubscribed' | 'untouched'> {
	if (mode === 'keep') return 'untouched';
	const ours = await findOverride(client, wabaId, url, appId);
	if (!ours) return 'untouched';
	if (mode === 'unsubscribe') {
		await client.delete(path(wabaId));
		return 'unsubscribed';
	}
	await client.post(path(wabaId));
	return 'restored';
}
