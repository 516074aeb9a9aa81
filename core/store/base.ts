/**
 * What every store backend shares: the public Store methods check their arguments here, once,
 * with the rules of rules.ts, turn the backend's rows into store objects (rows.ts) and call the
 * backend's SQL through the protected `…Sql` methods. SQLite (sqlite.ts) and Postgres
 * (postgres.ts) keep only their SQL and their transactions.
 *
 * A check that fails throws before anything is written (the same message on both backends).
 */
import { type CursorKind, decodeCursor, encodeCursor, pageLimit } from './cursor';
import { CAMPAIGN_STATES, campaignValues, checkStates, compact, iteratePages, opt, rowMappers, type CampaignValues, type Row } from './rows';
import { numberReports } from './report';
import { checkArrivalBooking, checkContactFilter, checkContactInput, checkId, checkLinkIdentity, checkMaxDeferDays, checkNumberHealth, checkTime, checkWaId, dueOf, gateReason, identityLookups, resolveFromForms, type CheckedContactFilter } from './rules';
import type { ArrivalBooking, ArrivalGrant, BreakerAction, BreakerEffect, BudgetReservation, Campaign, CampaignInput, CampaignReport, CampaignSettings, CampaignState, ClaimOptions, ConsentScope, Contact, ContactFilter, ContactIdentity, ContactInput, DueCampaign, HourlySends, IdentityKind, ImportSink, InboundRecord, NumberHealth, NumberReport, OutboxClaim, OutboxRow, Page, PageRequest, Recipient, RecipientFilter, RecipientInput, RecipientState, RecipientUpdate, StatusUpdate, Store, UpsertOptions, UpsertOutcome, WebhookBatch, WindowRecord } from './types';

export type RowMappers = ReturnType<typeof rowMappers>;
export type TagsMode = NonNullable<UpsertOptions['tagsMode']>;
/** What Store.applyWebhookBatch returns. */
export type WebhookBatchResult = { fresh: boolean[]; breakers: BreakerEffect[]; replies: number };
/** Grouped recipient counts of one campaign (Store.campaignReport): rows of (key, n). */
export interface CampaignCountRows {
	byState: Row[];
	byErrorCode: Row[];
	byDeferDays: Row[];
}

/** One page of rows fetched with LIMIT page size + 1: the extra row says there is a next page. */
function pageOf<T>(rows: Row[], limit: number, map: (row: Row) => T, kind: CursorKind, key: (row: Row) => string | number): Page<T> {
	const items = rows.slice(0, limit);
	return rows.length > limit ? { items: items.map(map), next: encodeCursor(kind, key(items[items.length - 1])) } : { items: items.map(map) };
}

function checkStatusUpdate(update: StatusUpdate): void {
	checkId(update?.messageId, 'Status update: messageId');
	checkTime(update.at, `Status update ${update.messageId}: at`);
}

function checkArray(value: unknown, what: string): void {
	if (!Array.isArray(value)) throw new Error(`${what} must be an array`);
}

export abstract class StoreBase implements Store {
	abstract readonly backend: 'sqlite' | 'postgres';
	/** This backend's row mappers (rows.ts: JSON and booleans come back differently per backend). */
	protected abstract readonly map: RowMappers;
	/** Whether recipients has a phone_number_id column (sender pools); learnt once, by trying. */
	private perNumberLedger: boolean | undefined;

	// ───────────── contacts ─────────────

	async upsertContacts(inputs: ContactInput[], options: UpsertOptions = {}): Promise<UpsertOutcome[]> {
		checkArray(inputs, 'upsertContacts: inputs');
		inputs.forEach((input, i) => checkContactInput(input, i));
		const tagsMode = options.tagsMode ?? 'merge';
		if (tagsMode !== 'merge' && tagsMode !== 'replace') throw new Error(`upsertContacts: tagsMode must be "merge" or "replace"`);
		if (inputs.length === 0) return [];
		return this.upsertContactsSql(inputs, tagsMode, options.now ?? Date.now());
	}

	abstract getContact(waId: string): Promise<Contact | undefined>;

