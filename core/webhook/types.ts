/**
 * Flat webhook events: one per inbound message, per status, per account/template change.
 * Shapes follow Meta's webhook references (cloud-api.md §4; OAS `/whatsapp/webhooks`,
 * developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/*).
 * Times: `timestamp` is ISO 8601, `timestampEpoch` is seconds (Meta sends epoch seconds).
 */

export type WebhookEventKind =
	| 'message'
	| 'status'
	| 'template_status'
	| 'template_quality'
	| 'template_category'
	| 'phone_quality'
	| 'phone_name'
	| 'account_update'
	| 'business_capability'
	| 'user_preference'
	| 'error'
	| 'unknown';

export const WEBHOOK_EVENT_KINDS: readonly WebhookEventKind[] = [
	'message',
	'status',
	'template_status',
	'template_quality',
	'template_category',
	'phone_quality',
	'phone_name',
	'account_update',
	'business_capability',
	'user_preference',
	'error',
	'unknown',
];

export interface EventBase {
	kind: WebhookEventKind;
	/** De-duplication key: message id; status id + status; otherwise field + hash of the value. */
	eventId: string;
	/** The webhook field (`messages`, `message_template_status_update`, …). */
	field: string;
	/** entry[].id: the WhatsApp Business Account id. */
	wabaId?: string;
	phoneNumberId?: string;
	displayPhoneNumber?: string;
	timestamp?: string;
	timestampEpoch?: number;
	/** The change's `value` object as Meta sent it. */
	raw: unknown;
}

export interface MetaError {
	code?: number;
	title?: string;
	message?: string;
	details?: string;
	href?: string;
}

export interface MessageContext {
	from?: string;
	/** The wamid of the message being replied to (e.g. one of our campaign messages). */
	id?: string;
	forwarded?: boolean;
	frequentlyForwarded?: boolean;
	referredProduct?: { catalogId?: string; productRetailerId?: string };
}

/** Click-to-WhatsApp ad / Page CTA referral: opens a 72 h free entry point (cloud-api.md §6). */
export interface MessageReferral {
	sourceUrl?: string;
	sourceId?: string;
	sourceType?: string;
	body?: string;
	headline?: string;
	mediaType?: string;
	imageUrl?: string;
	videoUrl?: string;
	thumbnailUrl?: string;
	ctwaClid?: string;
	welcomeMessage?: string;
}

export interface MessageMedia {
	id?: string;
	mimeType?: string;
	sha256?: string;
	caption?: string;
	filename?: string;
	voice?: boolean;
	animated?: boolean;
	url?: string;
}

export interface MessageInteractive {
	type: string;
	/** button_reply / list_reply id, or the flow name for nfm_reply. */
	id?: string;
	title?: string;
	description?: string;
	/** nfm_reply (Flow): `body` ("Sent"), `name` ("flow"), and `response_json` parsed. */
	body?: string;
	name?: string;
	flowResponse?: Record<string, unknown>;
	flowToken?: string;
	/** response_json when it was not valid JSON. */
	flowResponseRaw?: string;
}

export type MessageType =
	| 'text'
	| 'image'
	| 'video'
	| 'audio'
	| 'document'
	| 'sticker'
	| 'location'
	| 'contacts'
	| 'reaction'
	| 'button'
	| 'interactive'
	| 'order'
	| 'system'
	| 'unsupported'
	| string;

export interface MessageEvent extends EventBase {
	kind: 'message';
	messageId: string;
	type: MessageType;
	/** Sender wa_id (phone digits). May be absent for username users (BSUID only). */
	waId?: string;
	from?: string;
	/** Business-scoped user id (BSUID), e.g. `BR.1502576394655843`. */
	userId?: string;
	profileName?: string;
	/** The user-visible text: text body, caption, button text, interactive title, reaction emoji… */
	text?: string;
	media?: MessageMedia;
	location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
	/** Shared contact cards, as Meta sends them. */
	contacts?: unknown[];
	reaction?: { messageId?: string; emoji?: string };
	/** Template quick-reply tap. */
	button?: { payload?: string; text?: string };
	interactive?: MessageInteractive;
	order?: { catalogId?: string; text?: string; productItems: Array<Record<string, unknown>> };
	system?: { body?: string; type?: string; waId?: string; newWaId?: string; newUserId?: string; customer?: string; identity?: string };
	errors?: MetaError[];
	context?: MessageContext;
	/** context.id: the message this one replies to. */
	replyToMessageId?: string;
	referral?: MessageReferral;
	/** The message carried an ad/CTA referral (72 h free entry point). */
	hasReferral: boolean;
}

