/**
 * Meta's message-template creation rules, as the simulator applies them to create bodies.
 * The figures come from the package's one rule table (core/templates/rules.ts, cloud-api.md §1);
 * only the simulator's stricter choices are local (GIF headers belong to the Marketing Messages
 * API, not to the Cloud API's template endpoint). The checking logic stays independent of the
 * package's validator, so a bug in one is caught by tests of the other.
 */
import {
	BUTTON_TYPES,
	BUTTON_TYPES_TEXT_REQUIRED,
	CAROUSEL_CARD_COMPONENT_TYPES,
	CAROUSEL_HEADER_FORMATS,
	CAROUSEL_LIMITS,
	CAROUSEL_MEDIA_HEADER_FORMATS,
	COMPONENT_TYPES,
	FLOW_ACTIONS,
	FLOW_TARGET_FIELDS,
	MEDIA_CARD_BUTTON_TYPES,
	OFFER_HEADER_FORMATS,
	OFFER_LIMITS,
	OTP_TYPES,
	PRODUCT_CARD_BUTTON_TYPES,
	PRODUCT_MESSAGE_LIMITS,
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
	/** COPY_CODE, CATALOG, SPM and OTP buttons may come without text (Meta supplies a label). */
	buttonTypesNeedingText: BUTTON_TYPES_TEXT_REQUIRED,
	copyCodeExampleMaxLength: L.COPY_CODE_EXAMPLE_MAX_LENGTH,
	phoneDigits: { min: L.BUTTON_PHONE_E164_MIN_DIGITS, max: L.BUTTON_PHONE_E164_MAX_DIGITS },
	phoneMaxLength: L.BUTTON_PHONE_MAX_LENGTH,
	otpTypes: OTP_TYPES,
	flowActions: FLOW_ACTIONS,
	flowTargets: FLOW_TARGET_FIELDS,
	carousel: CAROUSEL_LIMITS,
	carouselCardComponents: CAROUSEL_CARD_COMPONENT_TYPES,
	carouselHeaderFormats: CAROUSEL_HEADER_FORMATS,
	carouselMediaHeaderFormats: CAROUSEL_MEDIA_HEADER_FORMATS,
	mediaCardButtonTypes: MEDIA_CARD_BUTTON_TYPES,
	productCardButtonTypes: PRODUCT_CARD_BUTTON_TYPES,
	offer: OFFER_LIMITS,
	offerHeaderFormats: OFFER_HEADER_FORMATS,
	productMessages: PRODUCT_MESSAGE_LIMITS,
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