	async listContacts(filter: ContactFilter, page: PageRequest = {}): Promise<Page<Contact>> {
		const limit = pageLimit(page.limit);
		const after = page.cursor === undefined ? undefined : decodeCursor('contacts', page.cursor);
		const rows = await this.listContactsSql(checkContactFilter(filter ?? {}), after, limit + 1);
		return pageOf(rows, limit, this.map.toContact, 'contacts', (row) => row.wa_id as string);
	}

	iterateContacts(filter: ContactFilter, batchSize = 500): AsyncIterable<Contact> {
		return iteratePages((page) => this.listContacts(filter, page), batchSize);
	}

	async setOptOut(waId: string, optedOut: boolean, source: string, at: number = Date.now()): Promise<Contact | undefined> {
		checkWaId(waId, 'setOptOut');
		checkTime(at, 'setOptOut: at');
		return this.setOptOutSql(waId, optedOut, typeof source === 'string' ? source : String(source), at);
	}

	abstract deleteContact(waId: string): Promise<boolean>;

	async touchContact(waId: string, at: number, name?: string): Promise<void> {
		checkWaId(waId, 'touchContact');
		checkTime(at, 'touchContact: at');
		await this.touchContactSql(waId, at, name);
	}

	// ───────────── campaigns ─────────────

	async createCampaign(input: CampaignInput, now: number = Date.now()): Promise<{ campaign: Campaign; created: boolean }> {
		checkId(input?.id, 'createCampaign: id');
		checkId(input.phoneNumberId, `Campaign "${input.id}": phoneNumberId`);
		if (input.config !== undefined && (typeof input.config !== 'object' || input.config === null || Array.isArray(input.config))) {
			throw new Error(`Campaign "${input.id}": config must be an object`);
		}
		return this.createCampaignSql(input.id, campaignValues(input, checkMaxDeferDays(input.maxDeferDays, input.id)), now);
	}

	abstract getCampaign(id: string): Promise<Campaign | undefined>;

	async setCampaignState(id: string, state: CampaignState, reason?: string, now: number = Date.now(), by = 'user'): Promise<void> {
		if (!CAMPAIGN_STATES.includes(state)) throw new Error(`Campaign "${id}": unknown state ${JSON.stringify(state)}`);
		const changed = await this.setCampaignStateSql(String(id), state, reason ?? null, now, by);
		if (changed === 0) throw new Error(`Campaign "${id}" not found`);
	}

	async updateCampaignSettings(id: string, settings: CampaignSettings, now: number = Date.now()): Promise<void> {
		const maxDeferDays = settings.maxDeferDays === undefined ? null : checkMaxDeferDays(settings.maxDeferDays, id);
		await this.updateCampaignSettingsSql(String(id), settings, maxDeferDays, now);
	}

	async addRecipients(campaignId: string, recipients: RecipientInput[], now: number = Date.now()): Promise<{ inserted: number; duplicates: number }> {
		checkId(campaignId, 'addRecipients: campaignId');
		checkArray(recipients, `Campaign "${campaignId}": recipients`);
		recipients.forEach((r, i) => {
			checkId(r?.waId, `Campaign "${campaignId}" recipient #${i}: waId`);
			if (r.payload !== undefined && (typeof r.payload !== 'object' || r.payload === null || Array.isArray(r.payload))) {
				throw new Error(`Campaign "${campaignId}" recipient #${i} (${r.waId}): payload must be an object`);
			}
			if (r.itemIndex !== undefined && !Number.isInteger(r.itemIndex)) {
				throw new Error(`Campaign "${campaignId}" recipient #${i} (${r.waId}): itemIndex must be an integer`);
			}
		});
		const inserted = await this.addRecipientsSql(campaignId, recipients, now);
		return { inserted, duplicates: recipients.length - inserted };
	}

