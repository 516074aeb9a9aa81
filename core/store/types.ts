/**
 * The state store: one interface, two backends (embedded SQLite via node:sqlite; Postgres for n8n
 * queue mode). All SQL lives behind this interface so callers never change with the backend.
 *
 * What it holds:
 *  - contacts (tags, attributes, marketing opt-in/out with source and time)
 *  - campaigns and a per-recipient ledger (the "hopper": fresh / retry / pending / closed)
 *  - conversation windows (last inbound per business number + contact; cloud-api.md §6)
 *  - the rolling 24 h recipient budget (unique business-initiated recipients, portfolio-wide; §5)
 *  - processed webhook ids (de-duplication of Meta's redeliveries)
 *
 * Times are epoch milliseconds (numbers) everywhere in this interface.
 * Phone identity is the digits-only `waId` (E.164 without '+').
 */

// ───────────────────────────── contacts ─────────────────────────────

export interface Contact {
	waId: string;
	name?: string;
	firstName?: string;
	lastName?: string;
	country?: string;
	tags: string[];
	attributes: Record<string, unknown>;
	/** Opted out of marketing messages (STOP keyword, user_preferences, 131050, or by hand). */
	optedOut: boolean;
	optOutAt?: number;
	optOutSource?: string;
	optInAt?: number;
	optInSource?: string;
	/** Where the contact came from (file name, CRM, webhook…). */
	source?: string;
	createdAt: number;
	updatedAt: number;
	/** Last inbound message from this contact (any business number). */
	lastActiveAt?: number;
	/** On the block list: no message of any category is sent to them (Store.setBlocked). */
	blocked?: boolean;
	blockedAt?: number;
	blockReason?: string;
}

export interface ContactInput {
	waId: string;
	name?: string;
	firstName?: string;
	lastName?: string;
	country?: string;
	tags?: string[];
	attributes?: Record<string, unknown>;
	source?: string;
	/**
	 * Opts the contact out (e.g. an imported opt-out column): a contact not yet opted out gets
	 * optOutAt = `at` (default: the upsert's time) and optOutSource = `source`; one already opted out
	 * keeps its own time and source. There is no opt-in here: an upsert never clears an opt-out
	 * (opting back in is setOptOut(waId, false, …) only).
	 */
	optOut?: { source: string; at?: number };
}
// Upsert rules: given fields replace stored ones; undefined and empty strings count as absent (an
// empty CSV cell never erases a value); attributes merge key by key; tags are trimmed, de-duplicated
// and stored sorted; an opt-out is only ever added. waId must be digits only.

export interface UpsertOptions {
	/** merge (default): union of old and new tags; replace: new tags only (when given). */
	tagsMode?: 'merge' | 'replace';
	/** Time of the write (defaults to Date.now()). */
	now?: number;
}

/** Per input, what the upsert did. An upsert never clears an opt-out. */
export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

export interface ContactFilter {
	/** Has at least one of these tags (an empty list = no tag filter). */
	tagsAny?: string[];
	/** Has every one of these tags (an empty list = no tag filter). */
	tagsAll?: string[];
	/** Exact match on attribute values (compared as strings; JSON true/false as 'true'/'false'). */
	attributes?: Record<string, string>;
	optedOut?: boolean;
	createdFrom?: number;
	createdTo?: number;
	lastActiveFrom?: number;
	lastActiveTo?: number;
}

export interface Page<T> {
	items: T[];
	/** Opaque cursor for the next page; undefined when this was the last page. */
	next?: string;
}

export interface PageRequest {
	limit?: number;
	cursor?: string;
}

// ───────────────────────────── campaigns and ledger ─────────────────────────────

/**
 * Campaign lifecycle (README "Campaign states"): running → paused (user, template warning, number
 * quality) / stopped (user) / account_stopped (Meta stopped the account or token) → running only
 * through Resume Campaign; running → completed when nothing is left to send. Paused and stopped
 * states are sticky: Send Campaign on them sends nothing.
 */
export type CampaignState = 'running' | 'paused' | 'stopped' | 'account_stopped' | 'completed';

