/**
 * Keep-alive agents that do not send a request on a connection the server is about to close or
 * has already closed (issue #13 "stale keep-alive connections"), and the one failure we can call
 * "not sent" when it happens anyway.
 *
 * Why: an HTTP/1.1 server closes a keep-alive connection after it has been idle for its own
 * timeout — Node's http server after 5 s (`server.keepAliveTimeout`, announced as
 * `Keep-Alive: timeout=5`), Apache/lighttpd 5 s, nginx 75 s. A client that writes a request on
 * that connection just as (or after) the server closes it gets ECONNRESET / "socket hang up", and
 * a client that cannot tell that apart from "the server took the request and then died" must
 * record the message as `unknown_outcome`.
 *
 * What these agents do (the options are plain `http.Agent` options plus `idleSocketMs`):
 *  1. Idle retirement. A socket put back in the pool gets an idle timer of `idleSocketMs`
 *     (default 4 s: below the 5 s of Node's and Apache's defaults, the shortest common server
 *     timeout), or of the server's `Keep-Alive: timeout=N` hint minus 1 s when that is shorter
 *     (Node's own agent honours the hint only when the agent has a `timeout`, which would also
 *     time out connects and active requests; we only want the idle part). A hint of ≤ 1 s means
 *     the socket is not kept at all (Node's rule).
 *  2. Stale check at reuse. The timer cannot fire while the event loop is blocked — in n8n, a
 *     node mapping 10,000 items synchronously can hold it for seconds — and the server's FIN may
 *     sit unread in the kernel meanwhile. So before the agent hands out a pooled socket,
 *     `addRequest` retires every socket whose idle time (monotonic clock) has reached its limit;
 *     the request then opens a fresh connection. Nothing has been written at that point.
 *  3. Reuse bookkeeping. `reuseSocket` records how long the socket had been idle and how many
 *     bytes it had read, for `isKeepAliveRace` (below).
 *
 * The pool order makes (2) cheap: Node pushes freed sockets at the end of `freeSockets[name]`, so
 * the front holds the longest idle ones; we destroy stale sockets from the front and stop at the
 * first fresh one. Destroyed sockets at the front are skipped by Node's `addRequest` itself, and
 * their `close` event removes them from the pool (Node: "If you want to remove a socket from the
 * pool, just close it").
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Idle keep-alive sockets are closed after this (below the 5 s server default, see above). */
export const DEFAULT_IDLE_SOCKET_MS = 4_000;
/**
 * Node retires a socket 1 s before the server's announced `Keep-Alive: timeout=N`
 * (HTTP_AGENT_KEEP_ALIVE_TIMEOUT_BUFFER); we use the same margin.
 */
export const KEEP_ALIVE_HINT_MARGIN_MS = 1_000;
/**
 * A server does not close a connection for idleness before it has been idle this long:
 * keep-alive timeouts are configured and announced in whole seconds (`Keep-Alive: timeout=N`,
 * nginx `keepalive_timeout`, Apache `KeepAliveTimeout`), and Node's agent does not even keep a
 * socket whose announced timeout is 1 s. A reset on a socket that had been idle for less than
 * this is therefore not the keep-alive race (see isKeepAliveRace).
 */
export const MIN_SERVER_IDLE_CLOSE_MS = 1_000;

export interface KeepAliveAgentOptions extends http.AgentOptions {
	/** Idle time after which a pooled socket is closed (default DEFAULT_IDLE_SOCKET_MS). */
	idleSocketMs?: number;
}

interface IdleMark {
	/** performance.now() when the socket went back to the pool. */
	since: number;
	/** Its idle limit: idleSocketMs or the server's hint minus the margin, whichever is lower. */
	limit: number;
}

/** What the agent knew when it handed a pooled socket to a request. */
export interface ReuseInfo {
	/** How long the socket had been idle in the pool (ms). */
	idleMs: number;
	/** socket.bytesRead at that moment: anything above it at failure time came from the server. */
	bytesRead: number;
	socket: Socket;
}

const idleMarks = new WeakMap<Duplex, IdleMark>();
const reuses = new WeakMap<http.ClientRequest, ReuseInfo>();

/** `Keep-Alive: timeout=5, max=1000` → 5000 (ms); undefined without a usable hint. */
export function keepAliveHintMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	const seconds = value ? /(?:^|[\s,])timeout=(\d+)/i.exec(value)?.[1] : undefined;
	return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** The idle limit of a socket: ours, lowered by the server's hint (minus Node's 1 s margin). */
export function idleLimitMs(idleSocketMs: number, hintMs: number | undefined): number {
	return hintMs === undefined ? idleSocketMs : Math.min(idleSocketMs, hintMs - KEEP_ALIVE_HINT_MARGIN_MS);
}

/** How the agent handed this request its socket: set only when it reused a pooled one. */
export function reuseInfo(request: http.ClientRequest | undefined): ReuseInfo | undefined {
	return request ? reuses.get(request) : undefined;
}

interface AgentInternals {
	addRequest(req: http.ClientRequest, options: unknown): void;
}

/** Shared by both agents: decide whether a freed socket is kept, and arm its idle timer. */
function markIdle(idleSocketMs: number, socket: Duplex, keptByNode: boolean): boolean {
	if (!keptByNode) return false;
	const res = (socket as Duplex & { _httpMessage?: { res?: http.IncomingMessage } })._httpMessage?.res;
	const limit = idleLimitMs(idleSocketMs, keepAliveHintMs(res?.headers['keep-alive']));
	if (!(limit > 0)) return false;
	(socket as Socket).setTimeout(limit); // Node's agent destroys a pooled socket on 'timeout'
	idleMarks.set(socket, { since: performance.now(), limit });
	return true;
}