	async claimRecipients(options: ClaimOptions): Promise<Recipient[]> {
		const { campaignId, workerId, limit, now, leaseMs } = options;
		checkId(campaignId, 'claimRecipients: campaignId');
		checkId(workerId, 'claimRecipients: workerId');
		checkTime(now, 'claimRecipients: now');
		if (!Number.isInteger(limit) || limit < 0) throw new Error('claimRecipients: limit must be an integer ≥ 0');
		if (typeof leaseMs !== 'number' || !(leaseMs > 0)) throw new Error('claimRecipients: leaseMs must be > 0');
		if (limit === 0) return [];
		const { ids, rows } = await this.claimRecipientsSql(options);
		// The claimed rows in claim order: due retries / deferrals first, then fresh rows.
		const order = new Map(ids.map((id, i) => [id, i]));
		rows.sort((a, b) => (order.get(Number(a.id)) as number) - (order.get(Number(b.id)) as number));
		return rows.map(this.map.toRecipient);
	}

	async markDispatched(campaignId: string, waIds: string[], workerId: string, at: number): Promise<string[]> {
		checkId(campaignId, 'markDispatched: campaignId');
		checkTime(at, 'markDispatched: at');
		if (waIds.length === 0) return [];
		return this.markDispatchedSql(campaignId, waIds, workerId, at);
	}

	async expireClaims(campaignId: string, now: number): Promise<{ unknown: number; requeued: number }> {
		checkId(campaignId, 'expireClaims: campaignId');
		checkTime(now, 'expireClaims: now');
		return this.expireClaimsSql(campaignId, now);
	}

	async requeueUnresolvedUnknown(campaignId: string, quietBefore: number, now: number): Promise<number> {
		checkId(campaignId, 'requeueUnresolvedUnknown: campaignId');
		checkTime(quietBefore, 'requeueUnresolvedUnknown: quietBefore');
		return this.requeueUnresolvedUnknownSql(campaignId, quietBefore, now);
	}

	async updateRecipient(campaignId: string, waId: string, update: RecipientUpdate): Promise<boolean> {
		if (update.state !== undefined) checkStates([update.state], `Recipient ${campaignId}/${waId}`);
		if (update.attemptsIncrement !== undefined && !Number.isInteger(update.attemptsIncrement)) {
			throw new Error(`Recipient ${campaignId}/${waId}: attemptsIncrement must be an integer`);
		}
		return this.updateRecipientSql(String(campaignId), String(waId), update, update.now ?? Date.now());
	}

	abstract getRecipient(campaignId: string, waId: string): Promise<Recipient | undefined>;

	async listRecipients(campaignId: string, filter: RecipientFilter = {}, page: PageRequest = {}): Promise<Page<Recipient>> {
		const limit = pageLimit(page.limit);
		const after = page.cursor === undefined ? undefined : decodeCursor('recipients', page.cursor);
		const states = filter?.states === undefined ? undefined : checkStates(filter.states, 'listRecipients');
		const rows = await this.listRecipientsSql(String(campaignId), after, states, limit + 1);
		return pageOf(rows, limit, this.map.toRecipient, 'recipients', (row) => Number(row.id));
	}

	async expireRemaining(campaignId: string, now: number): Promise<number> {
		checkId(campaignId, 'expireRemaining: campaignId');
		return this.expireRemainingSql(campaignId, now);
	}

	async dueCampaigns(now: number, options: { wabaId?: string; campaignId?: string; limit?: number } = {}): Promise<DueCampaign[]> {
		checkTime(now, 'dueCampaigns: now');
		const rows = await this.dueCampaignRows(now, options.wabaId ?? null, options.campaignId ?? null);
		return dueOf(rows.map((r) => ({ campaign: this.map.toCampaign(r), due: Number(r.due_rows), left: Number(r.left_rows) })), now, options.limit);
	}

	async reassignRecipients(campaignId: string, from: string, pick: (waId: string) => string): Promise<number> {
		checkId(campaignId, 'reassignRecipients: campaignId');
		return this.reassignRecipientsSql(campaignId, from, pick);
	}