export interface Campaign {
	id: string;
	phoneNumberId: string;
	templateName?: string;
	templateLanguage?: string;
	/** MARKETING / UTILITY / AUTHENTICATION (drives opt-out rules and the budget). */
	category?: string;
	state: CampaignState;
	/** Why it was paused/stopped (e.g. "132015 template paused"). */
	reason?: string;
	/** Who or what set the state: 'user', 'webhook:template_status', 'meta:131048', 'graph:quality'… */
	stateBy?: string;
	/** When the state was set. */
	stateAt?: number;
	/** Meta's template id (template webhooks name it). */
	templateId?: string;
	/** The WhatsApp Business Account sending it (account_update webhooks name it). */
	wabaId?: string;
	/** Pause this (marketing) campaign when its number is flagged for low quality (default true). */
	qualityBreaker: boolean;
	/** 131049 deferrals before a recipient fails (sync answers and status webhooks alike). */
	maxDeferDays: number;
	/** No sends before (epoch ms; issue 17). */
	startAt?: number;
	/** After it, what is left is 'expired' (epoch ms). */
	endBy?: number;
	/** Days and hours to send in (core/campaign/schedule.ts SendWindow). */
	sendWindow?: Record<string, unknown>;
	/** What a due run needs to continue the campaign without the original execution (limits, options). */
	runConfig?: Record<string, unknown>;
	/** Sender pool (issue 17): the business numbers it sends from (a flagged one is drained, the campaign goes on). */
	senderPool?: string[];
	/** Free-form JSON the campaign engine needs to resume (options, template snapshot…). */
	config: Record<string, unknown>;
	createdAt: number;
	updatedAt: number;
}

export interface CampaignInput {
	id: string;
	phoneNumberId: string;
	templateName?: string;
	templateLanguage?: string;
	category?: string;
	templateId?: string;
	wabaId?: string;
	qualityBreaker?: boolean;
	maxDeferDays?: number;
	config?: Record<string, unknown>;
}

/** Settings a run may update on an existing campaign (createCampaign never changes them). */
export interface CampaignSettings {
	templateId?: string;
	wabaId?: string;
	qualityBreaker?: boolean;
	maxDeferDays?: number;
	/** null clears a start / end / window. */
	startAt?: number | null;
	endBy?: number | null;
	sendWindow?: Record<string, unknown> | null;
	runConfig?: Record<string, unknown>;
	senderPool?: string[];
}

/** A campaign with work due now (Store.dueCampaigns). */
export interface DueCampaign {
	campaign: Campaign;
	/** Rows sendable now: queued (once started) plus retry / deferred whose time has come. */
	due: number;
	/** End By has passed and rows are left to expire. */
	expire: boolean;
}

/**
 * Recipient states. Order of the delivery lifecycle (monotonic, never goes back):
 *   accepted < delivered < read < replied.
 * queued / retry / deferred are "fresh or waiting"; sending is claimed and in flight;
 * unknown = the request may have reached Meta (timeout after write) — never resent blindly,
 * resolved by a status webhook or by the user; failed / skipped are closed.
 */
export type RecipientState =
	| 'queued'
	| 'sending'
	| 'retry'
	| 'deferred'
	| 'accepted'
	| 'delivered'
	| 'read'
	| 'replied'
	| 'failed'
	| 'skipped'
	| 'unknown'
	/** Not sent before the campaign's End By (issue 17). */
	| 'expired';

export interface Recipient {
	campaignId: string;
	waId: string;
	state: RecipientState;
	/** Position of the recipient's input item (for pairedItem), when the audience came from items. */
	itemIndex?: number;
	/** Per-recipient variable values and anything the send needs (JSON). */
	payload: Record<string, unknown>;
	messageId?: string;
	attempts: number;
	/** For retry / deferred: not before this time. */
	nextAttemptAt?: number;
	errorCode?: number;
	errorClass?: string;
	errorMessage?: string;
	/** Worker that claimed the row (state 'sending'), and until when the claim is valid. */
	claimedBy?: string;
	claimExpiresAt?: number;
	/** Set right before the request was written (Store.markDispatched); cleared by a new claim. */
	dispatchedAt?: number;
	/** Sender pools (issue 17): the business number this recipient sticks to. */
	phoneNumberId?: string;
	/** How many times 131049 deferred it to the next day. */
	deferDays: number;
	updatedAt: number;
}

export interface RecipientInput {
	waId: string;
	itemIndex?: number;
	payload?: Record<string, unknown>;
	/** Insert directly as skipped with this reason (invalid phone, opted out…). */
	skipReason?: string;
	/** Sender pools (issue 17): the business number this recipient sticks to. */
	phoneNumberId?: string;
}