function markReused(socket: Duplex, request: http.ClientRequest): void {
	const mark = idleMarks.get(socket);
	idleMarks.delete(socket);
	const s = socket as Socket;
	reuses.set(request, { idleMs: mark ? performance.now() - mark.since : 0, bytesRead: s.bytesRead ?? 0, socket: s });
}

/** Closes the pooled sockets whose idle limit has passed (the timer may not have run yet). */
function retireStale(agent: http.Agent): void {
	const pools = agent.freeSockets;
	let now: number | undefined;
	for (const name in pools) {
		const pool = pools[name];
		if (!pool) continue;
		for (const socket of pool) {
			if (socket.destroyed) continue;
			const mark = idleMarks.get(socket);
			now ??= performance.now();
			if (!mark || now - mark.since < mark.limit) break;
			socket.destroy();
		}
	}
}

/** Node's options for the agent: ours without `idleSocketMs`, keep-alive always on. */
function nodeAgentOptions<O extends KeepAliveAgentOptions>({ idleSocketMs: _ours, ...node }: O) {
	return { ...node, keepAlive: true };
}

export class KeepAliveHttpAgent extends http.Agent {
	readonly idleSocketMs: number;
	constructor(options: KeepAliveAgentOptions = {}) {
		super(nodeAgentOptions(options));
		this.idleSocketMs = options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS;
	}
}

export class KeepAliveHttpsAgent extends https.Agent {
	readonly idleSocketMs: number;
	constructor(options: KeepAliveAgentOptions & https.AgentOptions = {}) {
		super(nodeAgentOptions(options));
		this.idleSocketMs = options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS;
	}
}

type KeepAliveAgent = http.Agent & { idleSocketMs: number };

/**
 * Node's agent hooks, overridden the same way on both classes (each calls Node's own first):
 * `keepSocketAlive` (a freed socket goes back to the pool: arm its idle timer), `reuseSocket` (a
 * pooled socket is handed to a request: record its idle time) and `addRequest` (where Node picks a
 * pooled socket, not in @types/node: retire the stale ones first).
 */
for (const Agent of [KeepAliveHttpAgent, KeepAliveHttpsAgent]) {
	const proto = Agent.prototype as unknown as AgentInternals & KeepAliveAgent;
	const { addRequest, keepSocketAlive, reuseSocket } = proto;
	proto.keepSocketAlive = function (this: KeepAliveAgent, socket: Duplex): boolean {
		return markIdle(this.idleSocketMs, socket, (keepSocketAlive.call(this, socket) as unknown) !== false);
	};
	proto.reuseSocket = function (this: KeepAliveAgent, socket: Duplex, request: http.ClientRequest): void {
		reuseSocket.call(this, socket, request);
		markReused(socket, request);
	};
	proto.addRequest = function (this: KeepAliveAgent, req: http.ClientRequest, options: unknown): void {
		retireStale(this);
		addRequest.call(this, req, options);
	};
}

/** Error codes of a connection the peer closed or reset ("socket hang up" is ECONNRESET in Node). */
const PEER_CLOSED = new Set(['ECONNRESET', 'EPIPE']);

/**
 * True when a failed request is the keep-alive race — the server closed an idle connection just
 * as we wrote on it — so the request did not reach the server's HTTP layer. All of:
 *  1. the agent took the socket from its pool (`request.reusedSocket`; Node's docs on that flag:
 *     "if server closes connection at unfortunate time, client may run into a 'ECONNRESET'
 *     error"); a fresh connection never qualifies;
 *  2. the failure is ECONNRESET / EPIPE / "socket hang up" — the peer closed or reset the
 *     connection — not a timeout or a local error;
 *  3. not one byte came back on that socket after it was handed to this request (bytesRead is
 *     unchanged): a server that read and answered our request would have written a status line;
 *  4. the socket had been idle for ≥ MIN_SERVER_IDLE_CLOSE_MS: only then can the close be the
 *     server's idle timeout. A reset on a socket that was busy a moment ago (the normal case at
 *     hundreds of sends a second) is a server or network failure and stays `unknown_outcome`.
 * Why this is safe: a server closing an idle connection closes it without reading anything from
 * it, so a request written after that close is answered by a reset from the server's kernel and
 * never parsed. The one case these checks cannot tell apart is a server that parses our request
 * on a connection that had been idle ≥ 1 s and then dies before writing a single byte of its
 * answer (a crash at exactly that moment, or a proxy dropping the connection). That is far less
 * likely than the race it is mistaken for; and with idle retirement (above) both are rare. Only
 * the classification changes: the client never resends a POST itself (GETs are retried, they are
 * idempotent), the campaign's error policy decides.
 */
export function isKeepAliveRace(request: http.ClientRequest | undefined, code: string): boolean {
	const info = reuseInfo(request);
	if (!info || !request?.reusedSocket) return false;
	if (!PEER_CLOSED.has(code)) return false;
	if (info.socket.bytesRead > info.bytesRead) return false;
	return info.idleMs >= MIN_SERVER_IDLE_CLOSE_MS;
}