	async lastInboundNumbers(waIds: string[], phoneNumberIds: string[]): Promise<Map<string, string>> {
		const out = new Map<string, string>();
		if (waIds.length === 0 || phoneNumberIds.length === 0) return out;
		// Rows come oldest inbound first: the latest wins.
		for (const r of await this.lastInboundRows(waIds, phoneNumberIds)) out.set(r.wa_id as string, r.phone_number_id as string);
		return out;
	}

	async recipientKeys(campaignId: string, waIds: string[]): Promise<Set<string>> {
		if (waIds.length === 0) return new Set();
		return new Set(await this.recipientKeysSql(String(campaignId), waIds));
	}

	abstract nextDueAt(campaignId: string): Promise<number | undefined>;

	async campaignReport(campaignId: string): Promise<CampaignReport> {
		const counts = await this.campaignCountRows(String(campaignId));
		const byState: CampaignReport['byState'] = {};
		let total = 0;
		for (const row of counts.byState) {
			byState[row.state as RecipientState] = Number(row.n);
			total += Number(row.n);
		}
		const byErrorCode: Record<string, number> = {};
		for (const row of counts.byErrorCode) byErrorCode[String(row.error_code)] = Number(row.n);
		const deferredByDay: Record<string, number> = {};
		for (const row of counts.byDeferDays) deferredByDay[String(row.defer_days)] = Number(row.n);
		return { campaignId, total, byState, byErrorCode, deferredByDay };
	}

	async sendsPerHour(campaignId: string, since: number): Promise<HourlySends[]> {
		checkTime(since, 'sendsPerHour: since');
		const rows = await this.byNumber((perNumber) => this.sendsPerHourRows(String(campaignId), since, perNumber));
		return rows.map((r) => ({ hourStart: Number(r.hour), sends: Number(r.n), ...(r.num !== undefined && r.num !== null ? { phoneNumberId: String(r.num) } : {}) }));
	}

	async reportByNumber(campaignId: string): Promise<NumberReport[]> {
		const rows = await this.byNumber((perNumber) => this.stateCountRows(String(campaignId), perNumber));
		return numberReports(rows.map((r) => ({ num: r.num as string | null | undefined, state: r.state as RecipientState, n: Number(r.n) })));
	}

	/** Per business number when the ledger has phone_number_id (sender pools), else without. */
	private async byNumber(query: (perNumber: boolean) => Row[] | Promise<Row[]>): Promise<Row[]> {
		if (this.perNumberLedger !== false) {
			try {
				const out = await query(true);
				this.perNumberLedger = true;
				return out;
			} catch (error) {
				if (this.perNumberLedger === true || !this.isMissingColumn(error)) throw error;
				this.perNumberLedger = false;
			}
		}
		return query(false);
	}

	async applyStatus(update: StatusUpdate): Promise<Recipient | undefined> {
		return (await this.applyStatuses([update]))[0];
	}

	async applyStatuses(updates: StatusUpdate[]): Promise<Array<Recipient | undefined>> {
		checkArray(updates, 'applyStatuses: updates');
		updates.forEach(checkStatusUpdate);
		if (updates.length === 0) return [];
		return this.applyStatusesSql(updates);
	}

	async markReplied(messageId: string, at: number): Promise<Recipient | undefined> {
		checkId(messageId, 'markReplied: messageId');
		checkTime(at, 'markReplied: at');
		return this.markRepliedSql(messageId, at);
	}

	// ───────────── conversation windows (cloud-api.md §6) ─────────────

	async recordInbound(records: InboundRecord[]): Promise<void> {
		checkArray(records, 'recordInbound: records');
		records.forEach((r, i) => {
			checkId(r?.phoneNumberId, `Inbound #${i}: phoneNumberId`);
			checkId(r.waId, `Inbound #${i}: waId`);
			checkTime(r.at, `Inbound #${i}: at`);
		});
		if (records.length === 0) return;
		await this.recordInboundSql(records);
	}

	async getWindow(phoneNumberId: string, waId: string): Promise<WindowRecord | undefined> {
		const row = await this.windowRow(String(phoneNumberId), String(waId));
		if (!row) return undefined;
		return compact<WindowRecord>({
			phoneNumberId: row.phone_number_id as string,
			waId: row.wa_id as string,
			lastInboundAt: row.last_inbound_at as number,
			freeEntryPointAt: opt(row.free_entry_point_at),
		});
	}

