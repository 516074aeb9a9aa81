/**
 * Media download memory benchmark (issue 16): a 100 MB inbound document (WhatsApp's largest file)
 * downloaded the way the WhatsApp Media node and the trigger's Download Media do it —
 * core/media/api.ts downloadMedia (GET /{media-id}, then the short-lived URL with the token) →
 * a stream written to a file, as n8n's filesystem binary mode (prepareBinaryData with a stream) does.
 * The simulator runs in a child process (dist/simulator/cli.js), so the RSS measured is the
 * downloader's alone. Prints peak RSS over the run and the RSS before it.
 *
 *   npm run build && node dist/bench/mediaDownload.bench.js [megabytes=100]
 *
 * Ends with one JSON line: {"bench":"mediaDownload","bytes":…,"rssBeforeMb":…,"peakRssMb":…,"peakRssDeltaMb":…,…}.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GraphClient } from '../core/graph/client';
import { downloadMedia } from '../core/media/api';

const MB = 1024 * 1024;

async function startSimulator(): Promise<{ url: string; stop(): void }> {
	const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
	const child = spawn(process.execPath, [cli, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (c: Buffer) => {
			out += c.toString();
			const m = /listening on (http:\/\/[^\s]+)/.exec(out);
			if (m) resolve(m[1]);
		});
		child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
	});
	return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
	const megabytes = Number(process.argv[2] ?? 100);
	const size = Math.round(megabytes * MB);
	const sim = await startSimulator();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-media-bench-'));
	try {
		const r = await fetch(`${sim.url}/_sim/inbound`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ from: '4915100000999', type: 'document', size, mime_type: 'application/pdf', filename: 'big.pdf' }),
		});
		const inbound = (await r.json()) as { message: { document: { id: string; sha256: string } } };
		const { id, sha256 } = inbound.message.document;

		(global as { gc?: () => void }).gc?.();
		const rssBefore = process.memoryUsage().rss;
		let peak = rssBefore;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);

		const started = Date.now();
		const client = new GraphClient({ accessToken: 'sim-token', baseUrl: sim.url, apiVersion: 'v23.0' });
		const got = await downloadMedia(client, 'sim-token', id, { maxBytes: 100 * MB + MB });
		const file = path.join(dir, got.fileName);
		const hash = createHash('sha256');
		const tap = new Transform({
			transform(chunk: Buffer, _e, done) {
				hash.update(chunk);
				peak = Math.max(peak, process.memoryUsage().rss);
				done(null, chunk);
			},
		});
		await pipeline(got.stream, tap, fs.createWriteStream(file));
		const ms = Date.now() - started;
		clearInterval(sampler);
		peak = Math.max(peak, process.memoryUsage().rss);

		const written = fs.statSync(file).size;
		const ok = written === size && hash.digest('hex') === sha256;
		const result = {
			bench: 'mediaDownload',
			bytes: written,
			sha256Matches: ok,
			mimeType: got.mimeType,
			fileName: got.fileName,
			ms,
			mbPerS: Math.round((written / MB / (ms / 1000)) * 10) / 10,
			rssBeforeMb: Math.round((rssBefore / MB) * 10) / 10,
			peakRssMb: Math.round((peak / MB) * 10) / 10,
			peakRssDeltaMb: Math.round(((peak - rssBefore) / MB) * 10) / 10,
			node: process.version,
		};
		process.stdout.write(`${JSON.stringify(result)}\n`);
		if (!ok) process.exitCode = 1;
	} finally {
		sim.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

void main().catch((error: Error) => {
	process.stderr.write(`${error.stack ?? error.message}\n`);
	process.exit(1);
});
