/**
 * Meta's message-template rules as named constants, one place for the validator, the node and the
 * simulator (which checks create bodies the same way Meta would).
 *
 * Sources: cloud-api.md §1 ("Limits" table, "Create body", "AUTHENTICATION templates"), Meta's OAS
 * `business-messaging-api_v23.0.yaml` (create examples), and Meta's template guides as mirrored in
 * the search corpus. [S] = secondary sources only; treat as configurable where it matters.
 */

/** Numeric and pattern limits. */
export const TEMPLATE_LIMITS = {
	/** cloud-api.md §1 Limits: name ≤512 chars, lowercase a-z, 0-9 and `_` [S]. */
	NAME_PATTERN: /^[a-z0-9_]+$/,
	NAME_MAX_LENGTH: 512,
	/** cloud-api.md §1 Limits: HEADER text ≤60 chars, at most 1 variable [S]. */
	HEADER_TEXT_MAX_LENGTH: 60,
	HEADER_MAX_VARIABLES: 1,
	/** cloud-api.md §1 Limits: BODY ≤1024 chars [S]. */
	BODY_MAX_LENGTH: 1024,
	/** cloud-api.md §1 Limits: FOOTER ≤60 chars, no variables [S]. */
	FOOTER_MAX_LENGTH: 60,
	/** cloud-api.md §1 Limits: button text ≤25 chars [S]. */
	BUTTON_TEXT_MAX_LENGTH: 25,
	/** cloud-api.md §1 Limits: ≤10 buttons in total, URL ≤2, PHONE_NUMBER ≤1 [S]. */
	BUTTONS_MAX_TOTAL: 10,
	BUTTONS_MAX_URL: 2,
	BUTTONS_MAX_PHONE_NUMBER: 1,
	/** Meta's button guide: at most one COPY_CODE (offer code) button [S]. */
	BUTTONS_MAX_COPY_CODE: 1,
	/** Meta's button guide: URL ≤2000 chars, one variable, appended at the end [S]. */
	BUTTON_URL_MAX_LENGTH: 2000,
	/** Meta's button guide: phone number ≤20 chars [S]. */
	BUTTON_PHONE_MAX_LENGTH: 20,
	/**
	 * Phone buttons call an international number: E.164 is a country code plus the national number,
	 * at most 15 digits (ITU-T E.164; cloud-api.md §2 `to` is E.164 too). The node also asks
	 * libphonenumber whether the number is possible for its country code.
	 */
	BUTTON_PHONE_E164_MIN_DIGITS: 7,
	BUTTON_PHONE_E164_MAX_DIGITS: 15,
	/** Meta's button guide: copy-code example (the coupon) ≤15 chars [S]. */
	COPY_CODE_EXAMPLE_MAX_LENGTH: 15,
	/** cloud-api.md §1 AUTHENTICATION [V: OAS]: footer `code_expiration_minutes` 1–90. */
	CODE_EXPIRATION_MIN: 1,
	CODE_EXPIRATION_MAX: 90,
	/** Positional variables `{{1}}`; named variables `{{first_name}}` (cloud-api.md §1 Named parameters). */
	POSITIONAL_VARIABLE_PATTERN: /^[1-9][0-9]*$/,
	NAMED_VARIABLE_PATTERN: /^[a-z][a-z0-9_]*$/,
} as const;

/**
 * Carousel templates (Meta's "Media card carousel templates" and "Product card carousel templates"
 * guides, developers.facebook.com/docs/whatsapp/business-management-api/message-templates/… [S]):
 * one BODY (the message bubble) and one CAROUSEL with 2–10 cards; every card has the same
 * components; media cards have an IMAGE or VIDEO header, an optional body (all cards or none) and
 * 1–2 buttons (QUICK_REPLY, URL, PHONE_NUMBER); product cards have a PRODUCT header and one SPM
 * ("View") or URL button. Sends carry exactly as many cards as the template defines.
 */
export const CAROUSEL_LIMITS = {
	CARDS_MIN: 2,
	CARDS_MAX: 10,
	/** Media-card guide: card body text ≤160 characters [S]. */
	CARD_BODY_MAX_LENGTH: 160,
	MEDIA_CARD_BUTTONS_MIN: 1,
	MEDIA_CARD_BUTTONS_MAX: 2,
	PRODUCT_CARD_BUTTONS: 1,
} as const;
export const CAROUSEL_MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO'] as const;
export const CAROUSEL_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'PRODUCT'] as const;
export const CAROUSEL_CARD_COMPONENT_TYPES = ['HEADER', 'BODY', 'BUTTONS'] as const;
export const MEDIA_CARD_BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER'] as const;
export const PRODUCT_CARD_BUTTON_TYPES = ['SPM', 'URL'] as const;

