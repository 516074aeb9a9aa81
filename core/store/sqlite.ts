/**
 * Embedded SQLite store on `node:sqlite` (DatabaseSync; Node ≥ 22.5, Node 24 in this project).
 *
 *  - WAL journal, synchronous=NORMAL, busy_timeout 5 s: readers never block the writer, and several
 *    processes (n8n main + workers, or two n8n instances) can share one file.
 *  - Every write runs in a `BEGIN IMMEDIATE` transaction (the write lock is taken up front, so a
 *    read-modify-write never loses to another process); SQLITE_BUSY after the busy timeout is
 *    retried with jittered back-off.
 *  - Statements are prepared once and cached; the API is async (the work is synchronous underneath).
 *  - Schema from migrations.ts, applied in order, one transaction per step.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StoreBase, type CampaignCountRows, type TagsMode, type WebhookBatchResult } from './base';
import { CAMPAIGN_INPUT_COLUMNS, CONTACT_COLUMNS, opt, rowMappers, sleep, toNumberHealth, type CampaignValues, type Row } from './rows';
import { CREATE_MIGRATIONS_TABLE, LATEST_SCHEMA_VERSION, MIGRATIONS, MIGRATIONS_TABLE } from './migrations';
import { SqliteImportSink } from './sqliteImport/sink';
import { DAY_MS, PROCESSED_RETENTION_MS, REPLY_ATTRIBUTABLE, WEBHOOK_TIME_RESOLUTION_MS, canMarkReplied, DEFAULT_MAX_DEFER_DAYS, deferralForStatus, freshBreakers, freshOutbox, OUTBOX_RETENTION_MS, mergeContact, mergeContactRows, mergeSurvivor, nextStateForStatus, numberHealthMovesGate, parseCallbackData, type CheckedContactFilter, type ContactFields } from './rules';
import type { ArrivalBooking, ArrivalGrant, BreakerAction, BreakerEffect, BudgetReservation, Campaign, CampaignSettings, CampaignState, ClaimOptions, Contact, ContactInput, IdentityKind, ImportSink, InboundRecord, NumberHealth, OutboxClaim, Recipient, RecipientInput, RecipientState, RecipientUpdate, StatusUpdate, UpsertOutcome, WebhookBatch } from './types';

type Param = null | number | string;

export const BUSY_TIMEOUT_MS = 5000;
/** Further attempts after SQLite's own busy wait gave up (each after a jittered back-off). */
const BUSY_RETRIES = 8;
/** Old budget rows and processed keys are pruned at most this often (per process). */
const PRUNE_EVERY_MS = 10 * 60 * 1000;
/**
 * SQLite page cache per connection (MB). It is memory of the n8n process itself, filled up to the
 * cap as pages are touched: 32 MB, what the contact-import sink (the heaviest writer: 1M upserts
 * with hot indexes) was already tuned to. A campaign walks its ledger in insertion order and gains
 * nothing from more: case d of issue #7 (100,000 recipients, a 40 MB file) kept nearly the whole
 * file resident under the former 64 MB, and a 1M-recipient ledger would pin all 64 MB. Reads past
 * the cache come from the OS page cache (pread), which is not counted in the process RSS.
 */
export const DEFAULT_CACHE_MB = 32;
/** Up to this many tagged contacts, a tag filter is driven from the tag index. */
const RARE_TAG_ROWS = 5000;
/** A recipient row's campaign's max_defer_days, read with the row (applyStatusNow: one lookup per status, not two). */
const CAMPAIGN_MAX_DEFER_DAYS = `(SELECT max_defer_days FROM campaigns c WHERE c.id = recipients.campaign_id) AS campaign_max_defer_days`;

export function loadSqlite(): typeof import('node:sqlite') {
	const mod = process.getBuiltinModule?.('node:sqlite');
	if (!mod) {
		throw new Error(`The SQLite store needs Node.js ≥ 22.5 with node:sqlite (running ${process.version}); use Postgres otherwise`);
	}
	return mod;
}

/** SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes. */
export function isBusyError(error: unknown): boolean {
	const e = error as { errcode?: number; message?: string } | null;
	if (!e || typeof e !== 'object') return false;
	if (typeof e.errcode === 'number') {
		const primary = e.errcode & 0xff;
		return primary === 5 || primary === 6;
	}
	return typeof e.message === 'string' && /database (table )?is locked|SQLITE_BUSY/i.test(e.message);
}

function backoffMs(attempt: number): number {
	return Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random());
}

/** Synchronous BEGIN IMMEDIATE … COMMIT (rolls back on error). */
function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
	db.exec('BEGIN IMMEDIATE');
	try {
		const result = fn();
		db.exec('COMMIT');
		return result;
	} catch (error) {
		if (db.isTransaction) db.exec('ROLLBACK');
		throw error;
	}
}

/** The schema version recorded in the file (0 for a fresh database). */
export function sqliteSchemaVersion(db: DatabaseSync): number {
	db.exec(CREATE_MIGRATIONS_TABLE);
	const row = db.prepare(`SELECT MAX(version) AS v FROM ${MIGRATIONS_TABLE}`).get() as Row | undefined;
	return typeof row?.v === 'number' ? row.v : 0;
}

/**
 * Applies the pending migrations up to `target` (default: latest), each in its own BEGIN IMMEDIATE
 * transaction with its schema_migrations row; the version is re-read inside the lock, so two
 * processes opening a fresh file at once apply every step exactly once. Returns the versions applied.
 */
export function migrateSqlite(db: DatabaseSync, target: number = LATEST_SCHEMA_VERSION): number[] {
	const applied: number[] = [];
	const current = sqliteSchemaVersion(db);
	if (current > LATEST_SCHEMA_VERSION) {
		throw new Error(
			`The store file has schema version ${current}, newer than this package knows (${LATEST_SCHEMA_VERSION}); update the package`,
		);
	}
	for (const migration of MIGRATIONS) {
		if (migration.version > target) break;
		inTransaction(db, () => {
			const row = db.prepare(`SELECT 1 AS done FROM ${MIGRATIONS_TABLE} WHERE version = ?`).get(migration.version);
			if (row) return;
			for (const sql of migration.sqlite) db.exec(sql);
			db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(
				migration.version,
				migration.name,
				Date.now(),
			);
			applied.push(migration.version);
		});
	}
	return applied;
}

/** Opens (creating if needed) a SQLite database with the store's pragmas; no migrations. */
export function openSqliteDatabase(path: string, cacheMb = DEFAULT_CACHE_MB): DatabaseSync {
	const { DatabaseSync } = loadSqlite();
	const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
	db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = NORMAL');
	db.exec('PRAGMA foreign_keys = ON');
	// Page cache, per connection and resident in the process that opened it (DEFAULT_CACHE_MB).
	db.exec(`PRAGMA cache_size = -${Math.max(1, Math.floor(cacheMb)) * 1024}`);
	// Checkpoint the WAL every ~16 MB instead of 4 MB: bulk imports write fewer, larger checkpoints.
	db.exec('PRAGMA wal_autocheckpoint = 4000');
	return db;
}

// ───────────────────────────── row mapping ─────────────────────────────

/** SQLite returns JSON columns as text and booleans as 0/1. */
const mappers = rowMappers({
	json: <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback),
	jsonText: (value) => (typeof value === 'string' ? value : '{}'),
	bool: (value) => value === 1,
});
const { toContact, toFields, toCampaign, toRecipient } = mappers;

/** Attribute value as a string for exact matching (JSON true/false → 'true'/'false'). */
const ATTRIBUTE_TEXT =
	`CASE json_type(c.attributes, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ` +
	`ELSE CAST(json_extract(c.attributes, ?) AS TEXT) END = ?`;

