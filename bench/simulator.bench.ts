/**
 * Simulator throughput: POST /messages (template sends) from 200 concurrent keep-alive clients running in
 * a child process (so both cores are shared fairly). mps cap and pair rate disabled, latency 0.
 * Usage: node dist/bench/simulator.bench.js [requests=50000]
 * Ends with {"bench":"simulator","requests":N,"requestsPerS":X}.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createSimulator } from '../simulator';

const CONCURRENCY = 200;

async function client(url: string, total: number): Promise<void> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	const u = new URL(`${url}/v23.0/106540352242922/messages`);
	let next = 0;
	let ok = 0;
	let failed = 0;
	const one = (i: number) =>
		new Promise<void>((resolve) => {
			const body = JSON.stringify({
				messaging_product: 'whatsapp',
				recipient_type: 'individual',
				to: `1650${String(1_000_000 + i).slice(1)}`,
				type: 'template',
				biz_opaque_callback_data: `bench-${i}`,
				template: { name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } },
			});
			const req = http.request(
				u,
				{ method: 'POST', agent, headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
				(res) => {
					res.resume();
					res.on('end', () => {
						if (res.statusCode === 200) ok++;
						else failed++;
						resolve();
					});
				},
			);
			req.on('error', () => {
				failed++;
				resolve();
			});
			req.end(body);
		});
	const worker = async () => {
		while (next < total) await one(next++);
	};
	const t0 = process.hrtime.bigint();
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, total) }, worker));
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	agent.destroy();
	process.stdout.write(JSON.stringify({ ok, failed, ms }) + '\n');
}

async function main(): Promise<void> {
	if (process.argv[2] === '--client') return client(process.argv[3], Number(process.argv[4]));
	const total = Math.max(1, Number(process.argv[2]) || 50_000);
	const sim = createSimulator({ token: 'bench-token', mps: 0, pairRateMs: 0, tier: Infinity, latencyMs: 0, seed: 1 });
	const running = await sim.start();
	const child = spawn(process.execPath, [__filename, '--client', running.url, String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
	let out = '';
	child.stdout.on('data', (c: Buffer) => (out += c.toString()));
	const code: number = await new Promise((r) => child.on('close', (c) => r(c ?? 1)));
	await running.stop();
	if (code !== 0) throw new Error(`bench client exited with ${code}`);
	const { ok, failed, ms } = JSON.parse(out.trim().split('\n').pop()!) as { ok: number; failed: number; ms: number };
	const rps = Math.round((ok + failed) / (ms / 1000));
	const stats = sim.stats() as { accepted: { total: number } };
	console.log(`simulator: ${ok + failed} requests (${ok} ok, ${failed} failed) from ${CONCURRENCY} keep-alive clients in ${ms.toFixed(0)} ms`);
	console.log(`simulator: ${rps} requests/s, ${stats.accepted.total} messages accepted`);
	console.log(JSON.stringify({ bench: 'simulator', requests: ok + failed, requestsPerS: rps, failed, concurrency: CONCURRENCY }));
	if (failed > 0) process.exitCode = 1;
}

void main();
