/**
 * Per-WABA webhook registration (cloud-api.md §4 "Subscription"):
 *  - `POST /{WABA_ID}/subscribed_apps` with `{override_callback_uri, verify_token}` points this
 *    WABA's webhooks at our URL (Meta first calls the URL with the GET handshake); returns `{success}`.
 *  - `GET /{WABA_ID}/subscribed_apps` → `{data:[{whatsapp_business_api_data:{id,name,link}, override_callback_uri?}]}`.
 *  - Restoring: `POST` without an override sends events back to the app-level callback URL;
 *    `DELETE` unsubscribes the app from the WABA entirely.
 *  - An app has ONE override per WABA: a second POST replaces the first silently, and the first
 *    URL (another workflow, another n8n) never hears again. registerOverride therefore reads the
 *    current override first and refuses to replace another URL's (OverrideConflictError, naming
 *    it) unless asked to take over.
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

/** Another URL holds the WABA's override callback; registering would silently cut it off. */
export class OverrideConflictError extends Error {
	constructor(
		readonly wabaId: string,
		readonly currentUrl: string,
		readonly url: string,
		appKnown: boolean,
	) {
		super(
			`WhatsApp Business Account ${wabaId}'s webhooks already go to ${currentUrl} (its override callback URL), not to this trigger's ${url}. ` +
				'Registering would silently cut that receiver off. Deactivate the workflow that uses it, or turn on "Take Over" on this trigger to replace it deliberately' +
				(appKnown ? '.' : ' (or, if that URL belongs to another Meta app, set the App ID in the WhatsApp Cloud Webhook credential so only this app\'s registration is compared).'),
		);
		this.name = 'OverrideConflictError';
	}
}

/**
 * The override URL that currently receives this app's events for the WABA, other than `url`.
 * With `appId`, only that app's subscription counts; without it, any subscribed app's override
 * (the token cannot tell which app it belongs to).
 */
async function otherOverride(client: GraphClient, wabaId: string, url: string, appId?: string): Promise<string | undefined> {
	const apps = await listSubscribedApps(client, wabaId);
	return apps.find((a) => a.override_callback_uri && a.override_callback_uri !== url && (!appId || a.whatsapp_business_api_data?.id === appId))?.override_callback_uri;
}

export interface RegisterOptions {
	/** Replace an override that points at another URL (default false: OverrideConflictError). */
	takeOver?: boolean;
	/** The Meta app id (WhatsApp Cloud Webhook credential), to compare only this app's override. */
	appId?: string;
}

/** Points the WABA's webhooks at `url`; returns the URL it took over from, if any. */
export async function registerOverride(
	client: GraphClient,
	wabaId: string,
	url: string,
	verifyToken: string,
	options: RegisterOptions = {},
): Promise<{ url: string; previousUrl?: string }> {
	if (!/^https?:\/\//.test(url)) throw new Error(`The webhook URL must be an http(s) URL, got ${JSON.stringify(url)}`);
	const previousUrl = await otherOverride(client, wabaId, url, options.appId);
	if (previousUrl && !options.takeOver) throw new OverrideConflictError(wabaId, previousUrl, url, Boolean(options.appId));
	await client.post(path(wabaId), { override_callback_uri: url, verify_token: verifyToken });
	return previousUrl ? { url, previousUrl } : { url };
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
