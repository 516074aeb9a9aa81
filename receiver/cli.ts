#!/usr/bin/env node
/**
 * n8n-nodes-whatsapp-cloud-receiver — Meta's WhatsApp webhooks without n8n's per-request cost (issue 19,
 * core/receiver/server.ts). Point the Meta app's callback URL here; the receiver applies every store side
 * effect and forwards only the events your n8n workflows subscribe to.
 *
 *   WHATSAPP_APP_SECRET=… WHATSAPP_VERIFY_TOKEN=… WHATSAPP_RECEIVER_SECRET=… \
 *   npx n8n-nodes-whatsapp-cloud-receiver --port 8443 \
 *     --store sqlite:/home/node/.n8n/whatsapp-cloud.sqlite \
 *     --forward https://n8n.example.com/webhook/<webhookId>/webhook --events message
 *
 * Flags (secrets also as flags, but the environment keeps them out of `ps`):
 *   --port N (default 8080), --host H (default 0.0.0.0)
 *   --store sqlite:<file> | postgres://user:pass@host:5432/db[?schema=s]   (default: the n8n default
 *        SQLite file, $WHATSAPP_CLOUD_STORE_PATH or ~/.n8n/whatsapp-cloud.sqlite; env WHATSAPP_CLOUD_STORE)
 *   --forward URL   an n8n trigger (its Production URL); the filter flags after it apply to it:
 *     --events message,status,…   --statuses failed,read   --phone-number-ids 1065…,1065…
 *   --no-touch-contacts, --no-opt-out-keywords, --opt-out-list "STOP, BAJA", --extra-opt-out-list …, --opt-in-list …
 *   --batch-size N (events per forwarded POST, default 200)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultStorePath, openStore, postgresOptionsFromUrl } from '../core/store';
import type { StoreOptions } from '../core/store/types';
import { WebhookReceiver, type ReceiverTarget } from '../core/receiver/server';
import { parseKeywordList } from '../core/webhook/optOut';
import { WEBHOOK_EVENT_KINDS as KINDS, type WebhookEventKind } from '../core/webhook/types';

export interface CliConfig {
	port: number;
	host: string;
	store: StoreOptions;
	appSecret: string;
	verifyToken: string;
	forwardSecret: string;
	targets: ReceiverTarget[];
	touchContacts: boolean;
	optOutKeywords: boolean;
	optOutList?: string;
	extraOptOutList?: string;
	optInList?: string;
	batchSize?: number;
}

/** Flags that set a text setting to their value. */
const TEXT_FLAGS: Record<string, 'host' | 'appSecret' | 'verifyToken' | 'forwardSecret' | 'optOutList' | 'extraOptOutList' | 'optInList'> = {
	'--host': 'host',
	'--app-secret': 'appSecret',
	'--verify-token': 'verifyToken',
	'--receiver-secret': 'forwardSecret',
	'--opt-out-list': 'optOutList',
	'--extra-opt-out-list': 'extraOptOutList',
	'--opt-in-list': 'optInList',
};
/** Whole-number flags and their range. */
const NUMBER_FLAGS: Record<string, { field: 'port' | 'batchSize'; min: number; max: number }> = {
	'--port': { field: 'port', min: 0, max: 65535 },
	'--batch-size': { field: 'batchSize', min: 1, max: 5000 }, // events per forwarded POST
};
/** Filters of the --forward target before them: a comma- or space-separated list. */
const TARGET_LIST_FLAGS: Record<string, 'statuses' | 'phoneNumberIds'> = { '--statuses': 'statuses', '--phone-number-ids': 'phoneNumberIds' };
/** Switches that turn a default-on behaviour off. */
const OFF_FLAGS: Record<string, 'touchContacts' | 'optOutKeywords'> = { '--no-touch-contacts': 'touchContacts', '--no-opt-out-keywords': 'optOutKeywords' };