/** updateRecipient's optional fields, in parameter order after updated_at and state. */
const RECIPIENT_UPDATE_FIELDS: ReadonlyArray<readonly [keyof RecipientUpdate, string]> = [
	['messageId', 'message_id = ?'],
	['attemptsIncrement', 'attempts = attempts + ?'],
	['nextAttemptAt', 'next_attempt_at = ?'],
	['errorCode', 'error_code = ?'],
	['errorClass', 'error_class = ?'],
	['errorMessage', 'error_message = ?'],
	['deferDays', 'defer_days = ?'],
];
const recipientUpdateSqls = new Map<number, string>();

/**
 * The UPDATE for one shape of RecipientUpdate: bit 0 state set, bit 1 the new state is not
 * 'sending', bits 2… RECIPIENT_UPDATE_FIELDS present, the last bit the exactly-once claim guard.
 */
function recipientUpdateSql(shape: number): string {
	let sql = recipientUpdateSqls.get(shape);
	if (sql === undefined) {
		const sets = ['updated_at = ?'];
		if (shape & 1) sets.push('state = ?');
		// Leaving 'sending' ends the claim (a late guarded update from the old claim then fails).
		if (shape & 2) sets.push('claimed_by = NULL', 'claim_expires_at = NULL');
		RECIPIENT_UPDATE_FIELDS.forEach(([, set], i) => {
			if (shape & (4 << i)) sets.push(set);
		});
		sql = `UPDATE recipients SET ${sets.join(', ')} WHERE campaign_id = ? AND wa_id = ?`;
		// Exactly-once guard: still claimed by this worker (in flight, or expired to 'unknown').
		if (shape & (4 << RECIPIENT_UPDATE_FIELDS.length)) sql += ` AND claimed_by = ? AND state IN ('sending', 'unknown')`;
		recipientUpdateSqls.set(shape, sql);
	}
	return sql;
}

// ───────────────────────────── the store ─────────────────────────────

export class SqliteStore extends StoreBase {
	readonly backend = 'sqlite' as const;
	protected readonly map = mappers;
	private readonly statements = new Map<string, StatementSync>();
	private lastBudgetPrune = 0;
	private lastProcessedPrune = 0;
	private lastOutboxPrune = 0;

	private constructor(
		private readonly db: DatabaseSync,
		/** The file (or ':memory:'): importSink's worker opens it too. */
		private readonly file: string,
	) {
		super();
	}

	/** Opens the file (or ':memory:'), applies pending migrations, returns the store. */
	static async open(path: string, options: { cacheMb?: number } = {}): Promise<SqliteStore> {
		if (typeof path !== 'string' || path.length === 0) throw new Error('SQLite store: path must be a file path or ":memory:"');
		let db: DatabaseSync | undefined;
		for (let attempt = 0; ; attempt++) {
			try {
				db = openSqliteDatabase(path, options.cacheMb);
				migrateSqlite(db);
				return new SqliteStore(db, path);
			} catch (error) {
				db?.close();
				db = undefined;
				if (!isBusyError(error) || attempt >= BUSY_RETRIES) throw error;
				await sleep(backoffMs(attempt));
			}
		}
	}

	private stmt(sql: string): StatementSync {
		let s = this.statements.get(sql);
		if (!s) {
			s = this.db.prepare(sql);
			this.statements.set(sql, s);
		}
		return s;
	}

	/** One BEGIN IMMEDIATE transaction; retried on SQLITE_BUSY (fn must only touch the database). */
	private async write<T>(fn: () => T): Promise<T> {
		for (let attempt = 0; ; attempt++) {
			try {
				return inTransaction(this.db, fn);
			} catch (error) {
				if (!isBusyError(error) || attempt >= BUSY_RETRIES) throw error;
				await sleep(backoffMs(attempt));
			}
		}
	}

	// ───────────── contacts ─────────────