	// ───────────── rolling 24 h recipient budget (cloud-api.md §5) ─────────────

	async reserveBudget(portfolioId: string, waId: string, limit: number, now: number): Promise<BudgetReservation> {
		checkId(portfolioId, 'reserveBudget: portfolioId');
		checkId(waId, 'reserveBudget: waId');
		checkTime(now, 'reserveBudget: now');
		if (typeof limit !== 'number' || !(limit >= 0)) throw new Error('reserveBudget: limit must be a number ≥ 0');
		return this.reserveBudgetSql(portfolioId, waId, limit, now);
	}

	async releaseBudget(portfolioId: string, waId: string, now: number): Promise<void> {
		checkTime(now, 'releaseBudget: now');
		await this.releaseBudgetSql(String(portfolioId), String(waId), now);
	}

	async budgetUsed(portfolioId: string, now: number): Promise<number> {
		checkTime(now, 'budgetUsed: now');
		return this.budgetUsedSql(String(portfolioId), now);
	}

	async bookArrival(key: string, booking: ArrivalBooking): Promise<ArrivalGrant> {
		return this.bookArrivalSql(key, booking, checkArrivalBooking(key, booking));
	}

	// ───────────── webhook de-duplication ─────────────

	async markProcessed(key: string, at: number): Promise<boolean> {
		return (await this.markProcessedMany([key], at))[0];
	}

	async markProcessedMany(keys: string[], at: number): Promise<boolean[]> {
		checkArray(keys, 'markProcessedMany: keys');
		keys.forEach((k, i) => checkId(k, `markProcessed key #${i}`));
		checkTime(at, 'markProcessed: at');
		if (keys.length === 0) return [];
		return this.markProcessedSql(keys, at);
	}

	async applyWebhookBatch(batch: WebhookBatch): Promise<WebhookBatchResult> {
		checkTime(batch.at, 'applyWebhookBatch: at');
		batch.statuses.forEach(checkStatusUpdate);
		return this.applyWebhookBatchSql(batch);
	}

	// ───────────── webhook outbox (core/receiver, issue 19) ─────────────

	async claimOutbox(target: string, claim: OutboxClaim): Promise<OutboxRow[]> {
		const rows = await this.claimOutboxSql(target, claim, claim.now ?? Date.now(), Math.max(1, Math.floor(claim.limit)));
		return rows
			.map((r) => ({
				id: Number(r.id),
				target: r.target as string,
				key: r.key as string,
				payload: r.payload as string,
				createdAt: Number(r.created_at),
				attempts: Number(r.attempts),
			}))
			.sort((a, b) => a.id - b.id);
	}

	async completeOutbox(ids: number[], worker: string, now: number = Date.now()): Promise<void> {
		if (ids.length === 0) return;
		await this.completeOutboxSql(ids, worker, now);
	}

	async failOutbox(ids: number[], worker: string, error: string, retryAt: number): Promise<void> {
		if (ids.length === 0) return;
		await this.failOutboxSql(ids, worker, error.slice(0, 500), retryAt);
	}

	abstract outboxCounts(target?: string): Promise<{ pending: number; delivered: number }>;

	// ───────────── identity (issue 14): one contact per person ─────────────

	async resolveContacts(identifiers: string[]): Promise<Map<string, string>> {
		const { candidates, forms } = identityLookups(identifiers);
		if (forms.length === 0) return new Map();
		const { keys, links } = await this.identityRows(forms);
		return resolveFromForms(
			candidates,
			new Set(keys.map((r) => r.wa_id as string)),
			new Map(links.map((r) => [r.identifier as string, r.contact_key as string])),
		);
	}

	async linkIdentity(key: string, identifier: string, kind: IdentityKind, source: string, at: number): Promise<{ key: string; merged?: string }> {
		checkLinkIdentity(key, identifier, kind, at);
		return this.linkIdentitySql(key, identifier, kind, source, at);
	}

