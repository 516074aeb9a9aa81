/**
 * Meta's message-template creation rules as data (cloud-api.md §1 "Limits"; [S] = secondary sources).
 * The package's own validator (core/templates) encodes the same figures: keep both in step
 * until the lead folds them into one shared table.
 */
export const TEMPLATE_RULES = {
	nameMaxLength: 512, // §1: name ≤512 chars, lowercase a-z, 0-9, _
	namePattern: /^[a-z0-9_]+$/,
	languagePattern: /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/,
	categories: ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const,
	parameterFormats: ['POSITIONAL', 'NAMED'] as const,
	componentTypes: ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'] as const,
	headerFormats: ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const, // GIF: Marketing Messages API only
	bodyMaxLength: 1024, // §1: BODY ≤1024
	headerTextMaxLength: 60, // §1: HEADER text ≤60, at most 1 variable
	headerMaxVariables: 1,
	footerMaxLength: 60, // §1: FOOTER ≤60, no variables
	buttonTextMaxLength: 25, // §1: button text ≤25
	buttonsMax: 10, // §1: ≤10 buttons in total
	urlButtonsMax: 2, // §1: URL ≤2
	phoneButtonsMax: 1, // §1: PHONE_NUMBER ≤1
	buttonTypes: ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'OTP', 'COPY_CODE', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL'] as const,
	namedParamPattern: /^[a-z][a-z0-9_]*$/, // §1: named params use lowercase letters, digits and _
	otpCodeExpirationMinutes: { min: 1, max: 90 },
	textMaxLength: 4096, // §2: text bodies ≤4096
	captionMaxLength: 1024, // §2: media captions ≤1024
} as const;

/** Variables in a text: {{1}} / {{first_name}} with their positions. */
export function extractVariables(text: string): { name: string; start: number; end: number }[] {
	const out: { name: string; start: number; end: number }[] = [];
	const re = /\{\{\s*([^{}]*?)\s*\}\}/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text))) out.push({ name: m[1], start: m.index, end: m.index + m[0].length });
	return out;
}
