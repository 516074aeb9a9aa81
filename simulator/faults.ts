/**
 * Scripted faults per recipient: "answer the next N sends to +X with …". Each send to a scripted
 * recipient takes the next entry of its script (one entry per request, in order); when the script
 * is used up the recipient is served normally again. Set with the `recipientFaults` option or
 * `POST /_sim/faults/recipients`; read back with `GET /_sim/faults/recipients`.
 *
 * The error answers are ordinary simulator errors (simulator/errors.ts: Meta's body shape, with
 * the title of core/graph/errorTitles.ts for codes the simulator's catalog does not describe);
 * only codes of cloud-api.md §3 — the ones core/graph/errors.ts classifies — can be scripted.
 */
import { ERROR_CODE_CLASSES } from '../core/graph/errors';
import { ERROR_CATALOG } from './errors';

/**
 * One scripted answer to one message send (`POST /{phone-id}/messages` or `/marketing_messages`).
 * Fields combine: `{ code: 131000, delayMs: 500 }` is a late error, `{ drop: 'hang', accept: true }`
 * a message Meta has but whose answer never comes.
 */
export interface RecipientFault {
	/** Answer this Graph error instead of accepting (nothing is sent). E.g. 131049, 130429, 190. */
	code?: number;
	/** HTTP status of that error. Default: the code's usual status (`errorStatus` option, else the catalog's, else 400). */
	status?: number;
	/** `error_data.details` of that error. Default: the catalog's text for the code. */
	details?: string;
	/** Real milliseconds added before the answer (on top of `latencyMs`). Alone: accepted, answered late. */
	delayMs?: number;
	/** Lose the answer: `'hang'` keeps the connection open and never answers; `'reset'` destroys it. */
	drop?: 'hang' | 'reset';
	/**
	 * With `drop`: the send is processed first (accepted, logged, status webhooks follow) — Meta has
	 * the message, the client never learns it. Default false: the request is lost before Meta.
	 */
	accept?: boolean;
	/** Accepted, but for an account registered under this number: `contacts[0].wa_id` and the statuses carry it. */
	waId?: string;
}

/** A script entry: an error code (`131049` = `{ code: 131049 }`), `'hang'`, `'reset'`, or a full fault. */
export type RecipientFaultSpec = number | 'hang' | 'reset' | RecipientFault;

/** Recipient (digits as sent, or a business-scoped user ID) → the answers to its next sends, in order. */
export type RecipientFaultScripts = Record<string, RecipientFaultSpec[]>;

/** What the server does with the answer of a scripted send (delay / drop); set by the send path. */
export interface AnswerFault {
	delayMs: number;
	drop?: 'hang' | 'reset';
}

const FAULT_KEYS = new Set(['code', 'status', 'details', 'delayMs', 'drop', 'accept', 'waId']);

/** Checks one script entry; `where` names it in the error (e.g. `recipientFaults["16505551234"][1]`). */
function toFault(spec: unknown, where: string): RecipientFault {
	if (typeof spec === 'number') return toFault({ code: spec }, where);
	if (spec === 'hang' || spec === 'reset') return { drop: spec };
	if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error(`${where} must be an error code, "hang", "reset" or an object`);
	const f = spec as Record<string, unknown>;
	for (const k of Object.keys(f)) if (!FAULT_KEYS.has(k)) throw new Error(`${where}.${k} is not a fault field (code, status, details, delayMs, drop, accept, waId)`);
	if (f.code !== undefined && !(Number.isInteger(f.code) && (ERROR_CODE_CLASSES[f.code as number] !== undefined || ERROR_CATALOG[f.code as number] !== undefined)))
		throw new Error(`${where}.code ${JSON.stringify(f.code)} is not a Cloud API error code (core/graph/errors.ts)`);
	if (f.status !== undefined && !(Number.isInteger(f.status) && (f.status as number) >= 400 && (f.status as number) <= 599)) throw new Error(`${where}.status must be an HTTP error status (400–599)`);
	if (f.status !== undefined && f.code === undefined) throw new Error(`${where}.status needs a code`);
	if (f.details !== undefined && typeof f.details !== 'string') throw new Error(`${where}.details must be a string`);
	if (f.delayMs !== undefined && !(typeof f.delayMs === 'number' && f.delayMs >= 0 && Number.isFinite(f.delayMs))) throw new Error(`${where}.delayMs must be a number ≥ 0`);
	if (f.drop !== undefined && f.drop !== 'hang' && f.drop !== 'reset') throw new Error(`${where}.drop must be "hang" or "reset"`);
	if (f.accept !== undefined && (typeof f.accept !== 'boolean' || f.drop === undefined)) throw new Error(`${where}.accept is a boolean that goes with drop`);
	if (f.waId !== undefined && !(typeof f.waId === 'string' && /^[0-9]{6,15}$/.test(f.waId))) throw new Error(`${where}.waId must be a phone number (digits)`);
	if (f.code !== undefined && (f.drop !== undefined || f.waId !== undefined)) throw new Error(`${where}: an error (code) cannot also drop or change the wa_id`);
	return { ...f } as RecipientFault;
}

/** The live scripts: filled from the option at start / reset and by the control route, used up by sends. */
export class RecipientFaults {
	private scripts = new Map<string, RecipientFault[]>();
	/** Scripted answers given so far. */
	used = 0;

	/** Replaces the script of each recipient named (an empty list removes it). Checks every entry first. */
	set(scripts: RecipientFaultScripts, name = 'recipientFaults'): void {
		const next = new Map<string, RecipientFault[]>();
		for (const [to, list] of Object.entries(scripts)) {
			const key = to.replace(/[\s+\-()]/g, '');
			if (!Array.isArray(list)) throw new Error(`${name}[${JSON.stringify(to)}] must be a list of faults`);
			next.set(key, list.map((s, i) => toFault(s, `${name}[${JSON.stringify(to)}][${i}]`)));
		}
		for (const [to, list] of next) {
			if (list.length) this.scripts.set(to, list);
			else this.scripts.delete(to);
		}
	}

	/** The next scripted answer for a send to `to` (the number as sent, digits only), if any. */
	take(to: string): RecipientFault | undefined {
		const list = this.scripts.get(to);
		if (!list) return undefined;
		const f = list.shift();
		if (!list.length) this.scripts.delete(to);
		if (f) this.used++;
		return f;
	}

	/** What is still scripted, per recipient. */
	pending(): Record<string, RecipientFault[]> {
		return Object.fromEntries([...this.scripts].map(([to, list]) => [to, list.map((f) => ({ ...f }))]));
	}

	clear(): void {
		this.scripts.clear();
		this.used = 0;
	}
}