/**
 * Limited-time offer templates (Meta's "Limited-time offer templates" guide [S]): MARKETING only,
 * no FOOTER, an optional IMAGE / VIDEO header, body ≤600 characters, `limited_time_offer.text`
 * ≤16 characters, `has_expiration` boolean (then each send carries `expiration_time_ms`, a Unix
 * time in milliseconds), a COPY_CODE button (example ≤15) and URL buttons.
 */
export const OFFER_LIMITS = {
	TEXT_MAX_LENGTH: 16,
	BODY_MAX_LENGTH: 600,
} as const;
export const OFFER_HEADER_FORMATS = ['IMAGE', 'VIDEO'] as const;

/**
 * Catalog and multi-product (MPM) templates (Meta's "Catalog templates" and "Multi-product message
 * templates" guides [S]; the OAS "Create multi-product message template" and "Send Catalog Template
 * Message" examples [V: OAS]): the CATALOG or MPM button is the template's only button; MPM
 * templates have a TEXT header. A send names the thumbnail product (catalog: optional, MPM:
 * required) and, for MPM, 1–10 sections of product retailer ids (≤30 products, titles ≤24).
 */
export const PRODUCT_MESSAGE_LIMITS = {
	MPM_SECTIONS_MIN: 1,
	MPM_SECTIONS_MAX: 10,
	MPM_SECTION_TITLE_MAX_LENGTH: 24,
	MPM_PRODUCTS_MAX: 30,
} as const;

/**
 * Flow buttons (OAS "Create Flow Template Message by ID / Name / Flow JSON" examples [V: OAS];
 * Meta's "Flows in templates" guide [S]): exactly one of `flow_id`, `flow_name`, `flow_json` (a JSON
 * string); `flow_action` `navigate` (default) or `data_exchange`; `navigate_screen` is the first
 * screen. A send may carry `flow_token` and `flow_action_data` (OAS "Send Flow Template Message").
 */
export const FLOW_ACTIONS = ['navigate', 'data_exchange'] as const;
export const FLOW_TARGET_FIELDS = ['flow_id', 'flow_name', 'flow_json'] as const;

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
/** CAROUSEL and LIMITED_TIME_OFFER: Meta's carousel and limited-time-offer guides [S]. */
export const COMPONENT_TYPES = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS', 'CAROUSEL', 'LIMITED_TIME_OFFER'] as const;
/** cloud-api.md §1 Formats: TEXT | IMAGE | VIDEO | DOCUMENT | LOCATION [V: OAS]; GIF is Marketing Messages only [S]. */
export const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'GIF'] as const;
export const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF'] as const;
/** cloud-api.md §1 Button types (OAS + [S]). */
export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL', 'SPM'] as const;
/** Buttons that count as call-to-action (the quick replies must not be interleaved with them). */
export const CTA_BUTTON_TYPES = ['URL', 'PHONE_NUMBER', 'COPY_CODE', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL', 'SPM'] as const;
/**
 * Button types whose `text` Meta requires. COPY_CODE ("Copy offer code"), CATALOG ("View catalog"),
 * SPM ("View") and OTP have a default label (Meta's coupon-code, catalog and authentication guides [S];
 * the OAS creates OTP buttons with and without text).
 */
export const BUTTON_TYPES_TEXT_REQUIRED = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'FLOW', 'MPM', 'VOICE_CALL'] as const;
/** cloud-api.md §1 AUTHENTICATION: `otp_type` COPY_CODE | ONE_TAP (+ ZERO_TAP, Meta's auth guide [S]). */
export const OTP_TYPES = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'] as const;
/** OTP types that autofill in an Android app and therefore need `package_name` + `signature_hash`. */
export const OTP_TYPES_NEEDING_APP = ['ONE_TAP', 'ZERO_TAP'] as const;

/** Template statuses (cloud-api.md §1 Status). Wait for Review ends on the final ones. */
export const TEMPLATE_STATUSES = [
	'APPROVED',
	'PENDING',
	'REJECTED',
	'PAUSED',
	'DISABLED',
	'FLAGGED',
	'IN_APPEAL',
	'LOCKED',
	'REINSTATED',
	'PENDING_DELETION',
	'DELETED',
	'LIMIT_EXCEEDED',
	'ARCHIVED',
	'UNARCHIVED',
] as const;
/** Statuses where the review is over (anything but PENDING / IN_APPEAL). */
export const REVIEW_PENDING_STATUSES = ['PENDING', 'IN_APPEAL'] as const;

