/**
 * Opt-out / opt-in keywords in inbound messages.
 *
 * WhatsApp's Business Messaging Policy requires honouring a user's request to stop messages; the
 * platform itself only reports its own "Stop promotions" control (user_preferences webhook) and
 * error 131050 (cloud-api.md §3). Users also type STOP (or BAJA, STOPP, रोकें…): this module
 * recognises those, in several languages.
 *
 * Matching is on the WHOLE message, ignoring case, accents and punctuation: "Stop!" and "stop"
 * opt out; "please don't stop the updates" does not. The default list is the STOP family only
 * (DEFAULT_OPT_OUT_KEYWORDS); ambiguous words (CANCEL, SAIR…) only when the user adds them.
 * Template quick-reply taps (`button` type) are matched on their payload and text against the
 * default list only (a "Cancel" button on an appointment template must not unsubscribe the user
 * from marketing, even when the user added CANCEL for typed messages).
 */
import type { MessageEvent } from './types';

export type OptIntent = 'opt_out' | 'opt_in';

/**
 * Default opt-out words: the STOP family only, i.e. words whose only everyday meaning in a chat
 * with a business is "stop messaging me". Per language, the word its SMS / messaging opt-out
 * practice documents, plus "unsubscribe" in that language:
 *  - English: CTIA's standard opt-out keywords (US carriers' Messaging Principles: STOP, STOPALL,
 *    UNSUBSCRIBE, …) without CANCEL / END / QUIT, plus OPT OUT and WhatsApp's own
 *    "Stop promotions" button text.
 *  - Spanish: BAJA / DAR DE BAJA (Spain), PARAR, PARE, ALTO (Latin America), DESUSCRIBIR.
 *  - Portuguese: PARAR, PARE, DESCADASTRAR, DESINSCREVER.
 *  - French: STOP (the French SMS rule: "STOP au …"), ARRÊT, ARRÊTER, DÉSABONNER, DÉSINSCRIRE.
 *  - German: STOPP, ABMELDEN, ABBESTELLEN. Italian and Dutch: STOP, DISISCRIVI, AFMELDEN.
 *  - Indonesian / Malay: BERHENTI. Russian: СТОП, ОТПИСАТЬСЯ. Arabic: إيقاف, إلغاء الاشتراك.
 *  - Chinese: 退订 / 退訂 (China's SMS rule: "回复退订" / TD), 取消订阅. Japanese: 配信停止.
 *  - Hindi: रोकें, अनसब्सक्राइब.
 * AMBIGUOUS_OPT_OUT_WORDS (CANCEL, SAIR, END, QUIT…) are NOT in the default: in a support chat
 * "cancel" usually means "cancel my order". Add them with the trigger's Extra Opt-Out Keywords.
 */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
	// English
	'STOP',
	'STOP ALL',
	'STOPALL',
	'UNSUBSCRIBE',
	'OPT OUT',
	'OPTOUT',
	'STOP PROMOTIONS',
	// Spanish
	'PARAR',
	'PARE',
	'ALTO',
	'BAJA',
	'DAR DE BAJA',
	'DESUSCRIBIR',
	// Portuguese
	'DESCADASTRAR',
	'DESINSCREVER',
	// French
	'ARRÊT',
	'ARRÊTER',
	'DÉSABONNER',
	'DÉSINSCRIRE',
	// German
	'STOPP',
	'ABMELDEN',
	'ABBESTELLEN',
	// Italian, Dutch
	'DISISCRIVI',
	'AFMELDEN',
	// Indonesian / Malay
	'BERHENTI',
	// Russian
	'СТОП',
	'ОТПИСАТЬСЯ',
	// Arabic
	'إيقاف',
	'إلغاء الاشتراك',
	// Chinese (simplified, traditional), Japanese
	'退订',
	'退訂',
	'取消订阅',
	'取消訂閱',
	'配信停止',
	// Hindi
	'रोकें',
	'अनसब्सक्राइब',
];

/**
 * Words some opt-out lists use but that often mean something else in a business chat ("cancel
 * my order", "sair" = leave / go out, "end" of a conversation…). Not matched unless added.
 */
export const AMBIGUOUS_OPT_OUT_WORDS: readonly string[] = ['CANCEL', 'END', 'QUIT', 'REVOKE', 'CANCELAR', 'SAIR', 'ANNULER', 'ANNULLA', 'BASTA', 'FIN', 'बंद करें'];

export const DEFAULT_OPT_IN_KEYWORDS: readonly string[] = ['START', 'SUBSCRIBE', 'UNSTOP', 'RESUME', 'INICIAR', 'ALTA', 'RESUME PROMOTIONS', 'START PROMOTIONS'];

/**
 * Quick-reply buttons: the default STOP-family list, never the user's extra words (a "Cancel"
 * button on an appointment template must not unsubscribe the user from marketing).
 */
export const DEFAULT_BUTTON_OPT_OUT_KEYWORDS: readonly string[] = DEFAULT_OPT_OUT_KEYWORDS;

export interface OptKeywordOptions {
	/** Replaces the default opt-out list. */
	optOutKeywords?: readonly string[];
	/** Added to the opt-out list (default or replaced), e.g. the ambiguous CANCEL / SAIR. */
	extraOptOutKeywords?: readonly string[];
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
			optOut:
				options.optOutKeywords || options.extraOptOutKeywords
					? compile([...(options.optOutKeywords ?? DEFAULT_OPT_OUT_KEYWORDS), ...(options.extraOptOutKeywords ?? [])])
					: DEFAULTS.optOut,
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