	protected async upsertContactsSql(inputs: ContactInput[], tagsMode: TagsMode, now: number): Promise<UpsertOutcome[]> {
		return this.write(() => {
			// An imported opt-out is a send-time gate change (running campaigns re-check their rows).
			if (inputs.some((c) => c.optOut !== undefined)) this.bumpGateNow();
			// One lookup per batch (no per-row SELECT): the current fields of every waId in the call.
			const known = new Map<string, ContactFields>();
			const ids = [...new Set(inputs.map((c) => c.waId))];
			const select = this.stmt(
				`SELECT id, wa_id, name, first_name, last_name, country, tags, attributes, source, opted_out, opt_out_at, opt_out_source FROM contacts
				WHERE wa_id IN (SELECT value FROM json_each(?))`,
			);
			const rowIds = new Map<string, number>();
			for (let i = 0; i < ids.length; i += 5000) {
				for (const row of select.all(JSON.stringify(ids.slice(i, i + 5000)))) {
					known.set(row.wa_id as string, toFields(row));
					rowIds.set(row.wa_id as string, Number(row.id));
				}
			}
			const insert = this.stmt(
				`INSERT INTO contacts (wa_id, name, first_name, last_name, country, tags, attributes, source, opted_out, opt_out_at,
				opt_out_source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			);
			// An upsert only ever opts out: a contact already opted out keeps its time and source.
			const update = this.stmt(
				`UPDATE contacts SET name = ?, first_name = ?, last_name = ?, country = ?, tags = ?, attributes = ?, source = ?,
				opt_out_at = CASE WHEN opted_out = 0 AND ? = 1 THEN ? ELSE opt_out_at END,
				opt_out_source = CASE WHEN opted_out = 0 AND ? = 1 THEN ? ELSE opt_out_source END,
				opted_out = CASE WHEN ? = 1 THEN 1 ELSE opted_out END,
				updated_at = ? WHERE wa_id = ?`,
			);
			// Tags are keyed by the contact's rowid (migration v3): new contacts append.
			const addTag = this.stmt(`INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`);
			const dropTag = this.stmt(`DELETE FROM contact_tags WHERE contact_id = ? AND tag = ?`);
			return inputs.map((input): UpsertOutcome => {
				const prev = known.get(input.waId);
				const { fields: f, changed } = mergeContact(prev, input, tagsMode, now);
				if (!changed) return 'unchanged';
				known.set(input.waId, f);
				const tags = JSON.stringify(f.tags);
				if (!prev) {
					const id = Number(insert.run(input.waId, f.name, f.firstName, f.lastName, f.country, tags, f.attributes, f.source, f.optedOut ? 1 : 0, f.optOutAt, f.optOutSource, now, now).lastInsertRowid);
					rowIds.set(input.waId, id);
					for (const tag of f.tags) addTag.run(id, tag);
					return 'added';
				}
				const id = rowIds.get(input.waId) as number;
				const out = f.optedOut ? 1 : 0;
				update.run(f.name, f.firstName, f.lastName, f.country, tags, f.attributes, f.source, out, f.optOutAt, out, f.optOutSource, out, now, input.waId);
				const before = new Set(prev.tags);
				const after = new Set(f.tags);
				for (const tag of f.tags) if (!before.has(tag)) addTag.run(id, tag);
				for (const tag of prev.tags) if (!after.has(tag)) dropTag.run(id, tag);
				return 'updated';
			});
		});
	}

	async getContact(waId: string): Promise<Contact | undefined> {
		const row = this.stmt(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.wa_id = ?`).get(String(waId));
		return row ? toContact(row) : undefined;
	}

	protected async listContactsSql(filter: CheckedContactFilter, after: string | undefined, limit: number): Promise<Row[]> {
		const where: string[] = [];
		const params: Param[] = [];
		if (after !== undefined) {
			where.push('c.wa_id > ?');
			params.push(after);
		}
		this.contactWhere(filter, where, params);
		const sql =
			`SELECT ${CONTACT_COLUMNS} FROM contacts c` +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			` ORDER BY c.wa_id LIMIT ?`;
		return this.stmt(sql).all(...params, limit);
	}

	private contactWhere(f: CheckedContactFilter, where: string[], params: Param[]): void {
		// Plan choice: a rare tag drives the query from the tag index (IN (…)); a common one is
		// cheaper as a per-row EXISTS probe along waId order.
		if (f.tagsAny.length) {
			const rare = f.tagsAny.reduce((sum, tag) => sum + this.tagRows(tag), 0) <= RARE_TAG_ROWS;
			where.push(
				rare
					? 'c.id IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag IN (SELECT value FROM json_each(?)))'
					: 'EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag IN (SELECT value FROM json_each(?)))',
			);
			params.push(JSON.stringify(f.tagsAny));
		}
		const counted = f.tagsAll.map((tag) => ({ tag, rows: this.tagRows(tag) })).sort((a, b) => a.rows - b.rows);
		counted.forEach(({ tag, rows }, i) => {
			where.push(
				i === 0 && rows <= RARE_TAG_ROWS
					? 'c.id IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag = ?)'
					: 'EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?)',
			);
			params.push(tag);
		});
		for (const [key, value] of f.attributes) {
			const path = `$."${key}"`;
			where.push(ATTRIBUTE_TEXT);
			params.push(path, path, value);
		}
		if (f.optedOut !== undefined) {
			where.push('c.opted_out = ?');
			params.push(f.optedOut ? 1 : 0);
		}
		for (const r of f.ranges) {
			where.push(`c.${r.column} ${r.op} ?`);
			params.push(r.value);
		}
	}

	/** How many contacts carry this tag, counted up to RARE_TAG_ROWS + 1 (cheap: index only). */
	private tagRows(tag: string): number {
		return this.stmt(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM contact_tags WHERE tag = ? LIMIT ${RARE_TAG_ROWS + 1})`).get(tag)
			?.n as number;
	}

	protected async setOptOutSql(waId: string, optedOut: boolean, src: string, at: number): Promise<Contact | undefined> {
		return this.write(() => {
			const row = this.stmt(`SELECT opted_out FROM contacts WHERE wa_id = ?`).get(waId);
			if (!row) {
				// An opt-out for an unknown number is kept (bare contact), so a later import cannot message it.
				if (!optedOut) return undefined;
				this.stmt(
					`INSERT INTO contacts (wa_id, opted_out, opt_out_at, opt_out_source, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?)`,
				).run(waId, at, src, at, at);
				this.bumpGateNow();
			} else if (optedOut && row.opted_out !== 1) {
				this.bumpGateNow();
				this.stmt(`UPDATE contacts SET opted_out = 1, opt_out_at = ?, opt_out_source = ?, updated_at = ? WHERE wa_id = ?`).run(
					at,
					src,
					at,
					waId,
				);
			} else if (!optedOut && row.opted_out === 1) {
				this.bumpGateNow();
				this.stmt(`UPDATE contacts SET opted_out = 0, opt_in_at = ?, opt_in_source = ?, updated_at = ? WHERE wa_id = ?`).run(
					at,
					src,
					at,
					waId,
				);
			}
			const after = this.stmt(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.wa_id = ?`).get(waId);
			return after ? toContact(after) : undefined;
		});
	}

	async deleteContact(waId: string): Promise<boolean> {
		return this.write(() => {
			this.stmt(`DELETE FROM contact_tags WHERE contact_id = (SELECT id FROM contacts WHERE wa_id = ?)`).run(String(waId));
			return Number(this.stmt(`DELETE FROM contacts WHERE wa_id = ?`).run(String(waId)).changes) > 0;
		});
	}

	protected async touchContactSql(waId: string, at: number, name?: string): Promise<void> {
		await this.write(() => this.touchContactNow(waId, at, name));
	}

	private touchContactNow(waId: string, at: number, name?: string): void {
		const profileName = typeof name === 'string' && name !== '' ? name : null;
		this.stmt(
			`INSERT INTO contacts (wa_id, name, created_at, updated_at, last_active_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (wa_id) DO UPDATE SET
				last_active_at = MAX(COALESCE(contacts.last_active_at, excluded.last_active_at), excluded.last_active_at),
				name = COALESCE(contacts.name, excluded.name),
				updated_at = CASE WHEN contacts.name IS NULL AND excluded.name IS NOT NULL THEN excluded.updated_at
					ELSE contacts.updated_at END`,
		).run(waId, profileName, at, at, at);
	}

	// ───────────── campaigns ─────────────

	protected async createCampaignSql(id: string, values: CampaignValues, now: number): Promise<{ campaign: Campaign; created: boolean }> {
		const params = values.map((v) => (typeof v === 'boolean' ? Number(v) : v)); // SQLite booleans are 0 / 1
		return this.write(() => {
			const insert = this.stmt(
				`INSERT INTO campaigns (${CAMPAIGN_INPUT_COLUMNS}, state, state_by, created_at, updated_at, state_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', 'created', ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			);
			const created = Number(insert.run(...params, now, now, now).changes) > 0;
			return { campaign: toCampaign(this.stmt(`SELECT * FROM campaigns WHERE id = ?`).get(id) as Row), created };
		});
	}

	async getCampaign(id: string): Promise<Campaign | undefined> {
		const row = this.stmt(`SELECT * FROM campaigns WHERE id = ?`).get(String(id));
		return row ? toCampaign(row) : undefined;
	}

	protected async setCampaignStateSql(id: string, state: CampaignState, reason: string | null, now: number, by: string): Promise<number> {
		return this.write(() => {
			const n = Number(this.stmt(`UPDATE campaigns SET state = ?, reason = ?, state_by = ?, state_at = ?, updated_at = ? WHERE id = ?`).run(state, reason, by, now, now, id).changes);
			if (n > 0) this.bumpGateNow();
			return n;
		});
	}

	protected async updateCampaignSettingsSql(id: string, settings: CampaignSettings, maxDeferDays: number | null, now: number): Promise<void> {
		// undefined keeps a value; null clears start / end / window (issue 17).
		const keep = (v: unknown) => (v === undefined ? 1 : 0);
		const json = (v: Record<string, unknown> | null | undefined) => (v === undefined || v === null ? null : JSON.stringify(v));
		await this.write(() =>
			this.stmt(
				`UPDATE campaigns SET template_id = COALESCE(?, template_id), waba_id = COALESCE(?, waba_id),
				quality_breaker = COALESCE(?, quality_breaker), max_defer_days = COALESCE(?, max_defer_days),
				start_at = CASE WHEN ? THEN start_at ELSE ? END, end_by = CASE WHEN ? THEN end_by ELSE ? END,
				send_window = CASE WHEN ? THEN send_window ELSE ? END, run_config = COALESCE(?, run_config),
				sender_pool = COALESCE(?, sender_pool), updated_at = ? WHERE id = ?`,
			).run(
				settings.templateId ?? null,
				settings.wabaId ?? null,
				settings.qualityBreaker === undefined ? null : settings.qualityBreaker ? 1 : 0,
				maxDeferDays,
				keep(settings.startAt),
				settings.startAt ?? null,
				keep(settings.endBy),
				settings.endBy ?? null,
				keep(settings.sendWindow),
				json(settings.sendWindow),
				json(settings.runConfig),
				settings.senderPool ? JSON.stringify(settings.senderPool) : null,
				now,
				id,
			),
		);
	}

	protected async addRecipientsSql(campaignId: string, recipients: RecipientInput[], now: number): Promise<number> {
		return this.write(() => {
			if (!this.stmt(`SELECT 1 AS x FROM campaigns WHERE id = ?`).get(campaignId)) throw new Error(`Campaign "${campaignId}" not found`);
			const insert = this.stmt(
				`INSERT INTO recipients (campaign_id, wa_id, state, item_index, payload, error_message, updated_at, phone_number_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, wa_id) DO NOTHING`,
			);
			let inserted = 0;
			for (const r of recipients) {
				const skipped = typeof r.skipReason === 'string' && r.skipReason !== '';
				inserted += Number(
					insert.run(
						campaignId,
						r.waId,
						skipped ? 'skipped' : 'queued',
						r.itemIndex ?? null,
						JSON.stringify(r.payload ?? {}),
						skipped ? (r.skipReason as string) : null,
						now,
						r.phoneNumberId ?? null,
					).changes,
				);
			}
			return inserted;
		});
	}

	protected async claimRecipientsSql(options: ClaimOptions): Promise<{ ids: number[]; rows: Row[] }> {
		const { campaignId, workerId, limit, now, leaseMs } = options;
		return this.write(() => {
			// Due retries/deferrals first (oldest due first), then fresh rows in insertion order.
			const ids = this.stmt(
				`SELECT id FROM recipients WHERE campaign_id = ? AND state IN ('retry', 'deferred')
				AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND (? IS NULL OR phone_number_id IS NULL OR phone_number_id = ?)
				ORDER BY next_attempt_at, id LIMIT ?`,
			)
				.all(campaignId, now, options.phoneNumberId ?? null, options.phoneNumberId ?? null, limit)
				.map((r) => r.id as number);
			if (ids.length < limit) {
				for (const r of this.stmt(
					`SELECT id FROM recipients WHERE campaign_id = ? AND state = 'queued' AND (? IS NULL OR phone_number_id IS NULL OR phone_number_id = ?)
					ORDER BY next_attempt_at, id LIMIT ?`,
				).all(campaignId, options.phoneNumberId ?? null, options.phoneNumberId ?? null, limit - ids.length)) {
					ids.push(r.id as number);
				}
			}
			if (ids.length === 0) return { ids, rows: [] };
			const rows = this.stmt(
				`UPDATE recipients SET state = 'sending', claimed_by = ?, claim_expires_at = ?, dispatched_at = NULL, updated_at = ?
				WHERE id IN (SELECT value FROM json_each(?)) RETURNING *`,
			).all(workerId, now + leaseMs, now, JSON.stringify(ids));
			return { ids, rows };
		});
	}

	protected async markDispatchedSql(campaignId: string, waIds: string[], workerId: string, at: number): Promise<string[]> {
		return this.write(() =>
			this.stmt(
				`UPDATE recipients SET dispatched_at = ? WHERE campaign_id = ? AND wa_id IN (SELECT value FROM json_each(?))
				AND claimed_by = ? AND state = 'sending' RETURNING wa_id`,
			)
				.all(at, campaignId, JSON.stringify(waIds), workerId)
				.map((r) => r.wa_id as string),
		);
	}

	protected async expireClaimsSql(campaignId: string, now: number): Promise<{ unknown: number; requeued: number }> {
		return this.write(() => {
			// Never dispatched: the request never left the crashed run → re-queued, due now.
			const requeued = this.stmt(
				`UPDATE recipients SET state = 'retry', next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL, updated_at = ?
				WHERE campaign_id = ? AND state = 'sending' AND claim_expires_at <= ? AND dispatched_at IS NULL`,
			).run(now, now, campaignId, now).changes;
			const unknown = this.stmt(
				`UPDATE recipients SET state = 'unknown', updated_at = ?
				WHERE campaign_id = ? AND state = 'sending' AND claim_expires_at <= ?`,
			).run(now, campaignId, now).changes;
			return { unknown: Number(unknown), requeued: Number(requeued) };
		});
	}

	protected async requeueUnresolvedUnknownSql(campaignId: string, quietBefore: number, now: number): Promise<number> {
		const changes = await this.write(
			() =>
				this.stmt(
					`UPDATE recipients SET state = 'retry', next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL, updated_at = ?
					WHERE campaign_id = ? AND state = 'unknown' AND COALESCE(dispatched_at, updated_at) < ?
					AND COALESCE(dispatched_at, updated_at) < (SELECT MAX(dispatched_at) FROM recipients
						WHERE campaign_id = ? AND state IN ('delivered', 'read', 'replied'))`,
				).run(now, now, campaignId, quietBefore, campaignId).changes,
		);
		return Number(changes);
	}

	protected async updateRecipientSql(campaignId: string, waId: string, update: RecipientUpdate, now: number): Promise<boolean> {
		// The campaign's hot path (one or two per message): the statement is picked by the update's
		// shape (which fields are set) instead of building and hashing its SQL text on every call.
		let shape = 0;
		const params: Param[] = [now];
		if (update.state !== undefined) {
			shape |= update.state === 'sending' ? 1 : 3;
			params.push(update.state);
		}
		RECIPIENT_UPDATE_FIELDS.forEach(([key], i) => {
			const value = update[key];
			if (value === undefined) return;
			shape |= 4 << i;
			params.push(value as Param);
		});
		params.push(campaignId, waId);
		if (update.expectClaimedBy !== undefined) {
			shape |= 4 << RECIPIENT_UPDATE_FIELDS.length;
			params.push(update.expectClaimedBy);
		}
		const changes = await this.write(() => this.stmt(recipientUpdateSql(shape)).run(...params).changes);
		return Number(changes) > 0;
	}

	async getRecipient(campaignId: string, waId: string): Promise<Recipient | undefined> {
		const row = this.stmt(`SELECT * FROM recipients WHERE campaign_id = ? AND wa_id = ?`).get(String(campaignId), String(waId));
		return row ? toRecipient(row) : undefined;
	}

	protected async listRecipientsSql(campaignId: string, after: number | undefined, states: RecipientState[] | undefined, limit: number): Promise<Row[]> {
		const where = ['campaign_id = ?'];
		const params: Param[] = [campaignId];
		if (after !== undefined) {
			where.push('id > ?');
			params.push(after);
		}
		if (states !== undefined) {
			where.push('state IN (SELECT value FROM json_each(?))');
			params.push(JSON.stringify(states));
		}
		return this.stmt(`SELECT * FROM recipients WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`).all(...params, limit);
	}

	protected async expireRemainingSql(campaignId: string, now: number): Promise<number> {
		const changes = await this.write(
			() =>
				this.stmt(
					`UPDATE recipients SET state = 'expired', next_attempt_at = NULL, error_class = 'expired',
					error_message = 'Not sent before the campaign ended (End By)', updated_at = ?
					WHERE campaign_id = ? AND state IN ('queued', 'retry', 'deferred')`,
				).run(now, campaignId).changes,
		);
		return Number(changes);
	}

	protected async dueCampaignRows(now: number, wabaId: string | null, campaignId: string | null): Promise<Row[]> {
		return this.stmt(
			`SELECT c.*,
				(SELECT COUNT(*) FROM recipients r WHERE r.campaign_id = c.id AND (r.state = 'queued'
					OR (r.state IN ('retry', 'deferred') AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)))) AS due_rows,
				(SELECT COUNT(*) FROM recipients r WHERE r.campaign_id = c.id AND r.state IN ('queued', 'retry', 'deferred')) AS left_rows
			FROM campaigns c WHERE c.state = 'running' AND (? IS NULL OR c.waba_id = ?) AND (? IS NULL OR c.id = ?)
			ORDER BY c.created_at, c.id`,
		).all(now, wabaId, wabaId, campaignId, campaignId);
	}

	protected async reassignRecipientsSql(campaignId: string, from: string, pick: (waId: string) => string): Promise<number> {
		return this.write(() => {
			const rows = this.stmt(`SELECT wa_id FROM recipients WHERE campaign_id = ? AND phone_number_id = ? AND state IN ('queued', 'retry', 'deferred')`).all(
				campaignId,
				from,
			);
			const move = this.stmt(`UPDATE recipients SET phone_number_id = ? WHERE campaign_id = ? AND wa_id = ? AND state IN ('queued', 'retry', 'deferred')`);
			let moved = 0;
			for (const r of rows) moved += Number(move.run(pick(r.wa_id as string), campaignId, r.wa_id as string).changes);
			return moved;
		});
	}

	protected async lastInboundRows(waIds: string[], phoneNumberIds: string[]): Promise<Row[]> {
		return this.stmt(
			`SELECT wa_id, phone_number_id FROM windows WHERE wa_id IN (SELECT value FROM json_each(?)) AND phone_number_id IN (SELECT value FROM json_each(?))
			ORDER BY last_inbound_at`,
		).all(JSON.stringify(waIds), JSON.stringify(phoneNumberIds));
	}

	protected async recipientKeysSql(campaignId: string, waIds: string[]): Promise<string[]> {
		return this.stmt(`SELECT wa_id FROM recipients WHERE campaign_id = ? AND wa_id IN (SELECT value FROM json_each(?))`)
			.all(campaignId, JSON.stringify(waIds))
			.map((r) => r.wa_id as string);
	}

	async nextDueAt(campaignId: string): Promise<number | undefined> {
		const row = this.stmt(
			`SELECT MIN(next_attempt_at) AS due FROM recipients WHERE campaign_id = ? AND state IN ('retry', 'deferred')`,
		).get(String(campaignId));
		return opt<number>(row?.due);
	}

	protected isMissingColumn(error: unknown): boolean {
		return /no such column/i.test(String((error as Error)?.message));
	}

	protected sendsPerHourRows(campaignId: string, since: number, perNumber: boolean): Row[] {
		return this.stmt(
			`SELECT (dispatched_at / 3600000) * 3600000 AS hour${perNumber ? ', phone_number_id AS num' : ''}, COUNT(*) AS n FROM recipients
			WHERE campaign_id = ? AND dispatched_at IS NOT NULL AND dispatched_at >= ? GROUP BY hour${perNumber ? ', num' : ''} ORDER BY hour`,
		).all(campaignId, since);
	}

	protected stateCountRows(campaignId: string, perNumber: boolean): Row[] {
		const num = perNumber ? 'phone_number_id AS num, ' : '';
		return this.stmt(`SELECT ${num}state, COUNT(*) AS n FROM recipients WHERE campaign_id = ? GROUP BY ${perNumber ? 'num, ' : ''}state`).all(campaignId);
	}

	protected async campaignCountRows(campaignId: string): Promise<CampaignCountRows> {
		const counts = (column: string, where: string) =>
			this.stmt(`SELECT ${column}, COUNT(*) AS n FROM recipients WHERE campaign_id = ?${where} GROUP BY ${column}`).all(campaignId);
		return {
			byState: counts('state', ''),
			byErrorCode: counts('error_code', ' AND error_code IS NOT NULL'),
			byDeferDays: counts('defer_days', ' AND defer_days > 0'),
		};
	}

	/** One status, inside the caller's transaction. */
	private applyStatusNow(update: StatusUpdate): Recipient | undefined {
		let row = this.stmt(`SELECT *, ${CAMPAIGN_MAX_DEFER_DAYS} FROM recipients WHERE message_id = ? LIMIT 1`).get(update.messageId);
		let setMessageId = false;
		if (!row) {
			// A row left 'unknown' (timeout after write), or still 'sending' because the status webhook beat
			// the worker's own write, learns its message id from the echoed callback data.
			const cb = parseCallbackData(update.callbackData);
			if (!cb) return undefined;
			row = this.stmt(`SELECT *, ${CAMPAIGN_MAX_DEFER_DAYS} FROM recipients WHERE campaign_id = ? AND wa_id = ?`).get(cb.campaignId, cb.waId);
			if (!row || (row.state !== 'unknown' && row.state !== 'sending') || (row.message_id !== null && row.message_id !== update.messageId)) return undefined;
			setMessageId = true;
		}
		const maxDeferDays = Number(row.campaign_max_defer_days ?? DEFAULT_MAX_DEFER_DAYS);
		const deferral = deferralForStatus(row.state as RecipientState, Number(row.defer_days ?? 0), maxDeferDays, update);
		if (deferral) {
			const deferred = this.stmt(
				`UPDATE recipients SET state = ?, next_attempt_at = ?, defer_days = ?, message_id = NULL, error_code = ?, error_class = ?,
				error_message = ?, claimed_by = NULL, claim_expires_at = NULL, updated_at = ? WHERE id = ? RETURNING *`,
			).get(
				deferral.state,
				deferral.nextAttemptAt,
				deferral.deferDays,
				update.errorCode ?? null,
				'defer_day',
				deferral.errorMessage,
				update.at,
				row.id as number,
			) as Row;
			return toRecipient(deferred);
		}
		const next = nextStateForStatus(row.state as RecipientState, update.status);
		if (!next && !setMessageId) return toRecipient(row);
		const failed = next === 'failed';
		const after = this.stmt(
			`UPDATE recipients SET
				state = COALESCE(?, state),
				message_id = COALESCE(message_id, ?),
				error_code = CASE WHEN ? THEN ? ELSE error_code END,
				error_message = CASE WHEN ? THEN ? ELSE error_message END,
				claimed_by = CASE WHEN ? IS NULL THEN claimed_by ELSE NULL END,
				claim_expires_at = CASE WHEN ? IS NULL THEN claim_expires_at ELSE NULL END,
				updated_at = ?
			WHERE id = ? RETURNING *`,
		).get(
			next ?? null,
			update.messageId,
			failed ? 1 : 0,
			update.errorCode ?? null,
			failed ? 1 : 0,
			update.errorMessage ?? null,
			next ?? null,
			next ?? null,
			update.at,
			row.id as number,
		) as Row;
		return toRecipient(after);
	}

	protected async applyStatusesSql(updates: StatusUpdate[]): Promise<Array<Recipient | undefined>> {
		return this.write(() => updates.map((u) => this.applyStatusNow(u)));
	}

	protected async markRepliedSql(messageId: string, at: number): Promise<Recipient | undefined> {
		return this.write(() => this.markRepliedNow(messageId, at));
	}

	private markRepliedNow(messageId: string, at: number): Recipient | undefined {
		const row = this.stmt(`SELECT * FROM recipients WHERE message_id = ? LIMIT 1`).get(messageId);
		if (!row) return undefined;
		if (!canMarkReplied(row.state as RecipientState)) return toRecipient(row);
		const after = this.stmt(
			`UPDATE recipients SET state = 'replied', claimed_by = NULL, claim_expires_at = NULL, updated_at = ? WHERE id = ? RETURNING *`,
		).get(at, row.id as number) as Row;
		return toRecipient(after);
	}

	// ───────────── conversation windows (cloud-api.md §6) ─────────────

	protected async recordInboundSql(records: InboundRecord[]): Promise<void> {
		await this.write(() => this.recordInboundNow(records));
	}

	private recordInboundNow(records: InboundRecord[]): void {
		// Keeps the latest inbound (webhooks arrive out of order); a referral (click-to-WhatsApp ad /
		// Page CTA) records the start of a free entry point conversation.
		const upsert = this.stmt(
			`INSERT INTO windows (phone_number_id, wa_id, last_inbound_at, free_entry_point_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET
				last_inbound_at = MAX(windows.last_inbound_at, excluded.last_inbound_at),
				free_entry_point_at = CASE
					WHEN excluded.free_entry_point_at IS NULL THEN windows.free_entry_point_at
					WHEN windows.free_entry_point_at IS NULL THEN excluded.free_entry_point_at
					ELSE MAX(windows.free_entry_point_at, excluded.free_entry_point_at) END`,
		);
		for (const r of records) upsert.run(r.phoneNumberId, r.waId, r.at, r.referral ? r.at : null);
	}

	protected async windowRow(phoneNumberId: string, waId: string): Promise<Row | undefined> {
		return this.stmt(`SELECT * FROM windows WHERE phone_number_id = ? AND wa_id = ?`).get(phoneNumberId, waId);
	}

	// ───────────── rolling 24 h recipient budget (cloud-api.md §5) ─────────────

	protected async reserveBudgetSql(portfolioId: string, waId: string, limit: number, now: number): Promise<BudgetReservation> {
		const since = now - DAY_MS;
		return this.write((): BudgetReservation => {
			this.pruneBudget(now);
			const count = () =>
				this.stmt(`SELECT COUNT(*) AS n FROM budget WHERE portfolio_id = ? AND first_at > ?`).get(portfolioId, since)?.n as number;
			const row = this.stmt(`SELECT first_at FROM budget WHERE portfolio_id = ? AND wa_id = ?`).get(portfolioId, waId);
			// Already counted in the last 24 h: messaging them again costs nothing.
			if (row && (row.first_at as number) > since) return { ok: true, used: count(), charged: false };
			const used = count();
			if (used < limit) {
				this.stmt(
					`INSERT INTO budget (portfolio_id, wa_id, first_at) VALUES (?, ?, ?)
					ON CONFLICT (portfolio_id, wa_id) DO UPDATE SET first_at = excluded.first_at`,
				).run(portfolioId, waId, now);
				return { ok: true, used: used + 1, charged: true };
			}
			const oldest = this.stmt(`SELECT MIN(first_at) AS t FROM budget WHERE portfolio_id = ? AND first_at > ?`).get(portfolioId, since)
				?.t as number | null;
			return { ok: false, used, availableAt: (oldest ?? now) + DAY_MS, charged: false };
		});
	}

	protected async releaseBudgetSql(portfolioId: string, waId: string, now: number): Promise<void> {
		await this.write(() => this.stmt(`DELETE FROM budget WHERE portfolio_id = ? AND wa_id = ? AND first_at > ?`).run(portfolioId, waId, now - DAY_MS));
	}

	protected async budgetUsedSql(portfolioId: string, now: number): Promise<number> {
		return this.stmt(`SELECT COUNT(*) AS n FROM budget WHERE portfolio_id = ? AND first_at > ?`).get(portfolioId, now - DAY_MS)?.n as number;
	}

	private pruneBudget(now: number): void {
		if (Math.abs(now - this.lastBudgetPrune) < PRUNE_EVERY_MS) return;
		this.lastBudgetPrune = now;
		this.stmt(`DELETE FROM budget WHERE first_at <= ?`).run(now - DAY_MS);
	}

	protected async bookArrivalSql(key: string, booking: ArrivalBooking, raises: Array<{ seq: number; at: number }>): Promise<ArrivalGrant> {
		// BEGIN IMMEDIATE: the write lock serializes bookings of every process on this file.
		return this.write((): ArrivalGrant => {
			const pace = this.stmt(`SELECT tat, seq FROM paces WHERE key = ?`).get(key);
			const tat = pace ? (pace.tat as number) : -Infinity;
			const seq = pace ? (pace.seq as number) : 0;
			const raise = this.stmt(`UPDATE arrivals SET at = ? WHERE key = ? AND seq = ? AND at < ?`);
			for (const r of raises) raise.run(r.at, key, r.seq, r.at);
			const kth = this.stmt(`SELECT at FROM arrivals WHERE key = ? ORDER BY at DESC LIMIT 1 OFFSET ?`).get(key, booking.windowCount - 1);
			const slot = Math.max(booking.at, tat - booking.toleranceMs, kth ? (kth.at as number) + booking.windowMs : -Infinity);
			if (slot - booking.at > booking.maxAheadMs) return { seq: -1, at: slot };
			const next = seq + 1;
			this.stmt(`INSERT INTO arrivals (key, seq, at) VALUES (?, ?, ?)`).run(key, next, slot);
			this.stmt(
				`INSERT INTO paces (key, tat, seq) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat, seq = excluded.seq`,
			).run(key, Math.max(tat, slot) + 1000 / booking.ratePerS, next);
			this.stmt(`DELETE FROM arrivals WHERE key = ? AND at < ?`).run(key, slot - booking.keepMs);
			return { seq: next, at: slot };
		});
	}

	// ───────────── webhook de-duplication ─────────────

	protected async markProcessedSql(keys: string[], at: number): Promise<boolean[]> {
		return this.write(() => this.markProcessedNow(keys, at));
	}

	private markProcessedNow(keys: string[], at: number): boolean[] {
		if (Math.abs(at - this.lastProcessedPrune) >= PRUNE_EVERY_MS) {
			this.lastProcessedPrune = at;
			this.stmt(`DELETE FROM processed WHERE at < ?`).run(at - PROCESSED_RETENTION_MS);
		}
		const insert = this.stmt(`INSERT INTO processed (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`);
		return keys.map((key) => Number(insert.run(key, at).changes) === 1);
	}

	/**
	 * Everything one webhook request writes, in ONE transaction (trigger hot path): windows,
	 * statuses, replies, contact activity, then the de-duplication keys. Either all of it is
	 * committed or none, so a failure leaves nothing marked processed and Meta's redelivery redoes it.
	 */
	protected async applyWebhookBatchSql(batch: WebhookBatch): Promise<WebhookBatchResult> {
		return this.write(() => {
			if (batch.inbound.length) this.recordInboundNow(batch.inbound);
			for (const u of batch.statuses) this.applyStatusNow(u);
			let replies = 0;
			for (const r of batch.replies) if (this.markRepliedNow(r.messageId, r.at)?.state === 'replied') replies++;
			if (batch.replyAttributionMs && batch.replyAttributionMs > 0) {
				for (const i of batch.inbound) if (this.attributeReplyNow(i.phoneNumberId, i.waId, i.at, batch.replyAttributionMs)) replies++;
			}
			for (const t of batch.touches) this.touchContactNow(t.waId, t.at, t.name);
			const fresh = batch.processedKeys.length ? this.markProcessedNow(batch.processedKeys, batch.at) : [];
			const breakers = batch.breakers?.length ? this.applyBreakersNow(freshBreakers(batch, fresh), batch.at) : [];
			if (batch.outbox?.length) {
				const insert = this.stmt(`INSERT INTO webhook_outbox (target, key, payload, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (target, key) DO NOTHING`);
				for (const o of freshOutbox(batch, fresh)) insert.run(o.target, o.key, o.payload, batch.at);
			}
			return { fresh, breakers, replies };
		});
	}

	// ───────────── webhook outbox (core/receiver, issue 19) ─────────────

	protected async claimOutboxSql(target: string, claim: OutboxClaim, now: number, limit: number): Promise<Row[]> {
		return this.write(() => {
			const rows = this.stmt(
				`SELECT id, target, key, payload, created_at, attempts FROM webhook_outbox
				WHERE target = ? AND delivered_at IS NULL AND next_attempt_at <= ? AND leased_until <= ? ORDER BY id LIMIT ?`,
			).all(target, now, now, limit);
			const lease = this.stmt(`UPDATE webhook_outbox SET leased_until = ?, leased_by = ? WHERE id = ?`);
			for (const r of rows) lease.run(now + claim.leaseMs, claim.worker, r.id as number);
			return rows;
		});
	}

	protected async completeOutboxSql(ids: number[], worker: string, now: number): Promise<void> {
		await this.write(() => {
			this.stmt(`UPDATE webhook_outbox SET delivered_at = ?, leased_until = 0 WHERE id IN (SELECT value FROM json_each(?)) AND leased_by = ? AND delivered_at IS NULL`).run(
				now,
				JSON.stringify(ids),
				worker,
			);
			if (Math.abs(now - this.lastOutboxPrune) >= PRUNE_EVERY_MS) {
				this.lastOutboxPrune = now;
				this.stmt(`DELETE FROM webhook_outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?`).run(now - OUTBOX_RETENTION_MS);
			}
		});
	}

	protected async failOutboxSql(ids: number[], worker: string, error: string, retryAt: number): Promise<void> {
		await this.write(() => {
			this.stmt(
				`UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?, leased_until = 0, last_error = ?
				WHERE id IN (SELECT value FROM json_each(?)) AND leased_by = ? AND delivered_at IS NULL`,
			).run(retryAt, error, JSON.stringify(ids), worker);
		});
	}

	async outboxCounts(target?: string): Promise<{ pending: number; delivered: number }> {
		const row = this.stmt(
			`SELECT COALESCE(SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END), 0) AS pending, COALESCE(SUM(CASE WHEN delivered_at IS NULL THEN 0 ELSE 1 END), 0) AS delivered
			FROM webhook_outbox WHERE (? IS NULL OR target = ?)`,
		).get(target ?? null, target ?? null);
		return { pending: Number(row?.pending ?? 0), delivered: Number(row?.delivered ?? 0) };
	}

	/**
	 * A typed reply: the customer's latest campaign message from this number, sent within `windowMs`
	 * before the inbound and not yet replied → 'replied' (only that message: a later campaign message
	 * takes the attribution). True when a row moved.
	 */
	private attributeReplyNow(phoneNumberId: string, waId: string, at: number, windowMs: number): boolean {
		const row = this.stmt(
			`SELECT r.id, r.state FROM recipients r JOIN campaigns c ON c.id = r.campaign_id
			WHERE r.wa_id = ? AND c.phone_number_id = ? AND r.dispatched_at IS NOT NULL AND r.dispatched_at <= ? AND r.dispatched_at >= ?
			ORDER BY r.dispatched_at DESC LIMIT 1`,
		).get(waId, phoneNumberId, at + WEBHOOK_TIME_RESOLUTION_MS, at - windowMs);
		if (!row || !REPLY_ATTRIBUTABLE.includes(row.state as RecipientState)) return false;
		this.stmt(`UPDATE recipients SET state = 'replied', updated_at = ? WHERE id = ?`).run(at, row.id as number);
		return true;
	}

	// ───────────── identity (issue 14): one contact per person ─────────────

	protected async identityRows(forms: string[]): Promise<{ keys: Row[]; links: Row[] }> {
		const all = JSON.stringify(forms);
		return {
			keys: this.stmt(`SELECT wa_id FROM contacts WHERE wa_id IN (SELECT value FROM json_each(?))`).all(all),
			links: this.stmt(`SELECT identifier, contact_key FROM contact_identities WHERE identifier IN (SELECT value FROM json_each(?))`).all(all),
		};
	}

	protected async linkIdentitySql(key: string, identifier: string, kind: IdentityKind, source: string, at: number): Promise<{ key: string; merged?: string }> {
		return this.write(() => {
			const holder = (id: string): string | undefined =>
				this.stmt(`SELECT wa_id FROM contacts WHERE wa_id = ?`).get(id) ? id : (this.stmt(`SELECT contact_key FROM contact_identities WHERE identifier = ?`).get(id)?.contact_key as string | undefined);
			// The key itself may be a linked identifier of another contact already.
			let target = holder(key) ?? key;
			if (!this.stmt(`SELECT 1 FROM contacts WHERE wa_id = ?`).get(target)) {
				this.stmt(`INSERT INTO contacts (wa_id, created_at, updated_at) VALUES (?, ?, ?)`).run(target, at, at);
			}
			let merged: string | undefined;
			const other = identifier === target ? undefined : holder(identifier);
			if (other && other !== target) {
				const { into, from } = mergeSurvivor(target, other);
				this.mergeContactsNow(into, from, `${kind} ${identifier} (${source})`, at);
				merged = from;
				target = into;
			}
			if (identifier !== target) {
				this.stmt(
					`INSERT INTO contact_identities (identifier, contact_key, kind, source, created_at) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT (identifier) DO UPDATE SET contact_key = excluded.contact_key`,
				).run(identifier, target, kind, source, at);
			}
			return merged ? { key: target, merged } : { key: target };
		});
	}

	/** Merges contact `from` into `into` inside the caller's transaction (see Store.linkIdentity). */
	private mergeContactsNow(into: string, from: string, reason: string, at: number): void {
		const a = this.stmt(`SELECT * FROM contacts WHERE wa_id = ?`).get(into) as Row;
		const b = this.stmt(`SELECT * FROM contacts WHERE wa_id = ?`).get(from) as Row;
		const m = mergeContactRows(a, b);
		this.stmt(
			`UPDATE contacts SET name = ?, first_name = ?, last_name = ?, country = ?, source = ?, tags = ?, attributes = ?, opted_out = ?,
			opt_out_at = ?, opt_out_source = ?, opt_in_at = ?, opt_in_source = ?, blocked_at = ?, block_reason = ?, created_at = ?,
			last_active_at = ?, updated_at = ? WHERE wa_id = ?`,
		).run(
			m.name as Param, m.first_name as Param, m.last_name as Param, m.country as Param, m.source as Param,
			JSON.stringify(m.tags), JSON.stringify(m.attributes), m.opted_out ? 1 : 0,
			m.opt_out_at as Param, m.opt_out_source as Param, m.opt_in_at as Param, m.opt_in_source as Param,
			m.blocked_at as Param, m.block_reason as Param, m.created_at as Param, m.last_active_at as Param, at, into,
		);
		const intoId = a.id as number;
		this.stmt(`DELETE FROM contact_tags WHERE contact_id = ?`).run(intoId);
		for (const tag of m.tags as string[]) this.stmt(`INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING`).run(intoId, tag);
		this.stmt(`DELETE FROM contact_tags WHERE contact_id = ?`).run(b.id as number);
		// The latest window wins, per business number.
		for (const w of this.stmt(`SELECT * FROM windows WHERE wa_id = ?`).all(from)) {
			this.stmt(
				`INSERT INTO windows (phone_number_id, wa_id, last_inbound_at, free_entry_point_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (phone_number_id, wa_id) DO UPDATE SET last_inbound_at = MAX(windows.last_inbound_at, excluded.last_inbound_at),
				free_entry_point_at = COALESCE(MAX(windows.free_entry_point_at, excluded.free_entry_point_at), windows.free_entry_point_at, excluded.free_entry_point_at)`,
			).run(w.phone_number_id as string, into, w.last_inbound_at as number, (w.free_entry_point_at as number | null) ?? null);
		}
		this.stmt(`DELETE FROM windows WHERE wa_id = ?`).run(from);
		this.stmt(`UPDATE contact_identities SET contact_key = ? WHERE contact_key = ?`).run(into, from);
		this.stmt(
			`INSERT INTO contact_identities (identifier, contact_key, kind, source, created_at) VALUES (?, ?, 'merged', ?, ?)
			ON CONFLICT (identifier) DO UPDATE SET contact_key = excluded.contact_key`,
		).run(from, into, reason.slice(0, 200), at);
		this.stmt(`DELETE FROM contacts WHERE wa_id = ?`).run(from);
		this.stmt(`INSERT INTO contact_merges (into_key, from_key, reason, at) VALUES (?, ?, ?, ?)`).run(into, from, reason.slice(0, 500), at);
		this.bumpGateNow(); // consent may have changed for either identifier
	}

	protected async contactIdentityRows(key: string): Promise<Row[]> {
		return this.stmt(`SELECT identifier, kind, source, created_at FROM contact_identities WHERE contact_key = ? ORDER BY created_at, identifier`).all(key);
	}

	// ───────────── send-time gates and circuit breakers (issue 13) ─────────────

	private bumpGateNow(): void {
		this.stmt(`UPDATE gate_version SET version = version + 1 WHERE id = 1`).run();
	}

	async gateVersion(): Promise<number> {
		return Number(this.stmt(`SELECT version FROM gate_version WHERE id = 1`).get()?.version ?? 0);
	}

	protected async gatedContactRows(waIds: string[]): Promise<Row[]> {
		return this.stmt(
			`SELECT wa_id, opted_out, opt_out_source, opt_out_at, blocked_at, block_reason FROM contacts
			WHERE wa_id IN (SELECT value FROM json_each(?)) AND (blocked_at IS NOT NULL OR opted_out = 1)`,
		).all(JSON.stringify(waIds));
	}

	protected async setBlockedSql(waId: string, blocked: boolean, reason: string, at: number): Promise<Contact | undefined> {
		return this.write(() => {
			const row = this.stmt(`SELECT blocked_at FROM contacts WHERE wa_id = ?`).get(waId);
			if (!row) {
				if (!blocked) return undefined;
				this.stmt(`INSERT INTO contacts (wa_id, blocked_at, block_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`).run(waId, at, reason, at, at);
				this.bumpGateNow();
			} else if (blocked !== (row.blocked_at !== null)) {
				this.stmt(`UPDATE contacts SET blocked_at = ?, block_reason = ?, updated_at = ? WHERE wa_id = ?`).run(
					blocked ? at : null,
					blocked ? reason : null,
					at,
					waId,
				);
				this.bumpGateNow();
			}
			const after = this.stmt(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.wa_id = ?`).get(waId);
			return after ? toContact(after) : undefined;
		});
	}

	protected async setNumberHealthSql(h: NumberHealth): Promise<void> {
		await this.write(() => this.setNumberHealthNow(h));
	}

	private setNumberHealthNow(h: NumberHealth): void {
		const prev = this.stmt(`SELECT quality, messaging_limit FROM number_health WHERE phone_number_id = ?`).get(h.phoneNumberId);
		this.stmt(
			`INSERT INTO number_health (phone_number_id, display_digits, waba_id, quality, messaging_limit, tier, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET
				display_digits = COALESCE(excluded.display_digits, number_health.display_digits),
				waba_id = COALESCE(excluded.waba_id, number_health.waba_id),
				quality = COALESCE(excluded.quality, number_health.quality),
				messaging_limit = CASE WHEN ? THEN excluded.messaging_limit ELSE number_health.messaging_limit END,
				tier = COALESCE(excluded.tier, number_health.tier),
				updated_at = excluded.updated_at`,
		).run(
			h.phoneNumberId,
			h.displayDigits ?? null,
			h.wabaId ?? null,
			h.quality ?? null,
			h.messagingLimit ?? null,
			h.tier ?? null,
			h.updatedAt,
			h.messagingLimit !== undefined ? 1 : 0,
		);
		if (numberHealthMovesGate(prev, h)) this.bumpGateNow();
	}

	async getNumberHealth(phoneNumberId: string): Promise<NumberHealth | undefined> {
		const row = this.stmt(`SELECT * FROM number_health WHERE phone_number_id = ?`).get(String(phoneNumberId));
		return row ? toNumberHealth(row) : undefined;
	}

	protected async applyBreakersSql(actions: BreakerAction[], at: number): Promise<BreakerEffect[]> {
		return this.write(() => this.applyBreakersNow(actions, at));
	}

	private applyBreakersNow(actions: BreakerAction[], at: number): BreakerEffect[] {
		const effects: BreakerEffect[] = [];
		const move = (sql: string, params: Param[], state: 'paused' | 'account_stopped', reason: string, by: string) => {
			for (const r of this.stmt(`UPDATE campaigns SET state = ?, reason = ?, state_by = ?, state_at = ?, updated_at = ? WHERE ${sql} RETURNING id`).all(
				state,
				reason,
				by,
				at,
				at,
				...params,
			)) {
				effects.push({ campaignId: r.id as string, state, reason, by });
			}
		};
		for (const a of actions) {
			if (a.kind === 'template') {
				move(
					`state = 'running' AND ((template_id IS NOT NULL AND template_id = ?) OR ((template_id IS NULL OR ? IS NULL) AND template_name = ? AND (? IS NULL OR template_language = ?)))`,
					[a.templateId ?? null, a.templateId ?? null, a.templateName ?? null, a.language ?? null, a.language ?? null],
					'paused',
					a.reason,
					a.by,
				);
			} else if (a.kind === 'number_quality') {
				move(
					`state = 'running' AND UPPER(COALESCE(category, '')) = 'MARKETING' AND quality_breaker = 1 AND sender_pool IS NULL AND (phone_number_id = ?
					OR phone_number_id IN (SELECT phone_number_id FROM number_health WHERE display_digits = ?))`,
					[a.phoneNumberId ?? null, a.displayDigits ?? null],
					'paused',
					a.reason,
					a.by,
				);
			} else if (a.kind === 'account') {
				move(`state IN ('running', 'paused') AND waba_id = ?`, [a.wabaId], 'account_stopped', a.reason, a.by);
			} else if (a.kind === 'template_category') {
				// The category map (issue 17): every campaign of the template, whatever its state.
				this.stmt(
					`UPDATE campaigns SET category = ?, updated_at = ? WHERE (template_id IS NOT NULL AND template_id = ?) OR ((template_id IS NULL OR ? IS NULL) AND template_name = ? AND (? IS NULL OR template_language = ?))`,
				).run(a.category, at, a.templateId ?? null, a.templateId ?? null, a.templateName ?? null, a.language ?? null, a.language ?? null);
			} else if (a.kind === 'number_limit') {
				// One number (id or display digits), or every known number of the WABA (portfolio-wide limits).
				const ids = a.phoneNumberId
					? [a.phoneNumberId]
					: this.stmt(`SELECT phone_number_id FROM number_health WHERE display_digits = ? OR (? IS NULL AND waba_id = ?)`)
							.all(a.displayDigits ?? null, a.displayDigits ?? null, a.wabaId ?? null)
							.map((r) => r.phone_number_id as string);
				for (const id of ids) this.setNumberHealthNow({ phoneNumberId: id, wabaId: a.wabaId, messagingLimit: a.messagingLimit, tier: a.tier, updatedAt: at });
			}
		}
		if (effects.length) this.bumpGateNow();
		return effects;
	}

	/** A file store imports through a worker thread on the same file (core/contacts/sqliteImport). */
	async importSink(): Promise<ImportSink> {
		if (this.file === ':memory:' || !SqliteImportSink.available()) return super.importSink();
		const sink = await SqliteImportSink.open(this.file);
		return { sink, close: () => sink.close() };
	}

	async close(): Promise<void> {
		this.statements.clear();
		if (this.db.isOpen) this.db.close();
	}
}
