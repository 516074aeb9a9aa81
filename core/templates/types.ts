/**
 * Shapes of WhatsApp message templates as Meta's Graph API takes and returns them
 * (cloud-api.md §1 "Create body", OAS `message_templates`). Kept loose on purpose: Meta adds
 * fields, and the validator reports what is wrong instead of the type system rejecting it.
 */

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | 'GIF';
export type ButtonType =
	| 'QUICK_REPLY'
	| 'URL'
	| 'PHONE_NUMBER'
	| 'COPY_CODE'
	| 'OTP'
	| 'FLOW'
	| 'MPM'
	| 'CATALOG'
	| 'VOICE_CALL'
	| 'SPM';
export type OtpType = 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';

export interface NamedExample {
	param_name: string;
	example: string;
}

export interface TemplateButton {
	type: ButtonType | string;
	text?: string;
	url?: string;
	phone_number?: string;
	/** URL buttons: `["https://ex.com/t?id=42"]`; COPY_CODE: `"SAVE20"` (or a one-item array). */
	example?: string[] | string;
	otp_type?: OtpType | string;
	autofill_text?: string;
	package_name?: string;
	signature_hash?: string;
	supported_apps?: { package_name?: string; signature_hash?: string }[];
	zero_tap_terms_accepted?: boolean;
	/** FLOW buttons: exactly one of flow_id / flow_name / flow_json (rules.ts FLOW_TARGET_FIELDS). */
	flow_id?: string;
	flow_name?: string;
	flow_json?: string;
	/** `navigate` (default) or `data_exchange`. */
	flow_action?: string;
	/** The Flow's first screen. */
	navigate_screen?: string;
	[key: string]: unknown;
}

export interface TemplateComponent {
	type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | string;
	format?: HeaderFormat | string;
	text?: string;
	example?: {
		header_text?: string[];
		header_handle?: string[];
		header_text_named_params?: NamedExample[];
		body_text?: string[][];
		body_text_named_params?: NamedExample[];
		[key: string]: unknown;
	};
	buttons?: TemplateButton[];
	/** AUTHENTICATION body: Meta appends "For your security, do not share this code." */
	add_security_recommendation?: boolean;
	/** AUTHENTICATION footer: "This code expires in N minutes." */
	code_expiration_minutes?: number;
	/** CAROUSEL: 2–10 cards, each with its own HEADER / BODY / BUTTONS (rules.ts CAROUSEL_LIMITS). */
	cards?: CarouselCard[];
	/** LIMITED_TIME_OFFER: the offer line (≤16 chars) and whether the expiry is shown. */
	limited_time_offer?: { text?: string; has_expiration?: boolean; [key: string]: unknown };
	[key: string]: unknown;
}

/** One carousel card of a create body: `{ components: [HEADER, BODY?, BUTTONS] }`. */
export interface CarouselCard {
	components: TemplateComponent[];
	[key: string]: unknown;
}

/** Meta's create body: `POST /{WABA_ID}/message_templates`. */
export interface TemplateDefinition {
	name: string;
	language: string;
	category: TemplateCategory | string;
	parameter_format?: ParameterFormat | string;
	allow_category_change?: boolean;
	components: TemplateComponent[];
	[key: string]: unknown;
}

/** A template as `GET /{TEMPLATE_ID}` or `GET /{WABA_ID}/message_templates` returns it. */
export interface StoredTemplate extends TemplateDefinition {
	id: string;
	status?: string;
	rejected_reason?: string;
	previous_category?: string;
	quality_score?: { score?: string; date?: number };
}

/** One validation problem, e.g. `{ path: 'components[1].text', rule: 'body.max_length', message }`. */
export interface TemplateValidationError {
	path: string;
	rule: string;
	message: string;
}

export interface TemplateValidationResult {
	valid: boolean;
	errors: TemplateValidationError[];
}
