/**
 * An HTTP server on 127.0.0.1 in a worker thread, so that it keeps its own timers (and closes idle
 * connections on time) while a test blocks the main thread's event loop. It answers every request
 * with 200 {"ok":true} and reports what it saw.
 *
 *  - `keepAliveTimeout`: Node's server option, announced as `Keep-Alive: timeout=N` and applied
 *    exactly (keepAliveTimeoutBuffer 0: Node 24 otherwise waits 1 s longer than it announces);
 *  - `destroyIdleAfterMs`: no hint (keepAliveTimeout 0) and each connection destroyed abruptly
 *    once it has been idle that long — a server with a short timeout that announces nothing.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerServerOptions {
	keepAliveTimeout?: number;
	destroyIdleAfterMs?: number;
}

export interface WorkerServer {
	url: string;
	/** Requests whose body the server read (`METHOD /path`), in order. */
	requests: string[];
	/** TCP connections accepted. */
	connections: number;
	/** Per connection the client closed: ms between the server's last answer and the client's FIN. */
	clientClosedAfterIdleMs: number[];
	/** Waits until the worker's reports so far have arrived. */
	sync(): Promise<void>;
	close(): Promise<void>;
}

const SERVER_JS = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const opts = workerData;
const sockets = new Set();
const server = http.createServer({ keepAliveTimeout: opts.keepAliveTimeout || 0, keepAliveTimeoutBuffer: 0 }, (req, res) => {
	req.resume();
	req.on('end', () => {
		parentPort.postMessage({ type: 'request', line: req.method + ' ' + req.url });
		const socket = req.socket;
		clearTimeout(socket.idleTimer);
		res.on('finish', () => {
			socket.lastAnswer = Date.now();
			if (opts.destroyIdleAfterMs) socket.idleTimer = setTimeout(() => socket.destroy(), opts.destroyIdleAfterMs);
		});
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"ok":true}');
	});
});
server.on('connection', (socket) => {
	sockets.add(socket);
	parentPort.postMessage({ type: 'connection' });
	socket.on('end', () => socket.lastAnswer && parentPort.postMessage({ type: 'clientEnd', idleMs: Date.now() - socket.lastAnswer }));
	socket.on('close', () => { clearTimeout(socket.idleTimer); sockets.delete(socket); });
});
parentPort.on('message', (m) => {
	if (m === 'sync') parentPort.postMessage({ type: 'sync' });
	if (m === 'close') { for (const s of sockets) s.destroy(); server.close(() => parentPort.postMessage({ type: 'closed' })); }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
`;

export async function serveInWorker(opts: WorkerServerOptions): Promise<WorkerServer> {
	const worker = new Worker(SERVER_JS, { eval: true, workerData: opts });
	const state = { connections: 0 };
	const requests: string[] = [];
	const clientClosedAfterIdleMs: number[] = [];
	const waiting: Record<string, Array<(m: { port?: number }) => void>> = {};
	worker.on('message', (m: { type: string; line?: string; idleMs?: number; port?: number }) => {
		if (m.type === 'request') requests.push(String(m.line));
		else if (m.type === 'connection') state.connections++;
		else if (m.type === 'clientEnd') clientClosedAfterIdleMs.push(Number(m.idleMs));
		else waiting[m.type]?.shift()?.(m);
	});
	const next = (type: string) => new Promise<{ port?: number }>((resolve) => (waiting[type] ??= []).push(resolve));
	const { port } = await next('listening');
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		get connections() {
			return state.connections;
		},
		clientClosedAfterIdleMs,
		sync: async () => {
			const done = next('sync');
			worker.postMessage('sync');
			await done;
		},
		close: async () => {
			const closed = next('closed');
			worker.postMessage('close');
			await closed;
			await worker.terminate();
		},
	};
}

/** Runs `test` against a worker server started for it, closed afterwards even when the test fails. */
export async function withWorkerServer(opts: WorkerServerOptions, test: (srv: WorkerServer) => Promise<void>): Promise<void> {
	const srv = await serveInWorker(opts);
	try {
		await test(srv);
	} finally {
		await srv.close();
	}
}