export type StatusValue = 'sent' | 'delivered' | 'read' | 'failed' | 'played' | string;

export interface StatusEvent extends EventBase {
	kind: 'status';
	messageId: string;
	status: StatusValue;
	recipientId?: string;
	/** recipient_id when it is a phone (not a group). */
	waId?: string;
	recipientUserId?: string;
	recipientType?: string;
	bizOpaqueCallbackData?: string;
	pricing?: { billable?: boolean; pricingModel?: string; type?: string; category?: string };
	conversation?: { id?: string; expirationTimestamp?: string; originType?: string };
	errorCode?: number;
	errorTitle?: string;
	errorMessage?: string;
	errorDetails?: string;
	errors?: MetaError[];
}

export interface TemplateStatusEvent extends EventBase {
	kind: 'template_status';
	event?: string;
	templateId?: string;
	templateName?: string;
	templateLanguage?: string;
	templateCategory?: string;
	reason?: string;
	rejectionInfo?: { reason?: string; recommendation?: string };
	disableDate?: string;
	otherInfo?: { title?: string; description?: string };
}

export interface TemplateQualityEvent extends EventBase {
	kind: 'template_quality';
	templateId?: string;
	templateName?: string;
	templateLanguage?: string;
	previousQualityScore?: string;
	newQualityScore?: string;
}

export interface TemplateCategoryEvent extends EventBase {
	kind: 'template_category';
	templateId?: string;
	templateName?: string;
	templateLanguage?: string;
	previousCategory?: string;
	newCategory?: string;
	correctCategory?: string;
	categoryUpdateAt?: string;
	/** impending: Meta will recategorise at categoryUpdateAt; completed: already changed. */
	phase: 'impending' | 'completed';
}

export interface PhoneQualityEvent extends EventBase {
	kind: 'phone_quality';
	event?: string;
	currentLimit?: string;
	oldLimit?: string;
	maxDailyConversationsPerBusiness?: string | number;
}

export interface PhoneNameEvent extends EventBase {
	kind: 'phone_name';
	decision?: string;
	requestedVerifiedName?: string;
	rejectionReason?: string | null;
}

export interface AccountUpdateEvent extends EventBase {
	kind: 'account_update';
	event?: string;
	phoneNumber?: string;
	violationType?: string;
	restrictions?: Array<{ type?: string; expiration?: string | number }>;
	banState?: string;
	banDate?: string;
}

export interface BusinessCapabilityEvent extends EventBase {
	kind: 'business_capability';
	maxDailyConversationsPerBusiness?: number | string;
	maxPhoneNumbersPerWaba?: number | string;
	maxDailyConversationPerPhone?: number | string;
}

export interface UserPreferenceEvent extends EventBase {
	kind: 'user_preference';
	waId?: string;
	userId?: string;
	profileName?: string;
	category?: string;
	/** `stop` or `resume` for marketing_messages. */
	value?: string;
	detail?: string;
}

export interface ErrorEvent extends EventBase {
	kind: 'error';
	errorCode?: number;
	errorTitle?: string;
	errorMessage?: string;
	errorDetails?: string;
}

export interface UnknownEvent extends EventBase {
	kind: 'unknown';
}

export type WebhookEvent =
	| MessageEvent
	| StatusEvent
	| TemplateStatusEvent
	| TemplateQualityEvent
	| TemplateCategoryEvent
	| PhoneQualityEvent
	| PhoneNameEvent
	| AccountUpdateEvent
	| BusinessCapabilityEvent
	| UserPreferenceEvent
	| ErrorEvent
	| UnknownEvent;

/**
 * An event the trigger could not apply (core/webhook/parse.ts parseWebhookRequest): its id is
 * missing, empty or unusable as a store key. Reported as its own output item and in n8n's log;
 * the request's other events are applied and Meta gets 200 (a 5xx would make Meta redeliver the
 * whole request for days, and it would fail the same way every time).
 */
export interface SkippedEvent {
	kind: 'skipped';
	/** What the event would have been (message, status, user_preference…). */
	skippedKind: WebhookEventKind;
	/** Why it was skipped, naming the field (e.g. `The status "id" is empty`). */
	reason: string;
	/** Where in the body: `entry[0].changes[0].value.statuses[1]`. */
	path: string;
	field: string;
	wabaId?: string;
	phoneNumberId?: string;
	displayPhoneNumber?: string;
	/** For a skipped message / status: its id when that part was usable. */
	messageId?: string;
	status?: string;
	from?: string;
	/** The skipped object as Meta sent it. */
	raw: unknown;
}
