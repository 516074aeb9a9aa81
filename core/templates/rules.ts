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
	/** Meta's button guide: copy-code example (the coupon) ≤15 chars [S]. */
	COPY_CODE_EXAMPLE_MAX_LENGTH: 15,
	/** cloud-api.md §1 AUTHENTICATION [V: OAS]: footer `code_expiration_minutes` 1–90. */
	CODE_EXPIRATION_MIN: 1,
	CODE_EXPIRATION_MAX: 90,
	/** Positional variables `{{1}}`; named variables `{{first_name}}` (cloud-api.md §1 Named parameters). */
	POSITIONAL_VARIABLE_PATTERN: /^[1-9][0-9]*$/,
	NAMED_VARIABLE_PATTERN: /^[a-z][a-z0-9_]*$/,
} as const;

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const PARAMETER_FORMATS = ['POSITIONAL', 'NAMED'] as const;
export const COMPONENT_TYPES = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'] as const;
/** cloud-api.md §1 Formats: TEXT | IMAGE | VIDEO | DOCUMENT | LOCATION [V: OAS]; GIF is Marketing Messages only [S]. */
export const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'GIF'] as const;
export const MEDIA_HEADER_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF'] as const;
/** cloud-api.md §1 Button types (OAS + [S]). */
export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL'] as const;
/** Buttons that count as call-to-action (the quick replies must not be interleaved with them). */
export const CTA_BUTTON_TYPES = ['URL', 'PHONE_NUMBER', 'COPY_CODE', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL'] as const;
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
	'components.type_invalid': { description: 'Component type is HEADER, BODY, FOOTER or BUTTONS.', source: 'OAS create body' },
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
	'button.phone_invalid': { description: `PHONE_NUMBER buttons need a phone number (digits, optional +, ≤${TEMPLATE_LIMITS.BUTTON_PHONE_MAX_LENGTH} chars).`, source: "Meta's button guide [S]" },
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
} as const satisfies Record<string, TemplateRule>;

export type TemplateRuleId = keyof typeof TEMPLATE_RULES;

/** Does a value belong to a readonly string list (type guard for the constant tuples above)? */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
	return typeof value === 'string' && (list as readonly string[]).includes(value);
}