export interface ClaimOptions {
	campaignId: string;
	workerId: string;
	limit: number;
	now: number;
	/** How long the claim holds before another worker may take the row back (ms). */
	leaseMs: number;
	/** Sender pools: claim only rows that stick to this number (rows with no number too). */
	phoneNumberId?: string;
}

export interface RecipientUpdate {
	state?: RecipientState;
	messageId?: string;
	attemptsIncrement?: number;
	nextAttemptAt?: number | null;
	errorCode?: number | null;
	errorClass?: string | null;
	errorMessage?: string | null;
	deferDays?: number;
	/**
	 * Only update when the row is still claimed by this worker (exactly-once guard): claimedBy matches
	 * and the row is 'sending' (or 'unknown' after expireClaims). Setting any state other than
	 * 'sending' ends the claim (claimedBy/claimExpiresAt cleared), so a second guarded update fails.
	 */
	expectClaimedBy?: string;
	now?: number;
}

export type StatusKind = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

export interface StatusUpdate {
	messageId: string;
	status: StatusKind;
	at: number;
	/** biz_opaque_callback_data: "<campaignId>|<waId>" — lets statuses reconcile 'unknown' rows. */
	callbackData?: string;
	recipientWaId?: string;
	errorCode?: number;
	errorMessage?: string;
}

export interface CampaignReport {
	campaignId: string;
	total: number;
	byState: Partial<Record<RecipientState, number>>;
	byErrorCode: Record<string, number>;
	/** Recipients deferred by 131049, by how many days they were deferred ("1", "2", …). */
	deferredByDay: Record<string, number>;
}

/** Store.sendsPerHour: one clock hour (its start, epoch ms), optionally one business number. */
export interface HourlySends {
	hourStart: number;
	phoneNumberId?: string;
	sends: number;
}

/** Store.reportByNumber: one business number's recipients by state. */
export interface NumberReport {
	phoneNumberId?: string;
	total: number;
	byState: Partial<Record<RecipientState, number>>;
}

export interface RecipientFilter {
	states?: RecipientState[];
}

// ───────────────────────────── windows, budget, throughput, dedup ─────────────────────────────

export interface InboundRecord {
	phoneNumberId: string;
	waId: string;
	at: number;
	/** The inbound came from a click-to-WhatsApp ad / Page CTA → 72 h free entry point. */
	referral?: boolean;
}

export interface WindowRecord {
	phoneNumberId: string;
	waId: string;
	lastInboundAt: number;
	/** Start of the last free-entry-point conversation, if any. */
	freeEntryPointAt?: number;
}

export interface BudgetReservation {
	ok: boolean;
	/** When ok is false: the earliest time a slot frees up in the rolling 24 h. */
	availableAt?: number;
	/** Recipients counted in the window after this call. */
	used: number;
	/**
	 * True when this call took a new slot (the recipient was not yet counted in the last 24 h). Only
	 * such reservations may be given back with releaseBudget; releasing an older one would free a slot
	 * Meta still counts.
	 */
	charged: boolean;
}

/**
 * One send's booking in a number's shared pace (Store.bookArrival): the sliding-window guard of
 * core/throttle/tokenBucket.ts, shared by every process that sends for the number.
 */
export interface ArrivalBooking {
	/** Even pace of the shared schedule (sends per second): slots are 1000/ratePerS ms apart. */
	ratePerS: number;
	/** A slot may come this much (ms) before the schedule's next one (a send that was just late). */
	toleranceMs: number;
	/** At most this many arrivals in any `windowMs` (cloud-api.md §5: the cap per sliding 1 s). */
	windowCount: number;
	/** The window (ms): 1 s plus the guard. */
	windowMs: number;
	/** The earliest slot wanted (ms). */
	at: number;
	/** Book only a slot at most this far (ms) after `at`; a later one is returned as a hint, unbooked. */
	maxAheadMs: number;
	/** Arrival bounds this long (ms) before the slot are forgotten (they can no longer bound anything). */
	keepMs: number;
	/**
	 * Raises earlier bookings' arrival bounds (their `seq`) to at least `at` (never lowers): the
	 * caller learnt that those sends left or arrived later. Applied before this booking is planned.
	 */
	raises?: Array<{ seq: number; at: number }>;
}

export interface ArrivalGrant {
	/** Id of the booked arrival (for later raises); -1 when nothing was booked (slot beyond maxAheadMs). */
	seq: number;
	/** The booked slot; with seq -1 the earliest slot possible now (a wait hint). */
	at: number;
}