	async contactIdentities(key: string): Promise<ContactIdentity[]> {
		const rows = await this.contactIdentityRows(String(key));
		return rows.map((r) => compact<ContactIdentity>({ identifier: r.identifier as string, kind: r.kind as IdentityKind, source: opt(r.source), createdAt: Number(r.created_at) }));
	}

	// ───────────── send-time gates and circuit breakers (issue 13) ─────────────

	abstract gateVersion(): Promise<number>;

	async gateBlocks(waIds: string[], scope: ConsentScope | undefined): Promise<Map<string, string>> {
		const out = new Map<string, string>();
		if (waIds.length === 0) return out;
		for (const r of await this.gatedContactRows(waIds)) {
			const reason = gateReason(r, scope);
			if (reason) out.set(r.wa_id as string, reason);
		}
		return out;
	}

	async setBlocked(waId: string, blocked: boolean, reason: string, at: number = Date.now()): Promise<Contact | undefined> {
		checkWaId(waId, 'setBlocked');
		checkTime(at, 'setBlocked: at');
		return this.setBlockedSql(waId, blocked, reason, at);
	}

	async setNumberHealth(health: NumberHealth): Promise<void> {
		await this.setNumberHealthSql(checkNumberHealth(health));
	}

	abstract getNumberHealth(phoneNumberId: string): Promise<NumberHealth | undefined>;

	async applyBreakers(actions: BreakerAction[], at: number): Promise<BreakerEffect[]> {
		checkTime(at, 'applyBreakers: at');
		if (!Array.isArray(actions) || actions.length === 0) return [];
		return this.applyBreakersSql(actions, at);
	}

	/** Where a bulk contact import writes: the store itself unless the backend has a faster writer. */
	async importSink(): Promise<ImportSink> {
		return { sink: this, close: async () => undefined };
	}

	abstract close(): Promise<void>;

	// ───────────── each backend's SQL (arguments already checked) ─────────────

