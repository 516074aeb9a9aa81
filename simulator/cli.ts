#!/usr/bin/env node
/**
 * CLI: node dist/simulator/cli.js [--port 4010] [--token T] [--app-secret S] [--webhook-url URL]
 *      [--mps 80] [--tier 2000] [--latency-ms 0] [--seed 1] [--keep-alive-ms 65000] [--no-keep-alive-hint] [--frozen]
 * Prints the base URL, WABA ID and phone number IDs (never the token or app secret).
 */
import { createSimulator } from './server';
import type { SimulatorOptions } from './options';

const USAGE = 'usage: cli.js [--port N] [--host H] [--token T] [--app-secret S] [--webhook-url URL] [--mps N] [--tier N] [--latency-ms N] [--jitter-ms N] [--seed N] [--webhook-timeout-ms N] [--webhook-max-in-flight N] [--keep-alive-ms N] [--no-keep-alive-hint] [--frozen]';

export function parseArgs(argv: string[]): Partial<SimulatorOptions> {
	const o: Partial<SimulatorOptions> = {};
	const num = (flag: string, v: string | undefined): number => {
		const n = Number(v);
		if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number ≥ 0\n${USAGE}`);
		return n;
	};
	const str = (flag: string, v: string | undefined): string => {
		if (!v || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
		return v;
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
		const val = () => inline ?? argv[++i];
		switch (flag) {
			case '--port': o.port = num(flag, val()); break;
			case '--host': o.host = str(flag, val()); break;
			case '--token': o.token = str(flag, val()); break;
			case '--app-secret': o.appSecret = str(flag, val()); break;
			case '--webhook-url': o.webhookUrl = str(flag, val()); break;
			case '--mps': o.mps = num(flag, val()); break;
			case '--tier': o.tier = num(flag, val()); break;
			case '--latency-ms': o.latencyMs = num(flag, val()); break;
			case '--jitter-ms': o.jitterMs = num(flag, val()); break;
			case '--seed': o.seed = num(flag, val()); break;
			case '--webhook-timeout-ms': o.webhookTimeoutMs = num(flag, val()); break;
			case '--webhook-max-in-flight': o.webhookMaxInFlight = num(flag, val()); break;
			case '--keep-alive-ms': o.keepAliveMs = num(flag, val()); break;
			case '--no-keep-alive-hint': o.keepAliveHint = false; break;
			case '--frozen': o.clock = { frozen: true }; break;
			case '--help': case '-h': throw new Error(USAGE);
			default: throw new Error(`unknown option ${a}\n${USAGE}`);
		}
	}
	return o;
}

async function main(): Promise<void> {
	let opts: Partial<SimulatorOptions>;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`${(e as Error).message}\n`);
		process.exit(2);
	}
	const sim = createSimulator({ port: 4010, ...opts });
	const running = await sim.start();
	const info = sim.info();
	process.stdout.write(
		[
			`WhatsApp Cloud API simulator listening on ${running.url}`,
			`  Graph base URL : ${running.url}/v23.0 (any vNN.N works)`,
			`  WABA ID        : ${info.wabaId}`,
			`  App ID         : ${info.appId}`,
			...(info.phoneNumbers as { id: string; display_phone_number: string }[]).map((p) => `  Phone number ID: ${p.id} (+${p.display_phone_number})`),
			`  Templates      : ${(info.templates as { name: string; language: string }[]).map((t) => `${t.name}/${t.language}`).join(', ')}`,
			`  Webhooks       : ${opts.webhookUrl ? 'signed POSTs to the configured URL' : 'recorded only (GET /_sim/webhooks)'}`,
			`  Control API    : ${running.url}/_sim (see simulator/README.md)`,
			'',
		].join('\n'),
	);
	const shutdown = () => void running.stop().then(() => process.exit(0));
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) void main();
