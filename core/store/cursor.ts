/**
 * Opaque keyset cursors for Page<T>.next. The payload is versioned JSON, base64url-encoded, so
 * callers treat it as a token and backends stay free to change what is inside.
 */

export type CursorKind = 'contacts' | 'recipients';

interface CursorPayload {
	v: 1;
	k: CursorKind;
	/** Last key of the page: a waId (contacts) or a ledger sequence number (recipients). */
	a: string | number;
}

export function encodeCursor(kind: CursorKind, after: string | number): string {
	const payload: CursorPayload = { v: 1, k: kind, a: after };
	return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** A page cursor this store did not hand out: callers name their cursor field by this type (`field`), not by the message. */
export class PageCursorError extends Error {
	readonly field = 'cursor';
	constructor(kind: CursorKind) {
		super(`Invalid ${kind} page cursor: not a cursor returned by this store`);
		this.name = 'PageCursorError';
	}
}

/** The key a cursor points after; a PageCursorError for anything that is not our cursor. */
export function decodeCursor(kind: 'contacts', cursor: string): string;
export function decodeCursor(kind: 'recipients', cursor: string): number;
export function decodeCursor(kind: CursorKind, cursor: string): string | number {
	let payload: unknown;
	try {
		payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
	} catch {
		throw new PageCursorError(kind);
	}
	const p = payload as Partial<CursorPayload> | null;
	if (!p || typeof p !== 'object' || p.v !== 1 || p.k !== kind) {
		throw new PageCursorError(kind);
	}
	if (kind === 'contacts' && typeof p.a === 'string') return p.a;
	if (kind === 'recipients' && typeof p.a === 'number' && Number.isSafeInteger(p.a)) return p.a;
	throw new PageCursorError(kind);
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

/** Page size from a PageRequest: default 100, clamped to 1..10,000. */
export function pageLimit(limit: number | undefined): number {
	if (limit === undefined) return DEFAULT_PAGE_LIMIT;
	if (!Number.isFinite(limit) || limit < 1) throw new Error(`Invalid page limit ${limit}: must be a number ≥ 1`);
	return Math.min(Math.floor(limit), MAX_PAGE_LIMIT);
}