	/** A query failed on a column an older ledger lacks (recipients.phone_number_id). */
	protected abstract isMissingColumn(error: unknown): boolean;
	protected abstract upsertContactsSql(inputs: ContactInput[], tagsMode: TagsMode, now: number): Promise<UpsertOutcome[]>;
	/** Contact rows (CONTACT_COLUMNS) matching the filter, waId after `after`, in waId order. */
	protected abstract listContactsSql(filter: CheckedContactFilter, after: string | undefined, limit: number): Promise<Row[]>;
	protected abstract setOptOutSql(waId: string, optedOut: boolean, source: string, at: number): Promise<Contact | undefined>;
	/** `name` (the WhatsApp profile name) only fills an empty name. */
	protected abstract touchContactSql(waId: string, at: number, name?: string): Promise<void>;
	/** Inserts the campaign unless its id exists (then returns the existing one, created false). */
	protected abstract createCampaignSql(id: string, values: CampaignValues, now: number): Promise<{ campaign: Campaign; created: boolean }>;
	/** How many campaigns changed (0: not found). */
	protected abstract setCampaignStateSql(id: string, state: CampaignState, reason: string | null, now: number, by: string): Promise<number>;
	protected abstract updateCampaignSettingsSql(id: string, settings: CampaignSettings, maxDeferDays: number | null, now: number): Promise<void>;
	/** How many rows were inserted. */
	protected abstract addRecipientsSql(campaignId: string, recipients: RecipientInput[], now: number): Promise<number>;
	/** The claimed ids in claim order and the rows they became. */
	protected abstract claimRecipientsSql(options: ClaimOptions): Promise<{ ids: number[]; rows: Row[] }>;
	protected abstract markDispatchedSql(campaignId: string, waIds: string[], workerId: string, at: number): Promise<string[]>;
	protected abstract expireClaimsSql(campaignId: string, now: number): Promise<{ unknown: number; requeued: number }>;
	protected abstract requeueUnresolvedUnknownSql(campaignId: string, quietBefore: number, now: number): Promise<number>;
	protected abstract updateRecipientSql(campaignId: string, waId: string, update: RecipientUpdate, now: number): Promise<boolean>;
	/** Ledger rows of the campaign, id after `after`, in id order. */
	protected abstract listRecipientsSql(campaignId: string, after: number | undefined, states: RecipientState[] | undefined, limit: number): Promise<Row[]>;
	protected abstract expireRemainingSql(campaignId: string, now: number): Promise<number>;
	/** Running campaign rows with their due_rows and left_rows counts, oldest first. */
	protected abstract dueCampaignRows(now: number, wabaId: string | null, campaignId: string | null): Promise<Row[]>;
	protected abstract reassignRecipientsSql(campaignId: string, from: string, pick: (waId: string) => string): Promise<number>;
	/** (wa_id, phone_number_id) window rows, oldest inbound first. */
	protected abstract lastInboundRows(waIds: string[], phoneNumberIds: string[]): Promise<Row[]>;
	protected abstract recipientKeysSql(campaignId: string, waIds: string[]): Promise<string[]>;
	protected abstract campaignCountRows(campaignId: string): Promise<CampaignCountRows>;
	/** (hour, [num,] n) rows; `perNumber` adds the business number column. */
	protected abstract sendsPerHourRows(campaignId: string, since: number, perNumber: boolean): Row[] | Promise<Row[]>;
	/** ([num,] state, n) rows; `perNumber` adds the business number column. */
	protected abstract stateCountRows(campaignId: string, perNumber: boolean): Row[] | Promise<Row[]>;
	/** Every status in one transaction, in order. */
	protected abstract applyStatusesSql(updates: StatusUpdate[]): Promise<Array<Recipient | undefined>>;
	protected abstract markRepliedSql(messageId: string, at: number): Promise<Recipient | undefined>;
	protected abstract recordInboundSql(records: InboundRecord[]): Promise<void>;
	protected abstract windowRow(phoneNumberId: string, waId: string): Promise<Row | undefined>;
	protected abstract reserveBudgetSql(portfolioId: string, waId: string, limit: number, now: number): Promise<BudgetReservation>;
	protected abstract releaseBudgetSql(portfolioId: string, waId: string, now: number): Promise<void>;
	protected abstract budgetUsedSql(portfolioId: string, now: number): Promise<number>;
	protected abstract bookArrivalSql(key: string, booking: ArrivalBooking, raises: Array<{ seq: number; at: number }>): Promise<ArrivalGrant>;
	protected abstract markProcessedSql(keys: string[], at: number): Promise<boolean[]>;
	protected abstract applyWebhookBatchSql(batch: WebhookBatch): Promise<WebhookBatchResult>;
	/** Leases due rows of `target` (limit ≥ 1) and returns them (id, target, key, payload, created_at, attempts). */
	protected abstract claimOutboxSql(target: string, claim: OutboxClaim, now: number, limit: number): Promise<Row[]>;
	protected abstract completeOutboxSql(ids: number[], worker: string, now: number): Promise<void>;
	protected abstract failOutboxSql(ids: number[], worker: string, error: string, retryAt: number): Promise<void>;
	/** Contact keys (wa_id rows) and identity links (identifier, contact_key rows) among `forms`. */
	protected abstract identityRows(forms: string[]): Promise<{ keys: Row[]; links: Row[] }>;
	protected abstract linkIdentitySql(key: string, identifier: string, kind: IdentityKind, source: string, at: number): Promise<{ key: string; merged?: string }>;
	/** (identifier, kind, source, created_at) rows of one contact, oldest first. */
	protected abstract contactIdentityRows(key: string): Promise<Row[]>;
	/** Blocked or opted-out contact rows among waIds (the columns gateReason reads). */
	protected abstract gatedContactRows(waIds: string[]): Promise<Row[]>;
	protected abstract setBlockedSql(waId: string, blocked: boolean, reason: string, at: number): Promise<Contact | undefined>;
	protected abstract setNumberHealthSql(health: NumberHealth): Promise<void>;
	protected abstract applyBreakersSql(actions: BreakerAction[], at: number): Promise<BreakerEffect[]>;
}
