#!/usr/bin/env node
/**
 * CLI: node dist/simulator/cli.js [--port 4010] [--token T] [--app-secret S] [--webhook-url URL]
 *      [--mps 80] [--tier 2000] [--latency-ms 0] [--seed 1] [--keep-alive-ms 65000] [--no-keep-alive-hint] [--frozen]
 *      [--recipient-faults '{"16505551234":[131049,"hang"]}']
 * Prints the base URL, WABA ID and phone number IDs (never the token or app secret).
 */
import { createSimulator } from './server';
import type { SimulatorOptions } from './options';

const USAGE =
	'usage: cli.js [--port N] [--host H] [--token T] [--app-secret S] [--webhook-url URL] [--mps N] [--tier N] [--latency-ms N] [--jitter-ms N] [--seed N] [--webhook-timeout-ms N] [--webhook-max-in-flight N] [--keep-alive-ms N] [--no-keep-alive-hint] [--frozen] [--recipient-faults JSON]';

type NumberOption = 'port' | 'mps' | 'tier' | 'latencyMs' | 'jitterMs' | 'seed' | 'webhookTimeoutMs' | 'webhookMaxInFlight' | 'keepAliveMs';
type StringOption = 'host' | 'token' | 'appSecret' | 'webhookUrl';

/** Flags taking a number ≥ 0, and the option each sets. */
const NUMBER_FLAGS: Record<string, NumberOption> = {
	'--port': 'port',
	'--mps': 'mps',
	'--tier': 'tier',
	'--latency-ms': 'latencyMs',
	'--jitter-ms': 'jitterMs',
	'--seed': 'seed',
	'--webhook-timeout-ms': 'webhookTimeoutMs',
	'--webhook-max-in-flight': 'webhookMaxInFlight',
	'--keep-alive-ms': 'keepAliveMs',
};
/** Flags taking a string. */
const STRING_FLAGS: Record<string, StringOption> = { '--host': 'host', '--token': 'token', '--app-secret': 'appSecret', '--webhook-url': 'webhookUrl' };

export function parseArgs(argv: string[]): Partial<SimulatorOptions> {
	const o: Partial<SimulatorOptions> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
		const val = () => inline ?? argv[++i];
		if (NUMBER_FLAGS[flag]) {
			const v = val();
			const n = Number(v);
			if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number ≥ 0\n${USAGE}`);
			o[NUMBER_FLAGS[flag]] = n;
		} else if (STRING_FLAGS[flag]) {
			const v = val();
			if (!v || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
			o[STRING_FLAGS[flag]] = v;
		} else if (flag === '--recipient-faults') {
			// JSON of the recipientFaults option, e.g. '{"16505551234":[131049,"hang"]}' (checked at start).
			try {
				o.recipientFaults = JSON.parse(val() ?? '');
			} catch {
				throw new Error(`--recipient-faults needs JSON such as '{"16505551234":[131049]}'\n${USAGE}`);
			}
		} else if (flag === '--no-keep-alive-hint') o.keepAliveHint = false;
		else if (flag === '--frozen') o.clock = { frozen: true };
		else if (flag === '--help' || flag === '-h') throw new Error(USAGE);
		else throw new Error(`unknown option ${a}\n${USAGE}`);
	}
	return o;
}

async function main(): Promise<void> {
	let opts: Partial<SimulatorOptions>;
	let sim: ReturnType<typeof createSimulator>;
	try {
		opts = parseArgs(process.argv.slice(2));
		sim = createSimulator({ port: 4010, ...opts });
	} catch (e) {
		process.stderr.write(`${(e as Error).message}\n`);
		process.exit(2);
	}
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