/**
 * Everything one webhook request writes to the store, applied in ONE transaction by
 * `Store.applyWebhookBatch` (the trigger's hot path).
 */
export interface WebhookBatch {
	/** Time of processing (dedup records). */
	at: number;
	/** De-duplication keys, in event order (empty when de-duplication is off). */
	processedKeys: string[];
	inbound: InboundRecord[];
	statuses: StatusUpdate[];
	/** Replies to our messages (context.id) → recipient 'replied'. */
	replies: Array<{ messageId: string; at: number }>;
	/** Contact activity: last inbound time and profile name. */
	touches: Array<{ waId: string; at: number; name?: string }>;
	/**
	 * Inbound messages are attributed as replies to the customer's latest campaign message from that
	 * business number sent within this many ms before (0 / undefined = only context.id replies).
	 */
	replyAttributionMs?: number;
	/**
	 * Meta's warnings that stop campaigns (template paused, number flagged, account restricted…). An
	 * action with a `key` (its event's de-duplication key) applies only when that key is fresh, so a
	 * redelivered old warning never re-pauses a campaign the user has resumed since.
	 */
	breakers?: Array<BreakerAction & { key?: string }>;
	/**
	 * Events to hand on to an n8n trigger (core/receiver, issue 19), written in the same transaction:
	 * an entry whose `key` is one of `processedKeys` is queued only when that key is fresh, so a
	 * redelivery is never forwarded twice. (target, key) is unique in the outbox.
	 */
	outbox?: OutboxEntry[];
}

// ───────────────────────────── webhook outbox (core/receiver) ─────────────────────────────

export interface OutboxEntry {
	/** Where it goes (the n8n trigger URL). */
	target: string;
	/** The event's de-duplication key. */
	key: string;
	/** What is forwarded (JSON text). */
	payload: string;
}

export interface OutboxRow extends OutboxEntry {
	id: number;
	createdAt: number;
	attempts: number;
}

export interface OutboxClaim {
	/** At most this many rows, oldest first. */
	limit: number;
	/** The rows are this worker's for this long; after that another receiver may take them. */
	leaseMs: number;
	/** Who holds the lease (a receiver instance id). */
	worker: string;
	now?: number;
}

// ───────────────────────────── identity ─────────────────────────────

export type IdentityKind = 'wa_id' | 'bsuid' | 'variant' | 'merged';

export interface ContactIdentity {
	identifier: string;
	kind: IdentityKind;
	source?: string;
	createdAt: number;
}

// ───────────────────────────── send-time gates and circuit breakers ─────────────────────────────

/** Who may not get a campaign message now, and why (Store.gateBlocks). */
export type ConsentScope = 'marketing' | 'all';

/**
 * What a Meta warning does to campaigns (core/campaign/breakers.ts builds them from webhooks):
 *  - template: pause running campaigns sending that template (PAUSED / DISABLED / REJECTED / quality RED)
 *  - number_quality: pause running MARKETING campaigns of that number whose qualityBreaker is on
 *  - number_limit: record the number's new messaging limit (running campaigns re-read it)
 *  - account: every running or paused campaign of that WABA → account_stopped
 */
export type BreakerAction =
	| { kind: 'template'; templateId?: string; templateName?: string; language?: string; reason: string; by: string }
	| { kind: 'number_quality'; phoneNumberId?: string; displayDigits?: string; reason: string; by: string }
	| { kind: 'number_limit'; phoneNumberId?: string; displayDigits?: string; wabaId?: string; messagingLimit: number | null; tier?: string }
	| { kind: 'account'; wabaId: string; reason: string; by: string }
	/** template_category_update (completed): the template's campaigns take Meta's new category (the Marketing Messages API routes on it). */
	| { kind: 'template_category'; templateId?: string; templateName?: string; language?: string; category: string };

/** A business number's health as last seen (webhooks or Graph). */
export interface NumberHealth {
	phoneNumberId: string;
	displayDigits?: string;
	wabaId?: string;
	/** GREEN / YELLOW / RED / FLAGGED / UNKNOWN. */
	quality?: string;
	/** Unique business-initiated recipients per rolling 24 h (null = unlimited). */
	messagingLimit?: number | null;
	tier?: string;
	updatedAt: number;
}