function list(value: string): string[] {
	return value
		.split(/[\s,]+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function storeFromSpec(spec: string | undefined): StoreOptions {
	if (!spec) return { backend: 'sqlite', path: defaultStorePath() };
	if (spec.startsWith('sqlite:')) return { backend: 'sqlite', path: spec.slice('sqlite:'.length) };
	if (/^postgres(ql)?:\/\//.test(spec)) {
		const u = new URL(spec);
		const schema = u.searchParams.get('schema') ?? undefined;
		u.search = '';
		return postgresOptionsFromUrl(u.toString(), schema);
	}
	throw new Error(`--store: expected sqlite:<file> or postgres://…, got ${JSON.stringify(spec.replace(/:[^:@/]*@/, ':***@'))}`);
}

/** Flags + environment → configuration; throws naming the flag that is wrong or missing. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliConfig {
	const c: CliConfig = {
		port: Number(env.PORT ?? 8080),
		host: '0.0.0.0',
		store: storeFromSpec(env.WHATSAPP_CLOUD_STORE),
		appSecret: env.WHATSAPP_APP_SECRET ?? '',
		verifyToken: env.WHATSAPP_VERIFY_TOKEN ?? '',
		forwardSecret: env.WHATSAPP_RECEIVER_SECRET ?? '',
		targets: [],
		touchContacts: true,
		optOutKeywords: true,
	};
	const value = (i: number, flag: string): string => {
		const v = argv[i + 1];
		if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
		return v;
	};
	const current = (flag: string): ReceiverTarget => {
		const t = c.targets[c.targets.length - 1];
		if (!t) throw new Error(`${flag} applies to the --forward URL before it: put --forward first`);
		return t;
	};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (Object.hasOwn(TEXT_FLAGS, flag)) c[TEXT_FLAGS[flag]] = value(i++, flag);
		else if (Object.hasOwn(NUMBER_FLAGS, flag)) {
			const { field, min, max } = NUMBER_FLAGS[flag];
			const given = value(i++, flag);
			const n = Number(given);
			if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be ${min}–${max}, got ${given}`);
			c[field] = n;
		} else if (Object.hasOwn(TARGET_LIST_FLAGS, flag)) current(flag)[TARGET_LIST_FLAGS[flag]] = list(value(i++, flag));
		else if (Object.hasOwn(OFF_FLAGS, flag)) c[OFF_FLAGS[flag]] = false;
		else if (flag === '--store') c.store = storeFromSpec(value(i++, flag));
		else if (flag === '--forward') {
			const url = value(i++, flag);
			try {
				new URL(url);
			} catch {
				throw new Error(`--forward: not a URL: ${JSON.stringify(url)}`);
			}
			c.targets.push({ url });
		} else if (flag === '--events') {
			const kinds = list(value(i++, flag));
			const bad = kinds.filter((k) => !KINDS.includes(k as WebhookEventKind));
			if (bad.length) throw new Error(`--events: unknown event kind(s) ${bad.join(', ')} (known: ${KINDS.join(', ')})`);
			current(flag).kinds = kinds as WebhookEventKind[];
		} else throw new Error(`Unknown flag ${JSON.stringify(flag)} (see the README: Webhook receiver)`);
	}
	if (!c.appSecret) throw new Error('The Meta app secret is missing: set WHATSAPP_APP_SECRET (or --app-secret)');
	if (!c.verifyToken) throw new Error('The webhook verify token is missing: set WHATSAPP_VERIFY_TOKEN (or --verify-token)');
	if (c.targets.length && !c.forwardSecret) {
		throw new Error('The receiver secret is missing: set WHATSAPP_RECEIVER_SECRET (the Receiver Secret of the trigger\'s WhatsApp Cloud Webhook credential)');
	}
	return c;
}

async function main(): Promise<void> {
	let config: CliConfig;
	try {
		config = parseCli(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`n8n-nodes-whatsapp-cloud-receiver: ${(error as Error).message}\n`);
		process.exit(2);
	}
	if (config.store.backend === 'sqlite' && config.store.path !== ':memory:') fs.mkdirSync(path.dirname(config.store.path), { recursive: true });
	const store = await openStore(config.store);
	const log = (m: string) => process.stderr.write(`[receiver] ${m}\n`);
	const receiver = new WebhookReceiver({
		store,
		appSecret: config.appSecret,
		verifyToken: config.verifyToken,
		forwardSecret: config.forwardSecret,
		targets: config.targets,
		touchContacts: config.touchContacts,
		optOutKeywords: config.optOutKeywords,
		keywordOptions: {
			optOutKeywords: parseKeywordList(config.optOutList),
			extraOptOutKeywords: parseKeywordList(config.extraOptOutList),
			optInKeywords: parseKeywordList(config.optInList),
		},
		forward: config.batchSize ? { batchSize: config.batchSize } : undefined,
		log,
	});
	const port = await receiver.listen(config.port, config.host);
	// One line scripts can wait for (test/n8n/capacity.ts).
	process.stdout.write(`receiver listening on ${config.host}:${port} (store: ${config.store.backend}, forwarding to ${config.targets.length} trigger(s))\n`);
	const shutdown = async () => {
		await receiver.close().catch(() => undefined);
		await store.close().catch(() => undefined);
		process.exit(0);
	};
	process.once('SIGTERM', () => void shutdown());
	process.once('SIGINT', () => void shutdown());
}

if (require.main === module) void main();