/** cloud-api.md §1 Limits: only APPROVED / REJECTED / PAUSED templates can be edited [S]. */
export const EDITABLE_STATUSES = ['APPROVED', 'REJECTED', 'PAUSED'] as const;
/** cloud-api.md §1 Limits: category editable only while REJECTED [U]. */
export const CATEGORY_EDITABLE_STATUSES = ['REJECTED'] as const;

export interface TemplateRule {
	/** What Meta requires, in a sentence. */
	description: string;
	/** Where the rule comes from. */
	source: string;
}

/**
 * Every rule id `validateTemplate` can report, with its meaning and source. Ids are stable: the
 * simulator and tests refer to them.
 */
export const TEMPLATE_RULES = {
	'name.required': { description: 'A template name is required.', source: 'OAS create body' },
	'name.pattern': { description: 'Names use lowercase letters, digits and underscores only.', source: 'cloud-api.md §1 Limits [S]' },
	'name.max_length': { description: `Names are at most ${TEMPLATE_LIMITS.NAME_MAX_LENGTH} characters.`, source: 'cloud-api.md §1 Limits [S]' },
	'language.required': { description: 'A language code is required.', source: 'OAS create body' },
	'language.unknown': { description: "The language must be one of Meta's template language codes.", source: "Meta 'Supported Languages' page (languages.ts)" },
	'category.invalid': { description: 'Category is MARKETING, UTILITY or AUTHENTICATION.', source: 'cloud-api.md §1 Status, quality, category' },
	'parameter_format.invalid': { description: 'parameter_format is POSITIONAL or NAMED.', source: 'cloud-api.md §1 Named parameters [S]' },
	'components.required': { description: 'At least one component (the BODY) is required.', source: 'OAS create body' },
	'components.type_invalid': { description: 'Component type is HEADER, BODY, FOOTER, BUTTONS, CAROUSEL or LIMITED_TIME_OFFER.', source: "OAS create body; Meta's carousel and limited-time offer guides [S]" },
	'components.duplicate': { description: 'Each component type appears at most once.', source: "Meta's template components guide [S]" },
	'body.required': { description: 'Every template has exactly one BODY component.', source: "Meta's template components guide [S]" },
	'body.text_required': { description: 'The BODY needs text.', source: 'OAS create body' },
	'body.max_length': { description: `BODY text is at most ${TEMPLATE_LIMITS.BODY_MAX_LENGTH} characters.`, source: 'cloud-api.md §1 Limits [S]' },
	'body.starts_with_variable': { description: 'The body must not start with a variable.', source: 'cloud-api.md §1 Limits: rejection reasons [S]' },
	'body.ends_with_variable': { description: 'The body must not end with a variable.', source: 'cloud-api.md §1 Limits: rejection reasons [S]' },
	'header.format_invalid': { description: 'Header format is TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.', source: 'cloud-api.md §1 Formats [V: OAS]' },
	'header.text_required': { description: 'A TEXT header needs text.', source: 'OAS create body' },
	'header.max_length': { description: `Header text is at most ${TEMPLATE_LIMITS.HEADER_TEXT_MAX_LENGTH} characters.`, source: 'cloud-api.md §1 Limits [S]' },
	'header.max_variables': { description: `Header text has at most ${TEMPLATE_LIMITS.HEADER_MAX_VARIABLES} variable.`, source: 'cloud-api.md §1 Formats [S]' },
	'header.media_example_required': { description: 'Media headers need example.header_handle (a Resumable Upload handle).', source: 'cloud-api.md §1 Formats [V: OAS]' },
	'footer.text_required': { description: 'A FOOTER needs text (except the AUTHENTICATION expiry footer).', source: 'OAS create body' },
	'footer.max_length': { description: `Footer text is at most ${TEMPLATE_LIMITS.FOOTER_MAX_LENGTH} characters.`, source: 'cloud-api.md §1 Limits [S]' },
	'footer.variables': { description: 'The footer takes no variables.', source: 'cloud-api.md §1 Limits [S]' },
	'variables.invalid_name': { description: 'Variables are {{1}}, {{2}}… or {{lowercase_name}}.', source: 'cloud-api.md §1 Named parameters [S]' },
	'variables.sequence': { description: 'Positional variables are numbered from {{1}} without gaps.', source: "Meta's template guide: rejection reasons [S]" },
	'variables.mixed': { description: 'Positional and named variables are not mixed.', source: "Meta's named-parameters guide [S]" },
	'variables.format_mismatch': { description: 'Variables match parameter_format (POSITIONAL uses {{1}}, NAMED uses {{name}}).', source: 'cloud-api.md §1 Named parameters [S]' },
	'variables.adjacent': { description: 'Two variables may not be adjacent or separated by whitespace only.', source: 'cloud-api.md §1 Limits [S]' },
	'variables.example_missing': { description: 'Every variable needs an example value.', source: 'cloud-api.md §1 Limits [S]' },
	'variables.example_count': {
		description: 'There is exactly one example value per variable (no extra examples).',
		source: "cloud-api.md §1 Create body (body_text holds one example per {{n}}); Meta's template guide: 'Must supply examples for all placeholders' [S]",
	},
	'buttons.required': { description: 'A BUTTONS component lists at least one button.', source: 'OAS create body' },
	'buttons.max_total': { description: `At most ${TEMPLATE_LIMITS.BUTTONS_MAX_TOTAL} buttons.`, source: 'cloud-api.md §1 Limits [S]' },
	'buttons.max_url': { description: `At most ${TEMPLATE_LIMITS.BUTTONS_MAX_URL} URL buttons.`, source: 'cloud-api.md §1 Limits [S]' },
	'buttons.max_phone_number': { description: `At most ${TEMPLATE_LIMITS.BUTTONS_MAX_PHONE_NUMBER} PHONE_NUMBER button.`, source: 'cloud-api.md §1 Limits [S]' },
	'buttons.max_copy_code': { description: `At most ${TEMPLATE_LIMITS.BUTTONS_MAX_COPY_CODE} COPY_CODE button.`, source: "Meta's button guide [S]" },
	'buttons.quick_reply_grouping': { description: 'Quick replies are grouped together, not interleaved with call-to-action buttons.', source: 'cloud-api.md §1 Limits [S]' },
	'button.type_invalid': { description: 'Unknown button type.', source: 'cloud-api.md §1 Button types' },
	'button.text_required': { description: 'Buttons need text.', source: 'OAS create body' },
	'button.text_max_length': { description: `Button text is at most ${TEMPLATE_LIMITS.BUTTON_TEXT_MAX_LENGTH} characters.`, source: 'cloud-api.md §1 Limits [S]' },
	'button.url_invalid': { description: `URL buttons need an http(s) URL of at most ${TEMPLATE_LIMITS.BUTTON_URL_MAX_LENGTH} characters.`, source: "Meta's button guide [S]" },
	'button.url_variable': { description: 'A URL button has at most one variable, {{1}}, at the end of the URL.', source: "Meta's button guide; cloud-api.md §1 (URL variables stay positional) [S]" },
	'button.url_example_missing': { description: 'A URL with {{1}} needs an example full URL.', source: 'cloud-api.md §1 Create body' },
	'button.phone_invalid': {
		description: `PHONE_NUMBER buttons need an international number: country code + number, ${TEMPLATE_LIMITS.BUTTON_PHONE_E164_MIN_DIGITS}–${TEMPLATE_LIMITS.BUTTON_PHONE_E164_MAX_DIGITS} digits (E.164), optional +, ≤${TEMPLATE_LIMITS.BUTTON_PHONE_MAX_LENGTH} characters.`,
		source: "Meta's button guide (country code required, ≤20 chars) [S]; ITU-T E.164 (≤15 digits); OAS example phone_number '16467043595' [V: OAS]",
	},
	'button.flow_target': { description: 'A FLOW button names its Flow with exactly one of flow_id, flow_name or flow_json.', source: 'OAS create examples "Create Flow Template Message by ID / Name / Flow JSON" [V: OAS]' },
	'button.flow_action': { description: 'flow_action is navigate or data_exchange.', source: "Meta's Flows-in-templates guide [S]; OAS create examples use navigate [V: OAS]" },
	'button.flow_json': { description: 'flow_json is a string holding a Flow JSON object.', source: 'OAS "Create Flow Template Message by Flow JSON" [V: OAS]' },
	'buttons.product_only': { description: 'A CATALOG or MPM button is the template\'s only button.', source: "Meta's catalog and multi-product template guides [S]; OAS MPM create example [V: OAS]" },
	'mpm.header_text': { description: 'Multi-product (MPM) templates have a TEXT header.', source: 'OAS "Create multi-product message template" [V: OAS]; Meta\'s MPM template guide [S]' },
	'carousel.marketing_only': { description: 'Carousel templates are MARKETING templates.', source: "Meta's media-card carousel guide [S]" },
	'carousel.components': { description: 'A carousel template has one BODY and one CAROUSEL component, and no HEADER, FOOTER or BUTTONS of its own.', source: "Meta's media / product card carousel guides [S]" },
	'carousel.card_count': { description: `A carousel has ${CAROUSEL_LIMITS.CARDS_MIN} to ${CAROUSEL_LIMITS.CARDS_MAX} cards.`, source: "Meta's media-card carousel guide [S]" },
	'carousel.card_component_invalid': { description: 'Card components are HEADER, BODY and BUTTONS, each at most once.', source: "Meta's media-card carousel guide [S]" },
	'carousel.card_header': { description: 'Every card has a header: IMAGE or VIDEO (media cards, with example.header_handle) or PRODUCT (product cards), the same format on every card.', source: "Meta's media / product card carousel guides [S]" },
	'carousel.card_body': { description: `Card body text is at most ${CAROUSEL_LIMITS.CARD_BODY_MAX_LENGTH} characters; if one card has a body, all do.`, source: "Meta's media-card carousel guide [S]" },
	'carousel.card_buttons': {
		description: `Media cards have ${CAROUSEL_LIMITS.MEDIA_CARD_BUTTONS_MIN}–${CAROUSEL_LIMITS.MEDIA_CARD_BUTTONS_MAX} buttons (QUICK_REPLY, URL, PHONE_NUMBER); product cards have one SPM or URL button.`,
		source: "Meta's media / product card carousel guides [S]",
	},
	'carousel.cards_consistent': { description: 'Every card has the same components and the same button types in the same order.', source: "Meta's media-card carousel guide: 'All cards defined on a template must have the same components' [S]" },
	'offer.marketing_only': { description: 'Limited-time offer templates are MARKETING templates.', source: "Meta's limited-time offer guide: Limitations [S]" },
	'offer.text': { description: `limited_time_offer.text is required, at most ${OFFER_LIMITS.TEXT_MAX_LENGTH} characters.`, source: "Meta's limited-time offer guide [S]" },
	'offer.has_expiration': { description: 'limited_time_offer.has_expiration is a boolean.', source: "Meta's limited-time offer guide [S]" },
	'offer.footer_not_allowed': { description: 'Limited-time offer templates have no FOOTER.', source: "Meta's limited-time offer guide: Limitations [S]" },
	'offer.header_format': { description: 'A limited-time offer header is IMAGE or VIDEO.', source: "Meta's limited-time offer guide [S]" },
	'offer.body_max_length': { description: `A limited-time offer body is at most ${OFFER_LIMITS.BODY_MAX_LENGTH} characters.`, source: "Meta's limited-time offer guide [S]" },
	'button.copy_code_example': { description: `COPY_CODE buttons need an example code of at most ${TEMPLATE_LIMITS.COPY_CODE_EXAMPLE_MAX_LENGTH} characters.`, source: "Meta's button guide [S]" },
	'button.otp_only_authentication': { description: 'OTP buttons belong to AUTHENTICATION templates only.', source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.header_not_allowed': { description: 'AUTHENTICATION templates have no header.', source: "Meta's authentication-templates guide [S]" },
	'authentication.body_text_not_allowed': { description: 'Meta supplies the AUTHENTICATION body text; set add_security_recommendation instead.', source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.security_recommendation': { description: 'add_security_recommendation is a boolean.', source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.code_expiration': { description: `Footer code_expiration_minutes is an integer from ${TEMPLATE_LIMITS.CODE_EXPIRATION_MIN} to ${TEMPLATE_LIMITS.CODE_EXPIRATION_MAX}.`, source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.footer_text_not_allowed': { description: 'The AUTHENTICATION footer takes code_expiration_minutes, not text.', source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.otp_button': { description: 'AUTHENTICATION templates have exactly one button, of type OTP.', source: 'cloud-api.md §1 AUTHENTICATION [V: OAS]' },
	'authentication.otp_type': { description: 'otp_type is COPY_CODE, ONE_TAP or ZERO_TAP.', source: 'cloud-api.md §1 Button types [V: OAS]' },
	'authentication.one_tap_app': { description: 'ONE_TAP / ZERO_TAP buttons need package_name and signature_hash.', source: 'cloud-api.md §1 Button types [V: OAS]' },
	'authentication.zero_tap_terms': {
		description: 'ZERO_TAP buttons need zero_tap_terms_accepted: true (the business accepts the zero-tap terms).',
		source: "Meta's authentication-templates guide, zero-tap section [S]",
	},
} as const satisfies Record<string, TemplateRule>;

export type TemplateRuleId = keyof typeof TEMPLATE_RULES;

/** Does a value belong to a readonly string list (type guard for the constant tuples above)? */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
	return typeof value === 'string' && (list as readonly string[]).includes(value);
}