/** A campaign a breaker action moved. */
export interface BreakerEffect {
	campaignId: string;
	state: CampaignState;
	reason: string;
	by: string;
}

/** Where a bulk contact import writes (Store.importSink); close it when the import is done. */
export interface ImportSink {
	sink: Pick<Store, 'upsertContacts'>;
	close(): Promise<void>;
}

export interface Store {
	readonly backend: 'sqlite' | 'postgres';

	// contacts
	upsertContacts(inputs: ContactInput[], options?: UpsertOptions): Promise<UpsertOutcome[]>;
	getContact(waId: string): Promise<Contact | undefined>;
	listContacts(filter: ContactFilter, page?: PageRequest): Promise<Page<Contact>>;
	/** Streams every matching contact in waId order without holding them all in memory. */
	iterateContacts(filter: ContactFilter, batchSize?: number): AsyncIterable<Contact>;
	/**
	 * Opts the contact out (optOutAt/optOutSource) or back in (optInAt/optInSource); a no-op when it is
	 * already in that state. An opt-out for an unknown number creates a bare opted-out contact (so a
	 * later import can't message it); an opt-in for an unknown number returns undefined.
	 */
	setOptOut(waId: string, optedOut: boolean, source: string, at?: number): Promise<Contact | undefined>;
	deleteContact(waId: string): Promise<boolean>;
	/**
	 * Records inbound activity on the contact (lastActiveAt, keeps the latest), creating a bare contact
	 * if absent; `name` (WhatsApp profile name) only fills an empty name.
	 */
	touchContact(waId: string, at: number, name?: string): Promise<void>;

