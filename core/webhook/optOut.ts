/**
 * Opt-out / opt-in keywords in inbound messages.
 *
 * WhatsApp's Business Messaging Policy requires honouring a user's request to stop messages; the
 * platform itself only reports its own "Stop promotions" control (user_preferences webhook) and
 * error 131050 (cloud-api.md §3). Users also type STOP (or BAJA, STOPP, रोकें…): this module
 * recognises those, in several languages.
 *
 * Matching is on the WHOLE message, ignoring case, accents and punctuation: "Stop!" and "stop"
 * opt out; "please don't stop the updates" does not. Template quick-reply taps (`button` type)
 * are matched on their payload and text against a stricter list (a "Cancel" button on an
 * appointment template must not unsubscribe the user from marketing).
 */
import type { MessageEvent } from './types';

export type OptIntent = 'opt_out' | 'opt_in';

export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
	// English
	'STOP',
	'STOP ALL',
	'STOPALL',
	'UNSUBSCRIBE',
	'CANCEL',
	'END',
	'QUIT',
	'OPT OUT',
	'OPTOUT',
	'STOP PROMOTIONS',
	// Spanish / Portuguese
	'PARAR',
	'BAJA',
	'DAR DE BAJA',
	'CANCELAR',
	'DESCADASTRAR',
	'SAIR',
	// French
	'ARRÊTER',
	'ARRETER',
	'ARRÊT',
	'DÉSABONNER',
	// German
	'STOPP',
	'ABMELDEN',
	// Italian
	'DISISCRIVI',
	'ANNULLA',
	// Hindi
	'रोकें',
	'बंद करें',
];

export const DEFAULT_OPT_IN_KEYWORDS: readonly string[] = ['START', 'SUBSCRIBE', 'UNSTOP', 'RESUME', 'INICIAR', 'ALTA', 'RESUME PROMOTIONS', 'START PROMOTIONS'];

/** Quick-reply buttons: only unambiguous opt-out words (no CANCEL / END / QUIT / ANNULLA). */
export const DEFAULT_BUTTON_OPT_OUT_KEYWORDS: readonly string[] = [
	'STOP',
	'STOP ALL',
	'STOP PROMOTIONS',
	'UNSUBSCRIBE',
	'OPT OUT',
	'OPTOUT',
	'PARAR',
	'BAJA',
	'DAR DE BAJA',
	'DESCADASTRAR',
	'ARRETER',
	'DESABONNER',
	'STOPP',
	'ABMELDEN',
	'DISISCRIVI',
	'रोकें',
];

export interface OptKeywordOptions {
	/** Replaces the default opt-out list. */
	optOutKeywords?: readonly string[];
	/** Replaces the default opt-in list. */
	optInKeywords?: readonly string[];
	/** Replaces the default quick-reply button opt-out list. */
	buttonOptOutKeywords?: readonly string[];
	/** Also match template quick-reply buttons (payload or text). Default true. */
	matchButtons?: boolean;
}

/**
 * Case-, accent- and punctuation-insensitive form: Latin diacritics removed (NFD, then the
 * combining-diacritics block only, so Devanagari vowel signs stay), punctuation/symbols/emoji
 * turned into spaces, whitespace collapsed.
 */
export function normalizeKeyword(text: string): string {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
		.trim()
		.normalize('NFC');
}

interface CompiledLists {
	optOut: Set<string>;
	optIn: Set<string>;
	button: Set<string>;
	matchButtons: boolean;
}

const cache = new WeakMap<OptKeywordOptions, CompiledLists>();

function compile(list: readonly string[]): Set<string> {
	return new Set(list.map(normalizeKeyword).filter((k) => k !== ''));
}

const DEFAULTS: CompiledLists = {
	optOut: compile(DEFAULT_OPT_OUT_KEYWORDS),
	optIn: compile(DEFAULT_OPT_IN_KEYWORDS),
	button: compile(DEFAULT_BUTTON_OPT_OUT_KEYWORDS),
	matchButtons: true,
};

function lists(options?: OptKeywordOptions): CompiledLists {
	if (!options) return DEFAULTS;
	let c = cache.get(options);
	if (!c) {
		c = {
			optOut: options.optOutKeywords ? compile(options.optOutKeywords) : DEFAULTS.optOut,
			optIn: options.optInKeywords ? compile(options.optInKeywords) : DEFAULTS.optIn,
			button: options.buttonOptOutKeywords ? compile(options.buttonOptOutKeywords) : DEFAULTS.button,
			matchButtons: options.matchButtons ?? true,
		};
		cache.set(options, c);
	}
	return c;
}

/** Whole-message keyword match on free text. Opt-out wins if a word is in both lists. */
export function detectOptKeyword(text: string | undefined | null, options?: OptKeywordOptions): OptIntent | undefined {
	if (typeof text !== 'string' || text.length > 64) return undefined; // keywords are short; skip long texts fast
	const n = normalizeKeyword(text);
	if (!n) return undefined;
	const l = lists(options);
	if (l.optOut.has(n)) return 'opt_out';
	if (l.optIn.has(n)) return 'opt_in';
	return undefined;
}

/** Opt-out/opt-in intent of an inbound message: text body, or a template quick-reply button. */
export function optIntentOfMessage(event: Pick<MessageEvent, 'type' | 'text' | 'button'>, options?: OptKeywordOptions): OptIntent | undefined {
	if (event.type === 'text') return detectOptKeyword(event.text, options);
	if (event.type === 'button' && event.button) {
		const l = lists(options);
		if (!l.matchButtons) return undefined;
		for (const candidate of [event.button.payload, event.button.text]) {
			if (typeof candidate !== 'string' || candidate.length > 64) continue;
			const n = normalizeKeyword(candidate);
			if (l.button.has(n)) return 'opt_out';
			if (l.optIn.has(n)) return 'opt_in';
		}
	}
	return undefined;
}

/** Parses a comma- or newline-separated keyword list typed in a node parameter. */
export function parseKeywordList(input: string | undefined): string[] | undefined {
	if (input === undefined || input.trim() === '') return undefined;
	return input
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter(Boolean);
}
