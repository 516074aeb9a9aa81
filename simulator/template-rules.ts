/**
 * Meta's message-template creation rules, as the simulator applies them to create bodies.
 * The figures come from the package's one rule table (core/templates/rules.ts, cloud-api.md §1);
 * only the simulator's stricter choices are local (GIF headers belong to the Marketing Messages
 * API, not to the Cloud API's template endpoint). The checking logic stays independent of the
 * package's validator, so a bug in one is caught by tests of the other.
 */
import {
	BUTTON_TYPES,
	COMPONENT_TYPES,
	HEADER_FORMATS,
	PARAMETER_FORMATS,
	TEMPLATE_CATEGORIES,
	TEMPLATE_LIMITS as L,
} from '../core/templates/rules';
import { MESSAGE_LIMITS } from '../core/messages/limits';

export const TEMPLATE_RULES = {
	nameMaxLength: L.NAME_MAX_LENGTH,
	namePattern: L.NAME_PATTERN,
	languagePattern: /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/,
	categories: TEMPLATE_CATEGORIES,
	parameterFormats: PARAMETER_FORMATS,
	componentTypes: COMPONENT_TYPES,
	headerFormats: HEADER_FORMATS.filter((f) => f !== 'GIF'),
	bodyMaxLength: L.BODY_MAX_LENGTH,
	headerTextMaxLength: L.HEADER_TEXT_MAX_LENGTH,
	headerMaxVariables: L.HEADER_MAX_VARIABLES,
	footerMaxLength: L.FOOTER_MAX_LENGTH,
	buttonTextMaxLength: L.BUTTON_TEXT_MAX_LENGTH,
	buttonsMax: L.BUTTONS_MAX_TOTAL,
	urlButtonsMax: L.BUTTONS_MAX_URL,
	phoneButtonsMax: L.BUTTONS_MAX_PHONE_NUMBER,
	buttonTypes: BUTTON_TYPES,
	namedParamPattern: L.NAMED_VARIABLE_PATTERN,
	otpCodeExpirationMinutes: { min: L.CODE_EXPIRATION_MIN, max: L.CODE_EXPIRATION_MAX },
	textMaxLength: MESSAGE_LIMITS.TEXT_BODY,
	captionMaxLength: MESSAGE_LIMITS.MEDIA_CAPTION,
} as const;

/** Variables in a text: {{1}} / {{first_name}} with their positions. */
export function extractVariables(text: string): { name: string; start: number; end: number }[] {
	const out: { name: string; start: number; end: number }[] = [];
	const re = /\{\{\s*([^{}]*?)\s*\}\}/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text))) out.push({ name: m[1], start: m.index, end: m.index + m[0].length });
	return out;
}