	// campaigns
	/** Creates the campaign, or returns the existing one with that id unchanged (resume). */
	createCampaign(input: CampaignInput, now?: number): Promise<{ campaign: Campaign; created: boolean }>;
	getCampaign(id: string): Promise<Campaign | undefined>;
	/** Sets the state, its reason and who set it (default 'user'); bumps the gate version. */
	setCampaignState(id: string, state: CampaignState, reason?: string, now?: number, by?: string): Promise<void>;
	/** Stores settings of an existing campaign (template id, WABA, breaker option, max defer days). */
	updateCampaignSettings(id: string, settings: CampaignSettings, now?: number): Promise<void>;
	/** Inserts recipients that are not yet in the ledger (insert-or-ignore: duplicates are sent once). */
	addRecipients(campaignId: string, recipients: RecipientInput[], now?: number): Promise<{ inserted: number; duplicates: number }>;
	/**
	 * Atomically claims up to `limit` sendable rows for one worker and marks them 'sending' with
	 * claimedBy / claimExpiresAt = now + leaseMs: retry/deferred rows whose nextAttemptAt has come
	 * (oldest due first), then queued rows in insertion order. Two workers never get the same row.
	 * Expired 'sending' claims are NOT re-claimed (the request may have been written): see expireClaims.
	 */
	claimRecipients(options: ClaimOptions): Promise<Recipient[]>;
	/**
	 * Marks claimed rows as dispatched (their request is about to be written), only where still
	 * claimed by workerId; returns the waIds marked. A crash before this leaves the row re-queueable.
	 */
	markDispatched(campaignId: string, waIds: string[], workerId: string, at: number): Promise<string[]>;
	/**
	 * This campaign's 'sending' rows whose claim expired (claimExpiresAt ≤ now): never dispatched →
	 * back to 'retry' (due now: their request never left the process); dispatched → 'unknown'
	 * (claimedBy kept, so the original worker may still record its outcome with expectClaimedBy),
	 * never resent blindly. Returns how many rows became 'unknown' and how many were re-queued.
	 */
	expireClaims(campaignId: string, now: number): Promise<{ unknown: number; requeued: number }>;
	/**
	 * 'unknown' rows dispatched before `quietBefore` and before some other recipient of the campaign
	 * whose delivery was confirmed by a status webhook (delivered / read / replied): Meta never
	 * accepted them (its 'sent' status would have resolved them) → 'retry', due `now`. Returns the count.
	 */
	requeueUnresolvedUnknown(campaignId: string, quietBefore: number, now: number): Promise<number>;
	updateRecipient(campaignId: string, waId: string, update: RecipientUpdate): Promise<boolean>;
	getRecipient(campaignId: string, waId: string): Promise<Recipient | undefined>;
	listRecipients(campaignId: string, filter?: RecipientFilter, page?: PageRequest): Promise<Page<Recipient>>;
	/** queued / retry / deferred rows → 'expired' (End By passed); returns how many. */
	expireRemaining(campaignId: string, now: number): Promise<number>;
	/**
	 * Running campaigns with work due at `now` (started, and with queued rows or retries / deferrals
	 * whose time has come, or past End By with rows left to expire), optionally of one WABA; oldest first.
	 */
	dueCampaigns(now: number, options?: { wabaId?: string; campaignId?: string; limit?: number }): Promise<DueCampaign[]>;
	/**
	 * Sender pools (issue 17): moves the unsent rows (queued / retry / deferred) that stick to `from`
	 * to the other numbers, each row to `pick(waId)`. Returns how many moved.
	 */
	reassignRecipients(campaignId: string, from: string, pick: (waId: string) => string): Promise<number>;
	/** For each waId, the business number (of `phoneNumberIds`) it last wrote to, if any (windows). */
	lastInboundNumbers(waIds: string[], phoneNumberIds: string[]): Promise<Map<string, string>>;
	/** Which of these waIds have a ledger row in the campaign. */
	recipientKeys(campaignId: string, waIds: string[]): Promise<Set<string>>;
	/** Earliest nextAttemptAt among retry/deferred rows (for waiting), or undefined. */
	nextDueAt(campaignId: string): Promise<number | undefined>;
	campaignReport(campaignId: string): Promise<CampaignReport>;
	/**
	 * Sends per clock hour (issue 17 progress): recipients whose request went out (`dispatched_at`) at
	 * or after `since`, bucketed by the hour it falls in — per business number when the ledger names
	 * one per row (`recipients.phone_number_id`), else without phoneNumberId. A recipient sent again
	 * (retry) counts once, at its latest request.
	 */
	sendsPerHour(campaignId: string, since: number): Promise<HourlySends[]>;
	/** Recipients by state per business number: one row without phoneNumberId while the ledger has no number per row. */
	reportByNumber(campaignId: string): Promise<NumberReport[]>;
	/**
	 * Applies a status webhook to the ledger monotonically (a late 'sent' never overwrites
	 * 'delivered'; 'failed' only replaces accepted/unknown/sending). Matches by messageId, or by
	 * callbackData for rows left 'unknown'. Returns the row after the update, if one matched.
	 */
	applyStatus(update: StatusUpdate): Promise<Recipient | undefined>;
	/** applyStatus for a whole webhook request in one transaction (same order as given). */
	applyStatuses(updates: StatusUpdate[]): Promise<Array<Recipient | undefined>>;
	/**
	 * A customer replied to a message we sent (context.id): marks that recipient 'replied' (from
	 * sending/unknown/accepted/delivered/read). Returns the row, if one has that messageId.
	 */
	markReplied(messageId: string, at: number): Promise<Recipient | undefined>;

	// identity (issue 14): one contact per person
	/**
	 * The contact key (contacts' `waId`) of each identifier that belongs to a known person: the key
	 * itself, an identifier linked to a contact (Meta's wa_id, a BSUID, an old national form), or —
	 * for phone digits — a national variant that is known (core/phone/variants.ts: BR 9th digit, MX
	 * mobile 1, AR mobile 9). Unknown identifiers are absent from the map.
	 */
	resolveContacts(identifiers: string[]): Promise<Map<string, string>>;
	/**
	 * Links `identifier` (Meta's wa_id, a BSUID, an old national form) to the contact `key` (created
	 * bare when missing). When the identifier already was another contact (its key or one of its
	 * identifiers), the two rows merge — tags and attributes unioned, the earliest opt-out wins, a
	 * block stays, the latest window wins — into the phone-keyed one (a BSUID-only contact merges into
	 * the contact with the number), and the merge is recorded. Returns the surviving key.
	 */
	linkIdentity(key: string, identifier: string, kind: IdentityKind, source: string, at: number): Promise<{ key: string; merged?: string }>;
	/** Identifiers linked to a contact (Contacts Get shows them). */
	contactIdentities(key: string): Promise<ContactIdentity[]>;

	// send-time gates (issue 13)
	/** A counter bumped by every write a send-time gate depends on (opt-out, block, campaign state, number health). */
	gateVersion(): Promise<number>;
	/**
	 * Among waIds, those that must not get a message now, with the reason: blocked contacts always;
	 * opted-out contacts when the scope applies (the caller passes 'marketing' only for marketing
	 * templates, 'all' to honour opt-outs for every category).
	 */
	gateBlocks(waIds: string[], scope: ConsentScope | undefined): Promise<Map<string, string>>;
	/** Puts a contact on the block list (or takes it off); creates a bare blocked contact if unknown. */
	setBlocked(waId: string, blocked: boolean, reason: string, at?: number): Promise<Contact | undefined>;
	/** Records a number's health (quality, messaging limit); bumps the gate version when it changed. */
	setNumberHealth(health: NumberHealth): Promise<void>;
	getNumberHealth(phoneNumberId: string): Promise<NumberHealth | undefined>;
	/** Applies circuit-breaker actions (in one transaction); returns the campaigns moved. */
	applyBreakers(actions: BreakerAction[], at: number): Promise<BreakerEffect[]>;

	// conversation windows
	recordInbound(records: InboundRecord[]): Promise<void>;
	getWindow(phoneNumberId: string, waId: string): Promise<WindowRecord | undefined>;

	// rolling 24 h recipient budget (portfolio-wide; cloud-api.md §5)
	/**
	 * Counts waId against the portfolio's rolling-24 h budget. A recipient already counted in the
	 * last 24 h costs nothing again. Returns ok=false with availableAt when the budget is full.
	 */
	reserveBudget(portfolioId: string, waId: string, limit: number, now: number): Promise<BudgetReservation>;
	/**
	 * Gives back a reservation whose send did not happen (e.g. failed before reaching Meta). Call it
	 * only for a reservation that returned charged=true.
	 */
	releaseBudget(portfolioId: string, waId: string, now: number): Promise<void>;
	budgetUsed(portfolioId: string, now: number): Promise<number>;

	/**
	 * Books one send's slot in the number's shared pace, atomically for every process (a row lock on
	 * Postgres, the write lock on SQLite): first applies `raises`, then the slot is the earliest time
	 * ≥ `at` that is ≥ the even schedule's next slot − toleranceMs and ≥ the windowCount-th latest
	 * arrival bound of ALL bookings + windowMs (≤ windowCount arrivals in any windowMs). The slot is
	 * booked (its arrival bound = the slot, until raised) only when it is ≤ at + maxAheadMs.
	 */
	bookArrival(key: string, booking: ArrivalBooking): Promise<ArrivalGrant>;

	// webhook de-duplication
	/** True the first time a key is seen (and records it); false for a redelivery. Keys are kept ≥ 7 days. */
	markProcessed(key: string, at: number): Promise<boolean>;
	/** markProcessed for many keys in one transaction (same order as given). */
	markProcessedMany(keys: string[], at: number): Promise<boolean[]>;
	/**
	 * One webhook request's writes in one transaction: windows, statuses, replies, contact
	 * activity, then the dedup keys (all or nothing). Returns markProcessedMany's flags.
	 */
	applyWebhookBatch(batch: WebhookBatch): Promise<{ fresh: boolean[]; breakers: BreakerEffect[]; replies: number }>;

	// webhook outbox (core/receiver, issue 19)
	/** Leases up to `limit` undelivered rows of `target` that are due (oldest first); two workers never get the same row. */
	claimOutbox(target: string, claim: OutboxClaim): Promise<OutboxRow[]>;
	/** Marks rows delivered (only while `worker` still holds them); delivered rows are pruned after 7 days. */
	completeOutbox(ids: number[], worker: string, now?: number): Promise<void>;
	/** Releases rows after a failed delivery: attempts + 1, due again at `retryAt`. */
	failOutbox(ids: number[], worker: string, error: string, retryAt: number): Promise<void>;
	/** Undelivered and delivered row counts (all targets, or one). */
	outboxCounts(target?: string): Promise<{ pending: number; delivered: number }>;

	/**
	 * Where a bulk contact import writes: for a SQLite file, a worker thread on the same file (CSV
	 * parsing and SQLite writes overlap); otherwise the store itself.
	 */
	importSink(): Promise<ImportSink>;

	close(): Promise<void>;
}

export interface SqliteStoreOptions {
	backend: 'sqlite';
	/** File path; ':memory:' for tests. */
	path: string;
}

export interface PostgresStoreOptions {
	backend: 'postgres';
	host: string;
	port?: number;
	database: string;
	user: string;
	password?: string;
	ssl?: boolean;
	schema?: string;
}

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;
